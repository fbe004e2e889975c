package io.interactionsync.deploy.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Picks the fixture sample from a dump of {@code raw-records}: records are grouped into {@link CaptureUnit}s that
 * must stay together, each unit is tagged with the cases the rules care about ({@link CaptureCases}), then for each
 * case in a fixed order up to its quota of units is taken (smallest first among the first candidates in hash order,
 * so the pick is deterministic and spread over the dump), for each picked list post one message its mailbox sent to
 * the poster (R-C7 needs that history), and finally each source is topped up with ordinary units. Records keep
 * their dump order.
 */
final class CaptureSampler {

    /** The fixture file stays below this size (characters). */
    static final int MAX_SIZE = 850_000;
    /** History and top-up units are small ones. */
    private static final int SMALL_UNIT = 6_000;
    /** case → how many units to take; order matters (rarer cases first). */
    static final Map<String, Integer> QUOTAS;
    /** Ordinary units added per group after the cases, for volume. */
    static final Map<String, Integer> TOP_UP = Collections.unmodifiableMap(new TreeMap<>(Map.of("gmail", 25,
            "outlook_mail", 15, "shared", 10, "google_calendar", 15, "outlook_calendar", 15)));

    static {
        Map<String, Integer> q = new LinkedHashMap<>();
        for (String mail : List.of("gmail", "outlook_mail", "shared")) {
            q.put(mail + ".bcc", 4);
            q.put(mail + ".auto-submitted", 3);
            q.put(mail + ".calendar-notification", 2);
            q.put(mail + ".no-message-id", 3);
            q.put(mail + ".deleted", 2);
            q.put(mail + ".newsletter", 5);
            q.put(mail + ".list", 4);
            q.put(mail + ".notification", 3);
            q.put(mail + ".many-recipients", 1);
            q.put(mail + ".colleagues-only", 4);
            q.put(mail + ".encoded-name", 3);
            q.put(mail + ".comma-name", 3);
            q.put(mail + ".gmail-com", 2);
            q.put(mail + ".reply-to", 2);
            q.put(mail + ".other-mailboxes-too", 3);
            if (mail.equals("gmail")) {
                q.put(mail + ".archived", 3);
            } else {
                // R-B1 on Outlook: Sent Items is learned from parentFolderId, so the sample needs both sides.
                q.put(mail + ".sent-items-alias", 2);
                q.put(mail + ".in-sent-items", 5);
                q.put(mail + ".in-largest-folder", 3);
                q.put(mail + ".in-smaller-folder", 4);
            }
            q.put(mail + ".sent", 5);
            q.put(mail + ".received", 5);
        }
        for (String cal : List.of("google_calendar", "outlook_calendar")) {
            q.put(cal + ".cancelled", 4);
            q.put(cal + ".declined-self", 3);
            q.put(cal + ".declined-other", 5);
            q.put(cal + ".room", 5);
            q.put(cal + ".all-day", 4);
            q.put(cal + ".not-a-meeting", 4);
            q.put(cal + ".tentative", 2);
            q.put(cal + ".large", 1);
            q.put(cal + ".organizer-outside", 3);
            q.put(cal + ".moved-instance", 2);
            q.put(cal + ".instance", 4);
            q.put(cal + ".external-instance", 4);
            q.put(cal + ".internal-only", 3);
            q.put(cal + ".external", 8);
        }
        QUOTAS = Collections.unmodifiableMap(q);
    }

    /**
     * The sample of a dump.
     *
     * @param dumped  records in the dump
     * @param units   every unit of the dump, tagged
     * @param picked  the units sampled, in the order they were picked
     * @param lines   the sampled records in dump order (the fixture file)
     * @param found   case → units of the whole dump that have it, for every case with a quota
     * @param folders the Outlook folders learned from the whole dump
     */
    record Sample(int dumped, List<CaptureUnit> units, List<CaptureUnit> picked, List<CaptureUnit.Line> lines,
                  Map<String, Integer> found, OutlookFolders folders) {
    }

    private CaptureSampler() {
    }

    /** Samples {@code raw-records}, one value per element in topic order; a value that is not JSON fails. */
    static Sample sample(List<String> values) {
        List<CaptureUnit.Line> all = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            try {
                all.add(new CaptureUnit.Line(i, values.get(i), Json.mapper().readTree(values.get(i))));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("raw-records value " + (i + 1) + " is not JSON: "
                        + e.getOriginalMessage(), e);
            }
        }
        List<CaptureUnit> units = group(all);
        OutlookFolders folders = OutlookFolders.learn(all.stream().map(CaptureUnit.Line::json).toList());
        for (CaptureUnit u : units) {
            for (CaptureUnit.Line l : u.lines) {
                CaptureCases.tag(u, l.json(), folders);
            }
            if (u.lines.stream().map(l -> l.json().path("mailbox").asText()).distinct().count() > 1) {
                u.cases.add(u.group + ".other-mailboxes-too");
            }
        }
        List<CaptureUnit> ordered = new ArrayList<>(units);
        ordered.sort(Comparator.comparing(u -> sha256(u.key)));
        Set<CaptureUnit> picked = new LinkedHashSet<>();
        int[] size = {0};
        Map<String, Integer> found = new TreeMap<>();
        for (Map.Entry<String, Integer> q : QUOTAS.entrySet()) {
            List<CaptureUnit> candidates = ordered.stream().filter(u -> u.cases.contains(q.getKey())).toList();
            found.put(q.getKey(), candidates.size());
            int have = (int) picked.stream().filter(u -> u.cases.contains(q.getKey())).count();
            // among the first candidates in hash order, the smaller ones first (keeps the fixtures small)
            List<CaptureUnit> window = new ArrayList<>(candidates.subList(0, Math.min(candidates.size(), 4 * q.getValue())));
            window.sort(Comparator.comparingInt((CaptureUnit u) -> u.bytes));
            for (CaptureUnit u : window) {
                if (have >= q.getValue()) {
                    break;
                }
                if (!picked.contains(u) && size[0] + u.bytes <= MAX_SIZE) {
                    picked.add(u);
                    size[0] += u.bytes;
                    have++;
                }
            }
        }
        for (CaptureUnit list : new ArrayList<>(picked)) {
            for (CaptureUnit.Line l : list.lines) {
                String poster = CaptureCases.listPoster(l.json());
                if (poster == null) {
                    continue;
                }
                String mailbox = l.json().path("mailbox").asText();
                ordered.stream().filter(u -> !picked.contains(u) && u.bytes < SMALL_UNIT && size[0] + u.bytes <= MAX_SIZE)
                        .filter(u -> u.lines.stream().anyMatch(s -> s.json().path("mailbox").asText().equals(mailbox)
                                && CaptureCases.sentTo(s.json()).contains(poster)))
                        .findFirst().ifPresent(u -> {
                            u.cases.add(u.group + ".sent-to-a-list-poster");
                            picked.add(u);
                            size[0] += u.bytes;
                        });
            }
        }
        for (Map.Entry<String, Integer> t : TOP_UP.entrySet()) {
            int added = 0;
            for (CaptureUnit u : ordered) {
                if (added >= t.getValue()) {
                    break;
                }
                if (t.getKey().equals(u.group) && !picked.contains(u) && u.bytes < SMALL_UNIT
                        && size[0] + u.bytes <= MAX_SIZE) {
                    picked.add(u);
                    size[0] += u.bytes;
                    added++;
                }
            }
        }
        List<CaptureUnit.Line> lines = picked.stream().flatMap(u -> u.lines.stream())
                .sorted(Comparator.comparingInt(CaptureUnit.Line::index)).toList();
        return new Sample(values.size(), units, List.copyOf(picked), lines, found, folders);
    }

    /**
     * Records linked by resource (source, account, mailbox, remote id) or by Message-ID form one unit (connected
     * components, so a message's delete joins the copies its upsert shares a Message-ID with). Units in order of
     * their first record.
     */
    static List<CaptureUnit> group(List<CaptureUnit.Line> lines) {
        int[] parent = new int[lines.size()];
        Map<String, Integer> firstByLink = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            parent[i] = i;
            JsonNode r = lines.get(i).json();
            for (String link : new String[] {"resource " + CaptureCases.resourceKey(r), CaptureCases.messageKey(r)}) {
                if (link != null) {
                    Integer first = firstByLink.putIfAbsent(link, i);
                    if (first != null) {
                        union(parent, first, i);
                    }
                }
            }
        }
        Map<Integer, List<CaptureUnit.Line>> byRoot = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            byRoot.computeIfAbsent(root(parent, i), k -> new ArrayList<>()).add(lines.get(i));
        }
        List<CaptureUnit> units = new ArrayList<>(byRoot.size());
        for (List<CaptureUnit.Line> members : byRoot.values()) {
            String key = members.stream().map(l -> CaptureCases.messageKey(l.json())).filter(k -> k != null).findFirst()
                    .orElseGet(() -> CaptureCases.resourceKey(members.get(0).json()));
            CaptureUnit u = new CaptureUnit(key);
            members.forEach(u::add);
            units.add(u);
        }
        return units;
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = root(parent, a);
        int rb = root(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

#!/usr/bin/env bash
# Captures what the real sync services publish for the emulator's generated demo data, for the
# event-normalizer's CapturedPayloadsTests:
#   1. runs the local stack (deploy/local/run.sh --fresh + the options below): Kafka, the provider emulator
#      (POST /_emulator/generate with the seed), connector, google-sync, microsoft-sync and normalizer;
#      3 Google + 2 Microsoft demo users connect through the real OAuth code flow, the Microsoft users
#      subscribe to the shared mailbox dealflow@acme.test;
#   2. once the backfill has settled, dumps the topics raw-records, account-events and raw-records-dlq
#      from the beginning to their end (values exactly as published, one per line, partition then offset
#      order) into $DUMP (default .local/capture);
#   3. stops the stack (SIGTERM: its shutdown hook stops the services first, Kafka last), checks its ports are free;
#   4. picks a deterministic, diverse sample of the dump (every case the rules care about, all records of a
#      picked resource) into event-normalizer/src/test/resources/captured/ with a MANIFEST.md.
#
# usage: deploy/local/capture-raw-records.sh [--sample-only] [run.sh options; default: the demo defaults, i.e.
#        --users 3 --microsoft-users 2 --messages 300 --months 24 --seed 42]
#   --sample-only   skip 1-3 and re-sample an existing $DUMP
# The generator anchors its time window on the day of the run (00:00 UTC), so the same seed gives the same data
# on the same day only; MANIFEST.md records the capture date and options.
# Uses database interaction_sync, ports 8081-8084, 8090, 9092/9093: do not run it beside another local stack.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
source deploy/local/preflight.sh
select_jdk

DUMP=${DUMP:-$ROOT/.local/capture}
OUT=$ROOT/event-normalizer/src/test/resources/captured
SAMPLE_ONLY=false
if [ "${1:-}" = "--sample-only" ]; then
  SAMPLE_ONLY=true
  shift
fi
OPTIONS=("$@")
if [ ${#OPTIONS[@]} -eq 0 ]; then
  OPTIONS=(--users 3 --microsoft-users 2 --messages 300 --months 24 --seed 42)
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The capture and sampling code: plain Java run by the source launcher on the deploy module's classpath
# (kafka-clients, Jackson, common-model).
cat > "$WORK/Capture.java" <<'JAVA'
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** dump BOOTSTRAP DIR TOPIC...: each topic from the beginning to its end offsets; sample DUMP OUT INFO: the fixtures. */
public class Capture {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "dump" -> {
                for (int i = 3; i < args.length; i++) {
                    dump(args[1], Path.of(args[2]), args[i]);
                }
            }
            case "sample" -> Sample.run(Path.of(args[1]), Path.of(args[2]), args[3]);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void dump(String bootstrap, Path dir, String topic) throws IOException {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new TreeMap<>(
                Comparator.comparingInt(TopicPartition::partition));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < end.get(tp)) {
                        byPartition.computeIfAbsent(tp, k -> new ArrayList<>()).add(r);
                    }
                }
            }
        }
        int count = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(topic + ".jsonl")))) {
            for (List<ConsumerRecord<byte[], byte[]>> records : byPartition.values()) {
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    byte[] v = r.value();
                    if (v == null) {
                        continue; // tombstones are not records of these contracts
                    }
                    for (byte b : v) {
                        if (b == '\n' || b == '\r') {
                            throw new IllegalStateException(topic + " value at " + r.partition() + "@" + r.offset()
                                    + " spans lines; JSONL needs one per line");
                        }
                    }
                    out.write(v);
                    out.write('\n');
                    count++;
                }
            }
        }
        System.out.printf("    %-16s %6d records%n", topic, count);
    }
}

/**
 * Picks the fixture sample from a dump: records are grouped into units that must stay together (every copy of a
 * mail message, by Message-ID, across all mailboxes: the sender's and the recipients' copies; every record of a
 * calendar resource), each unit is tagged with the cases the rules care about, then for each case in a fixed order
 * up to its quota of units is taken (smallest first among a hash-ordered set, so the pick is deterministic and
 * spread over the dump), and finally each source is topped up with ordinary units. Records keep their dump order.
 */
class Sample {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final int MAX_BYTES = 850_000;
    /** Senders the provider emulator's generator plants (provider-emulator generate/Vocabulary). */
    private static final Set<String> NEWSLETTER_SENDERS = Set.of("newsletter@mail.saasweekly.example",
            "news@email.termsheet.example", "digest@updates.vcdigest.example", "hello@news.foundersbrief.example",
            "no-reply@mp.marketpulse.example");
    private static final Set<String> NOTIFIER_DOMAINS = Set.of("docusign.example", "google.com", "carta.example",
            "zoom.example", "expensify.example", "github.example");
    private static final Set<String> LIST_ADDRESSES = Set.of("angels@groups.angelforum.example",
            "climate-founders@lists.climatetech.example");
    /** case → how many units to take; order matters (rarer cases first). */
    private static final LinkedHashMap<String, Integer> QUOTAS = new LinkedHashMap<>();
    static {
        for (String mail : List.of("gmail", "outlook_mail", "shared")) {
            QUOTAS.put(mail + ".bcc", 4);
            QUOTAS.put(mail + ".auto-submitted", 3);
            QUOTAS.put(mail + ".calendar-notification", 2);
            QUOTAS.put(mail + ".no-message-id", 3);
            QUOTAS.put(mail + ".newsletter", 5);
            QUOTAS.put(mail + ".list", 4);
            QUOTAS.put(mail + ".notification", 3);
            QUOTAS.put(mail + ".many-recipients", 1);
            QUOTAS.put(mail + ".colleagues-only", 4);
            QUOTAS.put(mail + ".encoded-name", 3);
            QUOTAS.put(mail + ".comma-name", 3);
            QUOTAS.put(mail + ".gmail-com", 2);
            QUOTAS.put(mail + ".reply-to", 2);
            QUOTAS.put(mail + ".other-mailboxes-too", 3);
            QUOTAS.put(mail + ".sent", 5);
            QUOTAS.put(mail + ".received", 5);
        }
        for (String cal : List.of("google_calendar", "outlook_calendar")) {
            QUOTAS.put(cal + ".cancelled", 4);
            QUOTAS.put(cal + ".declined-self", 3);
            QUOTAS.put(cal + ".declined-other", 5);
            QUOTAS.put(cal + ".room", 5);
            QUOTAS.put(cal + ".all-day", 4);
            QUOTAS.put(cal + ".not-a-meeting", 4);
            QUOTAS.put(cal + ".tentative", 2);
            QUOTAS.put(cal + ".large", 1);
            QUOTAS.put(cal + ".organizer-outside", 3);
            QUOTAS.put(cal + ".moved-instance", 2);
            QUOTAS.put(cal + ".instance", 4);
            QUOTAS.put(cal + ".external-instance", 4);
            QUOTAS.put(cal + ".internal-only", 3);
            QUOTAS.put(cal + ".external", 8);
        }
    }
    /** Ordinary units added per source after the cases, for volume. */
    private static final Map<String, Integer> TOP_UP = Map.of("gmail", 25, "outlook_mail", 15, "shared", 10,
            "google_calendar", 15, "outlook_calendar", 15);

    record Line(int index, String text, com.fasterxml.jackson.databind.JsonNode json) {
    }

    static final class Unit {
        final String key;
        final List<Line> lines = new ArrayList<>();
        final Set<String> cases = new TreeSet<>();
        String group;
        int bytes;

        Unit(String key) {
            this.key = key;
        }
    }

    /** The dump's dead letters, counted into the manifest. */
    private static final Path[] DUMP_DLQ = new Path[1];

    static void run(Path dump, Path out, String info) throws IOException {
        DUMP_DLQ[0] = dump.resolve("raw-records-dlq.jsonl");
        List<String> texts = Files.readAllLines(dump.resolve("raw-records.jsonl"), StandardCharsets.UTF_8);
        Map<String, Unit> units = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            var json = JSON.readTree(texts.get(i));
            Line line = new Line(i, texts.get(i), json);
            Unit u = units.computeIfAbsent(unitKey(json), Unit::new);
            u.lines.add(line);
            u.bytes += texts.get(i).length() + 1;
        }
        for (Unit u : units.values()) {
            for (Line l : u.lines) {
                tag(u, l.json());
            }
            if (u.lines.stream().map(l -> l.json().path("mailbox").asText()).distinct().count() > 1) {
                u.cases.add(u.group + ".other-mailboxes-too");
            }
        }
        List<Unit> ordered = new ArrayList<>(units.values());
        ordered.sort(Comparator.comparing(u -> sha(u.key)));
        Set<Unit> picked = new LinkedHashSet<>();
        int[] bytes = {0};
        Map<String, Integer> found = new TreeMap<>();
        for (Map.Entry<String, Integer> q : QUOTAS.entrySet()) {
            List<Unit> candidates = ordered.stream().filter(u -> u.cases.contains(q.getKey())).toList();
            found.put(q.getKey(), candidates.size());
            int have = (int) picked.stream().filter(u -> u.cases.contains(q.getKey())).count();
            // among the first candidates in hash order, the smaller ones first (keeps the fixtures small)
            List<Unit> window = new ArrayList<>(candidates.subList(0, Math.min(candidates.size(), 4 * q.getValue())));
            window.sort(Comparator.comparingInt((Unit u) -> u.bytes));
            for (Unit u : window) {
                if (have >= q.getValue()) {
                    break;
                }
                if (!picked.contains(u) && bytes[0] + u.bytes <= MAX_BYTES) {
                    picked.add(u);
                    bytes[0] += u.bytes;
                    have++;
                }
            }
        }
        // R-C7 needs history: for each picked list post, one message its mailbox sent to the poster (when there is one).
        for (Unit list : new ArrayList<>(picked)) {
            for (Line l : list.lines) {
                String poster = listPoster(l.json());
                if (poster == null) {
                    continue;
                }
                String mailbox = l.json().path("mailbox").asText();
                ordered.stream().filter(u -> !picked.contains(u) && u.bytes < 6_000 && bytes[0] + u.bytes <= MAX_BYTES)
                        .filter(u -> u.lines.stream().anyMatch(s -> s.json().path("mailbox").asText().equals(mailbox)
                                && sentTo(s.json()).contains(poster)))
                        .findFirst().ifPresent(u -> {
                            u.cases.add(u.group + ".sent-to-a-list-poster");
                            picked.add(u);
                            bytes[0] += u.bytes;
                        });
            }
        }
        for (Map.Entry<String, Integer> t : new TreeMap<>(TOP_UP).entrySet()) {
            int added = 0;
            for (Unit u : ordered) {
                if (added >= t.getValue()) {
                    break;
                }
                if (t.getKey().equals(u.group) && !picked.contains(u) && u.bytes < 6_000
                        && bytes[0] + u.bytes <= MAX_BYTES) {
                    picked.add(u);
                    bytes[0] += u.bytes;
                    added++;
                }
            }
        }
        List<Line> lines = picked.stream().flatMap(u -> u.lines.stream())
                .sorted(Comparator.comparingInt(Line::index)).toList();
        try (var w = Files.newBufferedWriter(out.resolve("raw-records.jsonl"), StandardCharsets.UTF_8)) {
            for (Line l : lines) {
                w.write(l.text());
                w.write('\n');
            }
        }
        Files.copy(dump.resolve("account-events.jsonl"), out.resolve("account-events.jsonl"),
                StandardCopyOption.REPLACE_EXISTING);
        manifest(out, info, texts.size(), units.values(), picked, lines, found);
    }

    /** Every copy of a message (by Message-ID) is one unit; a calendar resource is one per calendar. */
    static String unitKey(com.fasterxml.jackson.databind.JsonNode r) {
        String source = r.path("source").asText();
        var p = r.path("payload");
        String messageId = switch (source) {
            case "gmail" -> header(p.path("payload").path("headers"), "Message-ID");
            case "outlook_mail" -> p.path("internetMessageId").isTextual() ? p.path("internetMessageId").asText() : null;
            default -> null;
        };
        if (messageId != null) {
            return "mail " + messageId.strip();
        }
        return source + " " + r.path("accountId").asText() + " " + r.path("mailbox").asText() + " "
                + r.path("remoteId").asText();
    }

    static void tag(Unit u, com.fasterxml.jackson.databind.JsonNode r) {
        String source = r.path("source").asText();
        var p = r.path("payload");
        String mailbox = r.path("mailbox").asText().toLowerCase(Locale.ROOT);
        String domain = mailbox.substring(mailbox.indexOf('@') + 1);
        switch (source) {
            case "gmail", "outlook_mail" -> {
                String g = r.path("sharedMailbox").asBoolean() ? "shared" : source;
                u.group = u.group == null ? g : u.group;
                Set<String> c = u.cases;
                Map<String, String> h = new HashMap<>();
                var headers = source.equals("gmail") ? p.path("payload").path("headers") : p.path("internetMessageHeaders");
                headers.forEach(x -> h.putIfAbsent(x.path("name").asText().toLowerCase(Locale.ROOT), x.path("value").asText()));
                String from;
                List<String> all = new ArrayList<>();
                boolean own;
                boolean bcc;
                if (source.equals("gmail")) {
                    from = first(addresses(h.get("from")));
                    for (String f : List.of("from", "to", "cc", "bcc")) {
                        all.addAll(addresses(h.get(f)));
                    }
                    own = p.path("labelIds").toString().contains("\"SENT\"");
                    bcc = h.containsKey("bcc");
                } else {
                    from = p.path("from").path("emailAddress").path("address").asText("").toLowerCase(Locale.ROOT);
                    all.add(from);
                    for (String f : List.of("toRecipients", "ccRecipients", "bccRecipients")) {
                        p.path(f).forEach(a -> all.add(a.path("emailAddress").path("address").asText("").toLowerCase(Locale.ROOT)));
                    }
                    own = from.equals(mailbox);
                    bcc = !p.path("bccRecipients").isEmpty();
                }
                c.add(g + (own ? ".sent" : ".received"));
                if (bcc) {
                    c.add(g + ".bcc");
                }
                String autoSubmitted = h.get("auto-submitted");
                if (autoSubmitted != null && !autoSubmitted.strip().equalsIgnoreCase("no")) {
                    c.add(g + ".auto-submitted");
                }
                if (from != null && from.startsWith("calendar-notification@")) {
                    c.add(g + ".calendar-notification");
                }
                if (!h.containsKey("message-id")) {
                    c.add(g + ".no-message-id");
                }
                if (from != null && NEWSLETTER_SENDERS.contains(from)) {
                    c.add(g + ".newsletter");
                }
                if (all.stream().anyMatch(LIST_ADDRESSES::contains)) {
                    c.add(g + ".list");
                }
                if (from != null && NOTIFIER_DOMAINS.contains(from.substring(from.indexOf('@') + 1))) {
                    c.add(g + ".notification");
                }
                if (all.size() > 26) {
                    c.add(g + ".many-recipients");
                }
                if (!all.isEmpty() && all.stream().allMatch(a -> a.endsWith("@" + domain))) {
                    c.add(g + ".colleagues-only");
                }
                String names = h.getOrDefault("from", "") + h.getOrDefault("to", "") + h.getOrDefault("cc", "");
                if (names.contains("=?")) {
                    c.add(g + ".encoded-name");
                }
                if (names.matches("(?s).*\"[^\"]*,[^\"]*\" <.*")) {
                    c.add(g + ".comma-name");
                }
                if (all.stream().anyMatch(a -> a.endsWith("@gmail.com"))) {
                    c.add(g + ".gmail-com");
                }
                if (h.containsKey("reply-to")) {
                    c.add(g + ".reply-to");
                }
            }
            case "google_calendar", "outlook_calendar" -> {
                u.group = source;
                Set<String> c = u.cases;
                boolean google = source.equals("google_calendar");
                boolean cancelled = google ? "cancelled".equals(p.path("status").asText())
                        : p.path("isCancelled").asBoolean() || p.has("@removed");
                if (cancelled || "delete".equals(r.path("op").asText())) {
                    c.add(source + ".cancelled");
                    return;
                }
                String type = google ? p.path("eventType").asText("default") : p.path("showAs").asText();
                if (google ? !type.equals("default") : type.equals("oof") || type.equals("workingElsewhere")
                        || p.path("type").asText().equals("seriesMaster")) {
                    c.add(source + ".not-a-meeting");
                    return;
                }
                List<String> people = new ArrayList<>();
                boolean outside = false;
                for (var a : p.path("attendees")) {
                    String email = (google ? a.path("email") : a.path("emailAddress").path("address")).asText("")
                            .toLowerCase(Locale.ROOT);
                    boolean room = google ? a.path("resource").asBoolean() : "resource".equals(a.path("type").asText());
                    String response = google ? a.path("responseStatus").asText() : a.path("status").path("response").asText();
                    boolean self = google ? a.path("self").asBoolean() : email.equals(mailbox);
                    if (room) {
                        c.add(source + ".room");
                        continue;
                    }
                    people.add(email);
                    if (response.equals("declined")) {
                        c.add(source + (self ? ".declined-self" : ".declined-other"));
                    }
                    if (self && response.startsWith("tentative")) {
                        c.add(source + ".tentative");
                    }
                    outside |= !email.endsWith("@" + domain);
                }
                String organizer = (google ? p.path("organizer").path("email")
                        : p.path("organizer").path("emailAddress").path("address")).asText("").toLowerCase(Locale.ROOT);
                if (!organizer.isEmpty() && !organizer.endsWith("@" + domain)) {
                    c.add(source + ".organizer-outside");
                    outside = true;
                }
                if (google ? p.path("start").has("date") : p.path("isAllDay").asBoolean()) {
                    c.add(source + ".all-day");
                }
                if (people.size() > 25) {
                    c.add(source + ".large");
                }
                boolean instance = google ? p.hasNonNull("recurringEventId") : p.hasNonNull("seriesMasterId");
                if (instance) {
                    c.add(source + ".instance");
                }
                if (google ? instance && p.path("sequence").asInt() > 0 : "exception".equals(p.path("type").asText())) {
                    c.add(source + ".moved-instance");
                }
                c.add(source + (outside ? ".external" : ".internal-only"));
                if (instance && outside) {
                    c.add(source + ".external-instance");
                }
            }
            default -> u.group = source;
        }
    }

    static void manifest(Path out, String info, int dumped, Collection<Unit> units, Set<Unit> picked, List<Line> lines,
                         Map<String, Integer> found) throws IOException {
        long dlq = Files.exists(DUMP_DLQ[0]) ? Files.readAllLines(DUMP_DLQ[0]).stream().filter(l -> !l.isBlank()).count() : -1;
        Map<String, Integer> perSource = new TreeMap<>();
        for (Line l : lines) {
            var r = l.json();
            perSource.merge(r.path("source").asText() + (r.path("sharedMailbox").asBoolean() ? " (sharedMailbox=true)" : "")
                    + " " + r.path("op").asText(), 1, Integer::sum);
        }
        Map<String, Integer> perCase = new TreeMap<>();
        for (Unit u : picked) {
            u.cases.forEach(c -> perCase.merge(c, 1, Integer::sum));
        }
        StringBuilder m = new StringBuilder();
        m.append("# Captured raw records\n\n")
                .append("Generated by `deploy/local/capture-raw-records.sh` — do not edit by hand; re-run the script.\n\n")
                .append("- ").append(info).append(" (3 Google + 2 Microsoft 365 demo users, shared mailbox dealflow@acme.test, ")
                .append("real OAuth connect, real google-sync / microsoft-sync publishing to Kafka).\n")
                .append("- The generator's time window ends on the capture day (00:00 UTC): the same seed on another day shifts ")
                .append("dates and ids, so re-capturing replaces these files rather than reproducing them byte for byte.\n")
                .append("- `raw-records.jsonl`: ").append(lines.size()).append(" of the ").append(dumped)
                .append(" records on `raw-records` (").append(picked.size()).append(" of ").append(units.size())
                .append(" units: all copies of a message by Message-ID, or one calendar resource), values exactly as ")
                .append("published, in topic order per account.\n")
                .append("- `account-events.jsonl`: every record on `account-events` (connected, directory_changed, ")
                .append("shared_mailbox_added).\n")
                .append("- `raw-records-dlq` held ").append(dlq).append(" records after the backfill")
                .append(dlq == 0 ? " (the live normalizer dead-lettered nothing).\n\n" : ".\n\n")
                .append("## Records by source and op\n\n| source | op | records |\n|---|---|---|\n");
        perSource.forEach((k, v) -> {
            int space = k.lastIndexOf(' ');
            m.append("| ").append(k, 0, space).append(" | ").append(k.substring(space + 1)).append(" | ").append(v)
                    .append(" |\n");
        });
        m.append("\n## Cases (units in the sample / units in the whole capture)\n\n| case | sample | capture |\n|---|---|---|\n");
        Set<String> all = new TreeSet<>(found.keySet());
        all.addAll(perCase.keySet());
        for (String c : all) {
            m.append("| ").append(c).append(" | ").append(perCase.getOrDefault(c, 0)).append(" | ")
                    .append(found.containsKey(c) ? found.get(c).toString() : "–").append(" |\n");
        }
        Files.writeString(out.resolve("MANIFEST.md"), m.toString(), StandardCharsets.UTF_8);
        System.out.printf("    %d records (%d units) → %s%n", lines.size(), picked.size(), out);
    }

    /** The sender of a received list post (a message to one of the generator's lists), or null. */
    static String listPoster(com.fasterxml.jackson.databind.JsonNode r) {
        var p = r.path("payload");
        String mailbox = r.path("mailbox").asText().toLowerCase(Locale.ROOT);
        List<String> to = new ArrayList<>();
        String from;
        if (r.path("source").asText().equals("gmail")) {
            from = first(addresses(header(p.path("payload").path("headers"), "From")));
            to.addAll(addresses(header(p.path("payload").path("headers"), "To")));
        } else if (r.path("source").asText().equals("outlook_mail")) {
            from = p.path("from").path("emailAddress").path("address").asText("").toLowerCase(Locale.ROOT);
            p.path("toRecipients").forEach(a -> to.add(a.path("emailAddress").path("address").asText("").toLowerCase(Locale.ROOT)));
        } else {
            return null;
        }
        return from != null && !from.equals(mailbox) && to.stream().anyMatch(LIST_ADDRESSES::contains) ? from : null;
    }

    /** The recipients of a mailbox's own sent copy (empty for anything else). */
    static Set<String> sentTo(com.fasterxml.jackson.databind.JsonNode r) {
        var p = r.path("payload");
        String mailbox = r.path("mailbox").asText().toLowerCase(Locale.ROOT);
        Set<String> out = new HashSet<>();
        if (r.path("source").asText().equals("gmail")) {
            var h = p.path("payload").path("headers");
            if (p.path("labelIds").toString().contains("\"SENT\"")) {
                for (String f : List.of("To", "Cc", "Bcc")) {
                    out.addAll(addresses(header(h, f)));
                }
            }
        } else if (r.path("source").asText().equals("outlook_mail")
                && p.path("from").path("emailAddress").path("address").asText("").equalsIgnoreCase(mailbox)) {
            for (String f : List.of("toRecipients", "ccRecipients", "bccRecipients")) {
                p.path(f).forEach(a -> out.add(a.path("emailAddress").path("address").asText("").toLowerCase(Locale.ROOT)));
            }
        }
        return out;
    }

    static List<String> addresses(String header) {
        List<String> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        var m = java.util.regex.Pattern.compile("[^\\s<>\",;:]+@[^\\s<>\",;:]+").matcher(header);
        while (m.find()) {
            out.add(m.group().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    static String first(List<String> l) {
        return l.isEmpty() ? null : l.get(0);
    }

    static String header(com.fasterxml.jackson.databind.JsonNode headers, String name) {
        for (var h : headers) {
            if (h.path("name").asText().equalsIgnoreCase(name)) {
                return h.path("value").asText();
            }
        }
        return null;
    }

    static String sha(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
JAVA

classpath() {
  [ -f deploy/target/launcher-classpath.txt ] || { echo "error: build first (./mvnw -DskipTests package)" >&2; exit 1; }
  echo "deploy/target/classes:$(cat deploy/target/launcher-classpath.txt)"
}

if [ "$SAMPLE_ONLY" = false ]; then
  mkdir -p "$DUMP"
  LOG="$DUMP/stack.log"
  echo "==> starting the local stack: deploy/local/run.sh --fresh ${OPTIONS[*]} (log: $LOG)"
  setsid deploy/local/run.sh --fresh "${OPTIONS[@]}" > "$LOG" 2>&1 < /dev/null &
  STACK_PID=$!
  stop_stack() {
    if kill -0 "$STACK_PID" 2>/dev/null; then
      echo "==> stopping the local stack (pid $STACK_PID: services first, Kafka last)"
      # SIGTERM, not SIGINT: a background job ignores SIGINT; on SIGTERM the JVM runs LocalStack's shutdown hook.
      kill -TERM "$STACK_PID" 2>/dev/null || true
      for _ in $(seq 1 90); do
        kill -0 "$STACK_PID" 2>/dev/null || break
        sleep 1
      done
    fi
    # run.sh runs in its own session (setsid): whatever of its process group is still alive goes too.
    if pgrep -g "$STACK_PID" > /dev/null 2>&1; then
      kill -TERM -- "-$STACK_PID" 2>/dev/null || true
      sleep 5
    fi
  }
  trap 'stop_stack; rm -rf "$WORK"' EXIT
  # run.sh builds, starts everything, connects the accounts and prints "Press Ctrl-C" once the backfill settled.
  for _ in $(seq 1 1800); do
    if grep -q "Press Ctrl-C to stop" "$LOG"; then
      break
    fi
    if ! kill -0 "$STACK_PID" 2>/dev/null; then
      echo "error: the local stack stopped; its output:" >&2
      tail -40 "$LOG" >&2
      exit 1
    fi
    sleep 1
  done
  grep -q "Press Ctrl-C to stop" "$LOG" || { echo "error: the backfill did not settle in 30 min" >&2; tail -20 "$LOG" >&2; exit 1; }
  if grep -q "not settled" "$LOG"; then
    echo "error: the backfill did not settle" >&2
    exit 1
  fi
  sed -n '/── Interaction Sync local stack/,/Press Ctrl-C/p' "$LOG"
  echo "==> dumping topics into $DUMP"
  java -cp "$(classpath)" "$WORK/Capture.java" dump 127.0.0.1:9092 "$DUMP" raw-records account-events raw-records-dlq
  stop_stack
  trap 'rm -rf "$WORK"' EXIT
  # A port may take a moment to be released after its process ended.
  for port in 8081 8082 8083 8084 8090 9092 9093; do
    for _ in $(seq 1 30); do
      ss -ltn "sport = :$port" | grep -q LISTEN || break
      sleep 1
    done
    if ss -ltn "sport = :$port" | grep -q LISTEN; then
      echo "error: port $port still in use 30 s after stopping the stack" >&2
      exit 1
    fi
  done
  printf '%s\n' "captured $(date -u +%Y-%m-%dT%H:%M:%SZ) with deploy/local/run.sh --fresh ${OPTIONS[*]}" > "$DUMP/CAPTURE-INFO"
fi

echo "==> sampling $DUMP into $OUT"
mkdir -p "$OUT"
java -cp "$(classpath)" "$WORK/Capture.java" sample "$DUMP" "$OUT" "$(cat "$DUMP/CAPTURE-INFO")"
du -ch "$OUT"/* | tail -1

package io.interactionsync.deploy.capture;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which folder of each Outlook mailbox a captured message sits in, from {@code parentFolderId}. Graph's folder ids
 * are opaque, so Sent Items is recognised the way R-B1 learns it in the normalizer: the folder holding the most of the
 * owner's own sent copies (not a draft, From the mailbox, the mailbox not among To/Cc); none on a tie, and a folder
 * id {@code sentitems} always is. Of the other folders the one with the most messages is the mailbox's largest
 * (usually the inbox); the rest are its smaller folders (archive, custom folders).
 */
final class OutlookFolders {

    enum Kind { SENT_ITEMS, LARGEST, SMALLER, NONE }

    /** Per mailbox: folder id → remote ids in it, and folder id → own sent copies in it. */
    private final Map<String, Map<String, Set<String>>> members = new TreeMap<>();
    private final Map<String, Map<String, Integer>> ownSent = new HashMap<>();
    private final Map<String, String> sentItems = new HashMap<>();
    private final Map<String, String> largest = new HashMap<>();
    private int mailUpserts;
    private int withFolder;

    private OutlookFolders() {
    }

    static OutlookFolders learn(List<JsonNode> records) {
        OutlookFolders f = new OutlookFolders();
        for (JsonNode r : records) {
            if (!isMailUpsert(r)) {
                continue;
            }
            f.mailUpserts++;
            String folder = folder(r);
            if (folder == null) {
                continue;
            }
            f.withFolder++;
            String mailbox = mailbox(r);
            f.members.computeIfAbsent(mailbox, k -> new TreeMap<>()).computeIfAbsent(folder, k -> new HashSet<>())
                    .add(r.path("remoteId").asText());
            if (isOwnSentCopy(r, mailbox)) {
                f.ownSent.computeIfAbsent(mailbox, k -> new HashMap<>()).merge(folder, 1, Integer::sum);
            }
        }
        f.members.forEach((mailbox, folders) -> {
            f.sentItemsOf(mailbox, folders.keySet()).ifPresent(id -> f.sentItems.put(mailbox, id));
            String sent = f.sentItems.get(mailbox);
            folders.entrySet().stream().filter(e -> !e.getKey().equals(sent))
                    .max(Comparator.<Map.Entry<String, Set<String>>>comparingInt(e -> e.getValue().size())
                            .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                    .ifPresent(e -> f.largest.put(mailbox, e.getKey()));
        });
        return f;
    }

    private Optional<String> sentItemsOf(String mailbox, Set<String> folders) {
        Optional<String> named = folders.stream().filter(id -> id.equalsIgnoreCase("sentitems")).findFirst();
        if (named.isPresent()) {
            return named;
        }
        Map<String, Integer> counts = ownSent.getOrDefault(mailbox, Map.of());
        int most = counts.values().stream().max(Integer::compare).orElse(0);
        List<String> best = counts.entrySet().stream().filter(e -> e.getValue() == most).map(Map.Entry::getKey).toList();
        return most > 0 && best.size() == 1 ? Optional.of(best.get(0)) : Optional.empty();
    }

    Kind kind(JsonNode r) {
        String folder = isMailUpsert(r) ? folder(r) : null;
        if (folder == null) {
            return Kind.NONE;
        }
        String mailbox = mailbox(r);
        if (folder.equals(sentItems.get(mailbox))) {
            return Kind.SENT_ITEMS;
        }
        return folder.equals(largest.get(mailbox)) ? Kind.LARGEST : Kind.SMALLER;
    }

    /** Outlook mail upserts in the records learned from. */
    int mailUpserts() {
        return mailUpserts;
    }

    /** Of those, the ones carrying a {@code parentFolderId}. */
    int withFolder() {
        return withFolder;
    }

    /** Mailboxes with at least one message carrying a folder. */
    int mailboxes() {
        return members.size();
    }

    int mailboxesWithSentItems() {
        return sentItems.size();
    }

    static boolean hasFolder(JsonNode r) {
        return isMailUpsert(r) && folder(r) != null;
    }

    private static boolean isMailUpsert(JsonNode r) {
        return r.path("source").asText().equals("outlook_mail") && !r.path("op").asText().equals("delete");
    }

    private static String folder(JsonNode r) {
        JsonNode id = r.path("payload").path("parentFolderId");
        return id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
    }

    private static String mailbox(JsonNode r) {
        return r.path("mailbox").asText().toLowerCase(Locale.ROOT);
    }

    private static boolean isOwnSentCopy(JsonNode r, String mailbox) {
        JsonNode p = r.path("payload");
        if (p.path("isDraft").asBoolean(false) || !mailbox.equals(CaptureCases.address(p.path("from")))) {
            return false;
        }
        for (String field : List.of("toRecipients", "ccRecipients")) {
            for (JsonNode a : p.path(field)) {
                if (mailbox.equals(CaptureCases.address(a))) {
                    return false;
                }
            }
        }
        return true;
    }
}

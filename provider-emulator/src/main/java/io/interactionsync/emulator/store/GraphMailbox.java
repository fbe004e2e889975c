package io.interactionsync.emulator.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.http.BadRequestException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An Exchange mailbox as Graph sees it: well-known folders holding Graph message resources, each change stamped
 * with a sequence number (delta tokens are positions in it); deletions leave tombstones so delta can report
 * {@code @removed}. Thread-safe.
 */
public final class GraphMailbox {

    public static final Set<String> WELL_KNOWN = Set.of("inbox", "sentitems", "drafts", "deleteditems", "junkemail",
            "archive", "outbox");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A message (or the tombstone of one), the sequence number of its creation and of its last change. */
    public record Entry(String folder, ObjectNode message, long created, long sequence, boolean removed) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long sequence;
    /** Delta tokens minted before this sequence are expired. */
    private long oldestValidSequence;

    public static String folder(String name) {
        String folder = name.toLowerCase(Locale.ROOT);
        if (!WELL_KNOWN.contains(folder)) {
            throw new BadRequestException(404, "unknown mail folder " + name + "; well-known folders: " + WELL_KNOWN);
        }
        return folder;
    }

    public synchronized Entry upsert(String folderName, JsonNode json) {
        String folder = folder(folderName);
        if (json == null || !json.isObject()) {
            throw new BadRequestException("a message must be a JSON object (a Graph message resource)");
        }
        ObjectNode message = ((ObjectNode) json).deepCopy();
        if (!message.hasNonNull("id") || message.get("id").asText().isEmpty()) {
            message.put("id", newId());
        }
        sequence++;
        Entry previous = entries.get(message.get("id").asText());
        long created = previous == null || previous.removed() ? sequence : previous.created();
        Entry entry = new Entry(folder, message, created, sequence, false);
        entries.put(message.get("id").asText(), entry);
        return entry;
    }

    public synchronized boolean delete(String folderName, String id) {
        Entry entry = entries.get(id);
        if (entry == null || entry.removed() || !entry.folder().equals(folder(folderName))) {
            return false;
        }
        sequence++;
        entries.put(id, new Entry(entry.folder(), entry.message(), entry.created(), sequence, true));
        return true;
    }

    /** Every entry of a folder (tombstones included), in insertion order. */
    public synchronized List<Entry> folderEntries(String folder) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.folder().equals(folder)) {
                out.add(e);
            }
        }
        return out;
    }

    public synchronized Optional<Entry> get(String id) {
        return Optional.ofNullable(entries.get(id)).filter(e -> !e.removed());
    }

    public synchronized int size() {
        return (int) entries.values().stream().filter(e -> !e.removed()).count();
    }

    public synchronized long sequence() {
        return sequence;
    }

    public synchronized long oldestValidSequence() {
        return oldestValidSequence;
    }

    /** Every delta token handed out so far becomes invalid. */
    public synchronized void expireDelta() {
        sequence++;
        oldestValidSequence = sequence;
    }

    private static String newId() {
        byte[] bytes = new byte[105]; // 140 base64url characters: the length of a real Graph message id's body
        RANDOM.nextBytes(bytes);
        return "AAMkAD" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "=";
    }
}

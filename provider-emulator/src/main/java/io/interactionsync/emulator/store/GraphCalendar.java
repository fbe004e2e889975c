package io.interactionsync.emulator.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.http.BadRequestException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An Outlook calendar as Graph's calendarView sees it: event resources (single instances, occurrences and
 * exceptions — series are stored expanded), each change stamped with a sequence number; deletions leave tombstones.
 * Thread-safe.
 */
public final class GraphCalendar {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** An event (or its tombstone) and the sequence number of its last change. */
    public record Entry(ObjectNode event, long sequence, boolean removed) {
    }

    /** A change as Graph's change notifications name it: {@code created}, {@code updated} or {@code deleted}. */
    public record Change(String changeType, String id, String changeKey) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** Told of every change (provider push); called under the calendar's monitor, so it must not block. */
    private volatile Consumer<Change> listener = c -> {
    };
    private long sequence;
    private long oldestValidSequence;

    public synchronized Entry upsert(JsonNode json) {
        if (json == null || !json.isObject() || !json.path("start").has("dateTime") || !json.path("end").has("dateTime")) {
            throw new BadRequestException("an event must be a Graph event with start and end {dateTime, timeZone}");
        }
        ObjectNode event = ((ObjectNode) json).deepCopy();
        if (!event.hasNonNull("id") || event.get("id").asText().isEmpty()) {
            byte[] bytes = new byte[96];
            RANDOM.nextBytes(bytes);
            event.put("id", "AAMkAGI" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, 120) + "=");
        }
        sequence++;
        Entry entry = new Entry(event, sequence, false);
        Entry previous = entries.put(event.get("id").asText(), entry);
        listener.accept(new Change(previous == null || previous.removed() ? "created" : "updated",
                event.get("id").asText(), changeKey(entry)));
        return entry;
    }

    /** Replaces the listener told of every change (see {@link EmulatorStore#listener}). */
    public void onChange(Consumer<Change> changes) {
        this.listener = changes;
    }

    public synchronized boolean delete(String id) {
        Entry entry = entries.get(id);
        if (entry == null || entry.removed()) {
            return false;
        }
        sequence++;
        Entry removed = new Entry(entry.event(), sequence, true);
        entries.put(id, removed);
        listener.accept(new Change("deleted", id, changeKey(removed)));
        return true;
    }

    /** Entries changed after {@code from} up to {@code to}, in change order. */
    public synchronized List<Entry> changes(long from, long to) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.sequence() > from && e.sequence() <= to) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparingLong(Entry::sequence));
        return out;
    }

    /** The event's current entry; empty when unknown or deleted. */
    public synchronized java.util.Optional<Entry> get(String id) {
        return java.util.Optional.ofNullable(entries.get(id)).filter(e -> !e.removed());
    }

    /** Every event that exists now (no tombstones), in insertion order. */
    public synchronized List<Entry> current() {
        return entries.values().stream().filter(e -> !e.removed()).toList();
    }

    /**
     * The event's changeKey: a new value on every change of the event (Graph's outlookItem.changeKey); its
     * {@code @odata.etag} is {@code W/"<changeKey>"}.
     */
    public static String changeKey(Entry entry) {
        return "DwAAABYAAAA" + Long.toString(entry.sequence(), 36);
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

    public synchronized void expireDelta() {
        sequence++;
        oldestValidSequence = sequence;
    }
}

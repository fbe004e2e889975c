package io.interactionsync.emulator.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.http.BadRequestException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One user's primary calendar: Calendar Event resources as loaded, each with the change sequence number of its
 * last modification (sync tokens are positions in that sequence). Deleting an event marks it cancelled, as
 * Google keeps deleted events visible to showDeleted and incremental sync. Thread-safe.
 */
public final class CalendarEvents {

    /** A stored event and the sequence number of its last change. */
    public record StoredEvent(ObjectNode resource, long sequence) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BASE32HEX = "0123456789abcdefghijklmnopqrstuv".toCharArray();

    private final Map<String, StoredEvent> events = new LinkedHashMap<>();
    private long sequence;
    /** Told the id of every added, changed or deleted event (provider push); called under the calendar's monitor. */
    private volatile Consumer<String> listener = id -> {
    };
    /** Sync tokens minted before this sequence answer 410. */
    private long oldestValidSyncSequence;

    public synchronized StoredEvent upsert(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new BadRequestException("an event must be a JSON object (a Calendar Event resource)");
        }
        ObjectNode event = ((ObjectNode) json).deepCopy();
        if (!event.hasNonNull("id") || event.get("id").asText().isEmpty()) {
            event.put("id", newId());
        }
        if (!event.hasNonNull("status")) {
            event.put("status", "confirmed");
        }
        if (!event.has("kind")) {
            event.put("kind", "calendar#event");
        }
        if (!event.hasNonNull("updated")) {
            event.put("updated", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        }
        if (!event.hasNonNull("eventType")) {
            event.put("eventType", "default");
        }
        sequence++;
        StoredEvent stored = new StoredEvent(event, sequence);
        events.put(event.get("id").asText(), stored);
        listener.accept(event.get("id").asText());
        return stored;
    }

    /** Marks the event cancelled (Google keeps deleted events for incremental sync). False when unknown. */
    public synchronized boolean delete(String id) {
        StoredEvent previous = events.get(id);
        if (previous == null || "cancelled".equals(previous.resource().path("status").asText())) {
            return false;
        }
        ObjectNode event = previous.resource().deepCopy();
        event.put("status", "cancelled");
        event.put("updated", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        sequence++;
        events.put(id, new StoredEvent(event, sequence));
        listener.accept(id);
        return true;
    }

    /** Replaces the listener told of every event change (see {@link EmulatorStore#listener}). */
    public void onChange(Consumer<String> changes) {
        this.listener = changes;
    }

    public synchronized Optional<StoredEvent> get(String id) {
        return Optional.ofNullable(events.get(id));
    }

    public synchronized List<StoredEvent> all() {
        return new ArrayList<>(events.values());
    }

    public synchronized int size() {
        return events.size();
    }

    public synchronized long sequence() {
        return sequence;
    }

    public synchronized long oldestValidSyncSequence() {
        return oldestValidSyncSequence;
    }

    /** Every sync token minted so far answers 410 fullSyncRequired. */
    public synchronized void expireSyncTokens() {
        sequence++;
        oldestValidSyncSequence = sequence;
    }

    private static String newId() {
        StringBuilder id = new StringBuilder(26);
        for (int i = 0; i < 26; i++) {
            id.append(BASE32HEX[RANDOM.nextInt(32)]);
        }
        return id.toString();
    }
}

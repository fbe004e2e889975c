package io.interactionsync.normalizer.outbox;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.repository.EventRows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * {@code normalizer.outbox}: written in the business transaction, published by {@link OutboxRelay}. A row is either
 * one message (topic, key, payload: dead letters, purge announcements) or a batch's changed events by id, rendered
 * from {@code interaction_events} at publish time — so the write path stores each event once, not twice. An id row
 * whose topic is {@code interaction-events-state} goes to the state topic only (V18 seeds the state topic that way).
 */
@ApplicationScoped
public class OutboxRepository {

    /**
     * One message to publish: its value as UTF-8 JSON bytes, what the producer sends. {@code event} is set for an
     * InteractionEvent (topic {@code interaction-events}, key its user): the relay also publishes it on the state topic
     * under its id, followed by a tombstone when it is deleted. Topic {@code interaction-events-state}: the state copy
     * only.
     */
    public record OutboxMessage(long id, String topic, String key, byte[] payload, EventRef event) {
        /**
         * Renders InteractionEvents as UTF-8 bytes straight away (no intermediate String to encode again), with the
         * hand-written {@link InteractionEventSerializer}: the contract mapper's JSON without its reflection.
         */
        private static final InteractionEventSerializer SERIALIZER = new InteractionEventSerializer();

        public static OutboxMessage of(String topic, String key, String json) {
            return read(0, topic, key, json.getBytes(StandardCharsets.UTF_8));
        }

        /** A message as stored: an InteractionEvent's id and deleted flag are read back from its JSON. */
        static OutboxMessage read(long id, String topic, String key, byte[] payload) {
            return new OutboxMessage(id, topic, key, payload,
                    Topics.INTERACTION_EVENTS.equals(topic) ? EventRef.parse(payload) : null);
        }

        /** The same event for the state topic only (no copy on the change stream). */
        OutboxMessage stateOnly() {
            return new OutboxMessage(id, Topics.INTERACTION_EVENTS_STATE, key, payload, event);
        }

        /** An InteractionEvent on {@code interaction-events}, keyed by its user. */
        public static OutboxMessage event(InteractionEvent e) {
            return events(List.of(e)).getFirst();
        }

        /**
         * InteractionEvents on {@code interaction-events}, keyed by their users, rendered with ONE generator and buffer
         * for the whole list: an {@code ObjectWriter} call per event would set up a serializer provider, a generator
         * and a buffer for each of a batch's thousands of events. No separator between the root values, so every
         * message holds exactly the bytes the writer would give.
         */
        public static List<OutboxMessage> events(List<InteractionEvent> events) {
            List<OutboxMessage> out = new ArrayList<>(events.size());
            ByteArrayBuilder buffer = new ByteArrayBuilder(1024);
            try (JsonGenerator g = Json.mapper().getFactory().createGenerator(buffer)) {
                g.setRootValueSeparator(null);
                for (InteractionEvent e : events) {
                    SERIALIZER.serialize(e, g, null);
                    g.flush();
                    out.add(new OutboxMessage(0, Topics.INTERACTION_EVENTS, e.userId(), buffer.toByteArray(),
                            e.id() == null ? null : new EventRef(e.id().toString(), e.deleted())));
                    buffer.reset();
                }
            } catch (IOException x) {
                throw new UncheckedIOException("cannot write an InteractionEvent", x);
            }
            return out;
        }

        /** The value as text (the outbox table stores JSON text). */
        public String json() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /**
     * An InteractionEvent's key on {@code interaction-events-state} (its id) and whether it is deleted: then a tombstone
     * follows its deleted copy there, so that compaction removes it.
     */
    public record EventRef(String id, boolean deleted) {

        /**
         * From the event's JSON, top-level {@code id} and {@code deleted} only (a streaming read: message rows are the
         * erasure paths' deleted copies, up to a whole account's events in one purge).
         */
        static EventRef parse(byte[] json) {
            String id = null;
            boolean deleted = false;
            try (JsonParser p = Json.mapper().getFactory().createParser(json)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IllegalStateException("an interaction-events outbox row is not a JSON object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("id".equals(field)) {
                        id = p.getValueAsString();
                    } else if ("deleted".equals(field)) {
                        deleted = value == JsonToken.VALUE_TRUE;
                    } else {
                        p.skipChildren();
                    }
                }
            } catch (IOException x) {
                throw new UncheckedIOException("cannot read an InteractionEvent from the outbox", x);
            }
            if (id == null) {
                throw new IllegalStateException("an interaction-events outbox row without an event id");
            }
            return new EventRef(id, deleted);
        }
    }

    /**
     * An outbox row: a single message, or ids of events to publish in their current state ({@code stateOnly}: on
     * {@code interaction-events-state} only).
     */
    public record OutboxRow(long id, OutboxMessage message, UUID[] eventIds, boolean stateOnly) {
    }

    public Uni<Void> append(SqlClient sql, List<OutboxMessage> messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = messages.size();
        String[] topics = new String[n], keys = new String[n], payloads = new String[n];
        for (int i = 0; i < n; i++) {
            topics[i] = messages.get(i).topic();
            String key = messages.get(i).key();
            keys[i] = key == null ? null : key.replace('\u0000', '\uFFFD'); // text cannot hold NUL
            payloads[i] = messages.get(i).json();
        }
        return sql.preparedQuery("insert into normalizer.outbox (topic, message_key, payload) "
                        + "select t, k, p from unnest($1::text[], $2::text[], $3::text[]) with ordinality as m(t, k, p, o) "
                        + "order by o")
                .execute(Tuple.of(topics, keys, payloads)).replaceWithVoid();
    }

    /** One row announcing these events (in this order); returns its id, or 0 when there are none. */
    public Uni<Long> appendEvents(SqlClient sql, Collection<UUID> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        return sql.preparedQuery("insert into normalizer.outbox (event_ids) values ($1) returning id")
                .execute(Tuple.of((Object) eventIds.toArray(UUID[]::new)))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** The oldest unpublished rows, locked for this transaction. */
    public Uni<List<OutboxRow>> oldest(SqlClient sql, int limit) {
        return sql.preparedQuery("select id, topic, message_key, payload, event_ids from normalizer.outbox "
                        + "order by id limit $1 for update")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    List<OutboxRow> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        long id = r.getLong(0);
                        UUID[] ids = r.getArrayOfUUIDs(4);
                        out.add(ids != null
                                ? new OutboxRow(id, null, ids, Topics.INTERACTION_EVENTS_STATE.equals(r.getString(1)))
                                : new OutboxRow(id, OutboxMessage.read(id, r.getString(1), r.getString(2),
                                        r.getString(3).getBytes(StandardCharsets.UTF_8)), null, false));
                    }
                    return out;
                });
    }

    /** The events' current rows, in the order of {@code ids}; ids of rows purged since are left out. */
    public Uni<List<InteractionEvent>> events(SqlClient sql, UUID[] ids) {
        return sql.preparedQuery("select e.* from unnest($1::uuid[]) with ordinality as u(id, o) "
                        + "join normalizer.interaction_events e on e.id = u.id order by u.o")
                .execute(Tuple.of((Object) ids))
                .map(rows -> {
                    List<InteractionEvent> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(EventRows.fromRow(r));
                    }
                    return out;
                });
    }

    public Uni<Void> delete(SqlClient sql, List<OutboxRow> rows) {
        Long[] ids = rows.stream().map(OutboxRow::id).toArray(Long[]::new);
        return sql.preparedQuery("delete from normalizer.outbox where id = any($1)")
                .execute(Tuple.of((Object) ids)).replaceWithVoid();
    }
}

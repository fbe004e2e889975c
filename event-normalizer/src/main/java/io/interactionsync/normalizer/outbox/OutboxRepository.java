package io.interactionsync.normalizer.outbox;

import com.fasterxml.jackson.core.JsonGenerator;
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
 * from {@code interaction_events} at publish time — so the write path stores each event once, not twice.
 */
@ApplicationScoped
public class OutboxRepository {

    /** One message to publish: its value as UTF-8 JSON bytes, what the producer sends. */
    public record OutboxMessage(long id, String topic, String key, byte[] payload) {
        /**
         * Renders InteractionEvents as UTF-8 bytes straight away (no intermediate String to encode again), with the
         * hand-written {@link InteractionEventSerializer}: the contract mapper's JSON without its reflection.
         */
        private static final InteractionEventSerializer SERIALIZER = new InteractionEventSerializer();

        public static OutboxMessage of(String topic, String key, String json) {
            return new OutboxMessage(0, topic, key, json.getBytes(StandardCharsets.UTF_8));
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
                    out.add(new OutboxMessage(0, Topics.INTERACTION_EVENTS, e.userId(), buffer.toByteArray()));
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

    /** An outbox row: a single message, or ids of events to publish in their current state. */
    public record OutboxRow(long id, OutboxMessage message, UUID[] eventIds) {
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
                        out.add(ids != null ? new OutboxRow(id, null, ids)
                                : new OutboxRow(id, new OutboxMessage(id, r.getString(1), r.getString(2),
                                        r.getString(3).getBytes(StandardCharsets.UTF_8)), null));
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

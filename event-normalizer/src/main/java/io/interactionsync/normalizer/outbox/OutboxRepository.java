package io.interactionsync.normalizer.outbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** {@code normalizer.outbox}: messages written in the business transaction, published by {@link OutboxRelay}. */
@ApplicationScoped
public class OutboxRepository {

    /** One message to publish. */
    public record OutboxMessage(long id, String topic, String key, String payload) {
        public static OutboxMessage of(String topic, String key, String payload) {
            return new OutboxMessage(0, topic, key, payload);
        }
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
            payloads[i] = messages.get(i).payload();
        }
        return sql.preparedQuery("insert into normalizer.outbox (topic, message_key, payload) "
                        + "select t, k, p from unnest($1::text[], $2::text[], $3::text[]) with ordinality as m(t, k, p, o) "
                        + "order by o")
                .execute(Tuple.of(topics, keys, payloads)).replaceWithVoid();
    }

    /** The oldest unpublished messages, locked for this transaction. */
    public Uni<List<OutboxMessage>> oldest(SqlClient sql, int limit) {
        return sql.preparedQuery("select id, topic, message_key, payload from normalizer.outbox order by id limit $1 "
                        + "for update")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    List<OutboxMessage> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new OutboxMessage(r.getLong(0), r.getString(1), r.getString(2), r.getString(3)));
                    }
                    return out;
                });
    }

    public Uni<Void> delete(SqlClient sql, List<OutboxMessage> messages) {
        Long[] ids = messages.stream().map(OutboxMessage::id).toArray(Long[]::new);
        return sql.preparedQuery("delete from normalizer.outbox where id = any($1)")
                .execute(Tuple.of((Object) ids)).replaceWithVoid();
    }
}

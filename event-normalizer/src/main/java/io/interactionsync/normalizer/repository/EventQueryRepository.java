package io.interactionsync.normalizer.repository;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.WireNames;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Reads for the query API: keyset pagination on (occurred_at desc, id desc), live events only. */
@ApplicationScoped
public class EventQueryRepository {

    private final Pool pool;

    public EventQueryRepository(Pool pool) {
        this.pool = pool;
    }

    /** Up to {@code limit + 1} events, so the caller knows whether there is a next page. */
    public Uni<List<InteractionEvent>> page(EventQuery q) {
        StringBuilder sql = new StringBuilder("select * from normalizer.interaction_events where user_id = $1 and not deleted");
        List<Object> params = new ArrayList<>();
        params.add(q.userId());
        if (q.since() != null) {
            params.add(EventRows.utc(q.since()));
            sql.append(" and occurred_at >= $").append(params.size());
        }
        if (q.until() != null) {
            params.add(EventRows.utc(q.until()));
            sql.append(" and occurred_at < $").append(params.size());
        }
        if (q.contactEmail() != null) {
            params.add(q.contactEmail());
            sql.append(" and contact_email = $").append(params.size());
        }
        if (q.source() != null) {
            params.add(q.source().wireName());
            sql.append(" and source = $").append(params.size());
        }
        if (q.kind() != null) {
            params.add(WireNames.of(q.kind()));
            sql.append(" and kind = $").append(params.size());
        }
        if (q.afterOccurredAt() != null) {
            params.add(EventRows.utc(q.afterOccurredAt()));
            params.add(q.afterId());
            sql.append(" and (occurred_at, id) < ($").append(params.size() - 1).append(", $").append(params.size()).append(")");
        }
        params.add(q.limit() + 1);
        sql.append(" order by occurred_at desc, id desc limit $").append(params.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.tuple(params)).map(EventRepository::events);
    }
}

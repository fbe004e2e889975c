package io.interactionsync.normalizer.retention;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.normalizer.repository.EventRows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The retention job's SQL: who has events, each user's team window, the deletion batches and the daily run rows. */
@ApplicationScoped
public class RetentionRepository {

    /** The first replica to insert the day's row runs that day's job. */
    public Uni<Boolean> claim(SqlClient sql, LocalDate day, String owner) {
        return sql.preparedQuery("insert into normalizer.retention_runs (run_date, owner, started_at) "
                        + "values ($1, $2, now()) on conflict (run_date) do nothing")
                .execute(Tuple.of(day, owner)).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> progress(SqlClient sql, LocalDate day, int users, long deleted, long announced, boolean finished) {
        return sql.preparedQuery("update normalizer.retention_runs set users = $2, deleted = $3, announced = $4, "
                        + "finished_at = case when $5 then now() else finished_at end where run_date = $1")
                .execute(Tuple.of(day, users, deleted, announced, finished)).replaceWithVoid();
    }

    /**
     * Every user with events, in order: a skip scan over the {@code (user_id, occurred_at, id)} index (one probe per
     * user, not a scan of the table).
     */
    public Uni<List<String>> users(SqlClient sql) {
        return sql.query("with recursive u(id) as ("
                        + "(select user_id from normalizer.interaction_events order by user_id limit 1) union all "
                        + "select (select e.user_id from normalizer.interaction_events e where e.user_id > u.id "
                        + "order by e.user_id limit 1) from u where u.id is not null) "
                        + "select id from u where id is not null")
                .execute().map(rows -> {
                    List<String> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(r.getString(0));
                    }
                    return out;
                });
    }

    /**
     * Each user's team window: the shortest {@code event_months} of the collections listing one of the user's
     * addresses (account addresses and learned aliases). Users without one are not in the map.
     */
    public Uni<Map<String, Integer>> teamWindows(SqlClient sql) {
        return sql.query("select a.user_id, min(c.event_months) from normalizer.owner_aliases a "
                        + "join normalizer.directory_collections c on c.member_emails @> array[a.address] "
                        + "where c.event_months is not null and a.user_id is not null group by a.user_id")
                .execute().map(rows -> {
                    Map<String, Integer> out = new HashMap<>();
                    for (Row r : rows) {
                        out.put(r.getString(0), r.getInteger(1));
                    }
                    return out;
                });
    }

    /** Deletes up to {@code limit} of the user's events that occurred before {@code cutoff}; returns them. */
    public Uni<List<InteractionEvent>> deleteOlder(SqlClient sql, String userId, Instant cutoff, int limit) {
        return sql.preparedQuery("delete from normalizer.interaction_events where id in ("
                        + "select id from normalizer.interaction_events where user_id = $1 and occurred_at < $2 "
                        + "limit $3 for update skip locked) returning *")
                .execute(Tuple.of(userId, cutoff.atOffset(ZoneOffset.UTC), limit))
                .map(rows -> {
                    List<InteractionEvent> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(EventRows.fromRow(r));
                    }
                    return out;
                });
    }
}

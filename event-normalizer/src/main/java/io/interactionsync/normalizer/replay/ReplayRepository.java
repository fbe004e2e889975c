package io.interactionsync.normalizer.replay;

import io.interactionsync.normalizer.replay.ReplayService.Status;
import io.interactionsync.normalizer.repository.SqlStates;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code normalizer.replays}: the replay runs of every replica. Times come from PostgreSQL's clock ({@code now()}),
 * so heartbeats written by one replica and judged stale by another never depend on the replicas' clocks agreeing.
 */
@ApplicationScoped
public class ReplayRepository {

    private static final String COLUMNS = "id, account_id, state, read, replayed, started_at, finished_at, error, "
            + "owner, heartbeat_at, end_offsets is not null as has_end, resumes";

    private final Pool pool;

    public ReplayRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Marks running replays whose replica stopped sending heartbeats as interrupted (then a new one may start), and
     * inserts a new running one unless another is still running anywhere (the partial unique index
     * {@code replays_one_running}; a concurrent start waits for the other's commit, then conflicts). Empty on
     * conflict.
     */
    public Uni<Optional<Status>> start(UUID id, String accountId, String owner, Duration staleAfter) {
        return pool.withTransaction(conn -> interruptStale(conn, staleAfter)
                .flatMap(n -> conn.preparedQuery("insert into normalizer.replays (id, account_id, state, owner) "
                                + "values ($1, $2, 'running', $3) on conflict do nothing returning " + COLUMNS)
                        .execute(Tuple.of(id, accountId, owner)))
                .map(ReplayRepository::first));
    }

    /**
     * Takes an interrupted or failed replay up again under {@code owner}, unless another replay is running anywhere
     * (stale ones are marked interrupted first). Returns its status and its end offsets by partition; empty when it
     * is not resumable (another state, or no end offsets recorded) or another replay runs.
     */
    public Uni<Optional<Resumed>> resume(UUID id, String owner, Duration staleAfter) {
        return pool.withTransaction(conn -> interruptStale(conn, staleAfter)
                        .flatMap(n -> conn.preparedQuery("update normalizer.replays set state = 'running', owner = $2, "
                                        + "heartbeat_at = now(), finished_at = null, error = null, resumes = resumes + 1 "
                                        + "where id = $1 "
                                        + "and state in ('interrupted', 'failed') and end_offsets is not null "
                                        + "and not exists (select from normalizer.replays where state = 'running') "
                                        + "returning " + COLUMNS + ", end_offsets::text as end_offsets_json")
                                .execute(Tuple.of(id, owner))))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.<Resumed>empty();
                    }
                    Row r = it.next();
                    Map<Integer, Long> end = new HashMap<>();
                    new JsonObject(r.getString("end_offsets_json"))
                            .forEach(e -> end.put(Integer.valueOf(e.getKey()), ((Number) e.getValue()).longValue()));
                    return Optional.of(new Resumed(status(r), end));
                })
                // a replay started meanwhile took the one running slot (replays_one_running)
                .onFailure(SqlStates::isUniqueViolation)
                .recoverWithItem(Optional.empty());
    }

    /**
     * The newest replay if it was interrupted, can resume and was resumed fewer than {@code limit} times: the one to
     * take up again by itself. Only the newest: an older interrupted replay was superseded by the operator's later one.
     */
    public Uni<Optional<UUID>> newestToResume(int limit) {
        return pool.preparedQuery("select id from (select id, state, end_offsets, resumes from normalizer.replays "
                        + "order by started_at desc, id limit 1) newest "
                        + "where state = 'interrupted' and end_offsets is not null and resumes < $1")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? Optional.of(it.next().getUUID("id")) : Optional.empty();
                });
    }

    /** A resumed replay: its status and where it stops (end offset by {@code raw-records} partition). */
    public record Resumed(Status status, Map<Integer, Long> endOffsets) {
    }

    /** Records where a running replay stops, so that it can resume after an interruption. */
    public Uni<Void> recordEnd(UUID id, Map<Integer, Long> endOffsets) {
        JsonObject json = new JsonObject();
        endOffsets.forEach((partition, offset) -> json.put(partition.toString(), offset));
        return pool.preparedQuery("update normalizer.replays set end_offsets = $2::jsonb where id = $1 and state = 'running'")
                .execute(Tuple.of(id, json)).replaceWithVoid(); // a JsonObject: a String would be stored as a JSON string
    }

    /** Running replays without a heartbeat for {@code staleAfter} → interrupted; returns how many. */
    public Uni<Integer> interruptStale(SqlClient sql, Duration staleAfter) {
        return sql.preparedQuery("update normalizer.replays set state = 'interrupted', finished_at = now(), "
                        + "error = 'no heartbeat from ' || owner || ' since ' || heartbeat_at "
                        + "where state = 'running' and heartbeat_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) staleAfter.toMillis() / 1000))
                .map(RowSet::rowCount);
    }

    public Uni<Integer> interruptStale(Duration staleAfter) {
        return interruptStale(pool, staleAfter);
    }

    /**
     * Replays this replica ({@code owner}) was running when it died: at startup nothing of ours can be running, so
     * they are interrupted at once instead of after the heartbeat timeout. {@code except}: the one it runs now, if any.
     */
    public Uni<Integer> interruptOwn(String owner, UUID except, String reason) {
        return pool.preparedQuery("update normalizer.replays set state = 'interrupted', finished_at = now(), "
                        + "error = $3 where state = 'running' and owner = $1 and id is distinct from $2")
                .execute(Tuple.of(owner, except, reason))
                .map(RowSet::rowCount);
    }

    /**
     * Progress and heartbeat of a running replay. False when the row is no longer running under {@code owner}:
     * another replica judged it stale and interrupted it — and may have resumed it since, under its own name — so this
     * replica must stop.
     */
    public Uni<Boolean> heartbeat(UUID id, String owner, long read, long replayed) {
        return pool.preparedQuery("update normalizer.replays set read = $2, replayed = $3, heartbeat_at = now() "
                        + "where id = $1 and state = 'running' and owner = $4")
                .execute(Tuple.of(id, read, replayed, owner))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The final state and counters; false when the row was no longer running under {@code owner} (see heartbeat). */
    public Uni<Boolean> finish(UUID id, String owner, String state, long read, long replayed, String error) {
        return pool.preparedQuery("update normalizer.replays set state = $2, read = $3, replayed = $4, error = $5, "
                        + "finished_at = now(), heartbeat_at = now() where id = $1 and state = 'running' and owner = $6")
                .execute(Tuple.of(id, state, read, replayed, error, owner))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Optional<Status>> find(UUID id) {
        return pool.preparedQuery("select " + COLUMNS + " from normalizer.replays where id = $1")
                .execute(Tuple.of(id))
                .map(ReplayRepository::first);
    }

    /** The running replay, if any (of any replica). */
    public Uni<Optional<Status>> running() {
        return pool.query("select " + COLUMNS + " from normalizer.replays where state = 'running'").execute()
                .map(ReplayRepository::first);
    }

    /** The most recent replays, newest first. */
    public Uni<List<Status>> recent(int limit) {
        return pool.preparedQuery("select " + COLUMNS + " from normalizer.replays "
                        + "order by started_at desc, id limit $1")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    List<Status> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(status(r));
                    }
                    return out;
                });
    }

    private static Optional<Status> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(status(it.next())) : Optional.empty();
    }

    private static Status status(Row r) {
        return new Status(r.getUUID("id").toString(), r.getString("account_id"), r.getString("state"),
                r.getLong("read"), r.getLong("replayed"), instant(r.getOffsetDateTime("started_at")),
                instant(r.getOffsetDateTime("finished_at")), r.getString("error"), r.getString("owner"),
                instant(r.getOffsetDateTime("heartbeat_at")),
                r.getBoolean("has_end") && ("interrupted".equals(r.getString("state"))
                        || "failed".equals(r.getString("state"))), r.getInteger("resumes"));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}

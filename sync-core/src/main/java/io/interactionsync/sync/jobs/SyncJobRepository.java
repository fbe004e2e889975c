package io.interactionsync.sync.jobs;

import io.interactionsync.sync.SyncJob;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The job table ({@code sync_jobs} in the service's schema): requests are persisted here (then acked on Kafka),
 * and replicas claim them with a lease.
 * Plain JDBC: the workers are virtual threads doing blocking work, and the claim needs
 * {@code for update skip locked}.
 */
@ApplicationScoped
public class SyncJobRepository {

    private final AgroalDataSource dataSource;
    private final String schema;

    public SyncJobRepository(AgroalDataSource dataSource, SyncServiceDefinition service) {
        this.dataSource = dataSource;
        this.schema = service.schema(); // a plain identifier: SyncServiceDefinition checks it
    }

    /** The statement with {@code {schema}} replaced by the service's schema (checked to be a plain identifier). */
    private String qualified(String sql) {
        return sql.replace("{schema}", schema);
    }

    /**
     * Records a request. No job or a finished one → a new pending job. A pending job → sources merged, the
     * stronger mode kept ({@code full} over the others), due now — except for a push, which leaves its due time (a
     * re-run delay, a backoff) alone. A running job → remembered as a re-run that starts {@code rerun-delay} after the
     * running one ends, so a request is never lost and never runs twice at once.
     */
    public void enqueue(SyncRequest request, Set<Source> sources) {
        String sql = """
                insert into {schema}.sync_jobs as j (account_id, state, mode, sources, reason, requested_at, not_before, audit)
                values (?, 'pending', ?, ?, ?, ?, now(), ?)
                on conflict (account_id) do update set
                  state = case when j.state = 'running' then 'running' else 'pending' end,
                  mode = case when j.state = 'pending' then {schema}.stronger_mode(j.mode, excluded.mode)
                              when j.state = 'running' then j.mode else excluded.mode end,
                  sources = case when j.state = 'pending' then {schema}.merge_sources(j.sources, excluded.sources)
                                 when j.state = 'running' then j.sources else excluded.sources end,
                  reason = case when j.state = 'running' then j.reason else excluded.reason end,
                  audit = case when j.state = 'pending' then j.audit or excluded.audit
                               when j.state = 'running' then j.audit else excluded.audit end,
                  rerun_audit = case when j.state = 'running' then coalesce(j.rerun_audit, false) or excluded.audit
                                     else null end,
                  requested_at = case when j.state = 'running' then j.requested_at else excluded.requested_at end,
                  not_before = case when j.state = 'running' then j.not_before
                                    -- a push never pulls a pending job forward: it waits out a re-run delay or a backoff
                                    when j.state = 'pending' and excluded.reason = 'push' then j.not_before
                                    when j.state = 'pending' then least(j.not_before, now()) else now() end,
                  attempts = case when j.state in ('pending', 'running') then j.attempts else 0 end,
                  rerun_mode = case when j.state = 'running'
                                    then {schema}.stronger_mode(coalesce(j.rerun_mode, excluded.mode), excluded.mode)
                                    else null end,
                  rerun_sources = case when j.state = 'running'
                                       then {schema}.merge_sources(coalesce(j.rerun_sources, ''), excluded.sources)
                                       else null end,
                  last_error = case when j.state = 'running' then j.last_error else null end,
                  updated_at = now()
                """;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(qualified(sql))) {
            ps.setString(1, request.accountId());
            ps.setString(2, SyncJob.wire(request.mode() == null ? SyncRequest.Mode.AUTO : request.mode()));
            ps.setString(3, SyncJob.wire(sources));
            ps.setString(4, request.reason() == null ? null : request.reason().name().toLowerCase(java.util.Locale.ROOT));
            ps.setTimestamp(5, Timestamp.from(request.requestedAt() == null ? Instant.now() : request.requestedAt()));
            ps.setBoolean(6, request.auditRequested());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RepositoryException("could not enqueue the sync of account " + request.accountId(), e);
        }
    }

    /**
     * Claims up to {@code limit} jobs for {@code owner}: pending ones that are due, and running ones whose
     * lease expired (their replica died). With {@code reclaimOwn} (the first claim after a start) also the running
     * jobs still leased to {@code owner}: a process with this instance id that held them is dead by definition (the
     * instance id is unique among live processes), so a restarted replica resumes them without waiting for its
     * own leases to expire. Concurrent claimers skip each other's locked rows.
     */
    public List<SyncJob> claim(String owner, int limit, Duration lease, boolean reclaimOwn) {
        if (limit <= 0) {
            return List.of();
        }
        String sql = """
                update {schema}.sync_jobs j set state = 'running', lease_owner = ?,
                       lease_until = now() + make_interval(secs => ?), attempts = j.attempts + 1, updated_at = now()
                where j.account_id in (
                    select account_id from {schema}.sync_jobs
                    where (state = 'pending' and not_before <= now())
                       or (state = 'running' and (lease_until < now() or (? and lease_owner = ?)))
                    order by not_before, requested_at
                    limit ? for update skip locked)
                returning j.account_id, j.mode, j.sources, j.reason, j.requested_at, j.lease_owner, j.attempts, j.audit
                """;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(qualified(sql))) {
            ps.setString(1, owner);
            ps.setDouble(2, seconds(lease));
            ps.setBoolean(3, reclaimOwn);
            ps.setString(4, owner);
            ps.setInt(5, limit);
            List<SyncJob> jobs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jobs.add(new SyncJob(rs.getString(1), SyncJob.mode(rs.getString(2)), SyncJob.sources(rs.getString(3)),
                            rs.getString(4), rs.getTimestamp(5).toInstant(), rs.getString(6), rs.getInt(7),
                            rs.getBoolean(8)));
                }
            }
            return jobs;
        } catch (SQLException e) {
            throw new RepositoryException("could not claim sync jobs", e);
        }
    }

    /**
     * The heartbeat: extends, in one statement, the leases {@code owner} still holds among {@code accountIds}.
     * Returns those renewed; a missing one was lost (expired and claimed elsewhere, or its row deleted by a
     * disconnect).
     */
    public Set<String> renewLeases(String owner, Collection<String> accountIds, Duration lease) {
        if (accountIds.isEmpty()) {
            return Set.of();
        }
        String sql = """
                update {schema}.sync_jobs set lease_until = now() + make_interval(secs => ?), updated_at = now()
                where state = 'running' and lease_owner = ? and account_id = any(?)
                returning account_id
                """;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(qualified(sql))) {
            ps.setDouble(1, seconds(lease));
            ps.setString(2, owner);
            ps.setArray(3, c.createArrayOf("text", accountIds.toArray()));
            Set<String> renewed = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    renewed.add(rs.getString(1));
                }
            }
            return renewed;
        } catch (SQLException e) {
            throw new RepositoryException("could not renew the leases of sync jobs", e);
        }
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /**
     * The run finished: done, unless a request arrived meanwhile (then pending again with it, due after
     * {@code rerunDelay}, so that a stream of notifications coalesces into about one run per interval).
     */
    public void complete(String accountId, String owner, Duration rerunDelay) {
        update("""
                update {schema}.sync_jobs set
                  state = case when rerun_mode is null then 'done' else 'pending' end,
                  mode = coalesce(rerun_mode, mode), sources = coalesce(rerun_sources, sources),
                  audit = coalesce(rerun_audit, false), rerun_mode = null, rerun_sources = null, rerun_audit = null,
                  not_before = case when rerun_mode is null then now() else now() + make_interval(secs => ?) end,
                  attempts = 0, lease_owner = null, lease_until = null, last_error = null, updated_at = now()
                where account_id = ? and lease_owner = ?
                """, ps -> {
            ps.setDouble(1, seconds(rerunDelay));
            ps.setString(2, accountId);
            ps.setString(3, owner);
        });
    }

    /** Back to pending, due at {@code notBefore} (transient failure, rate limit far ahead, or shutdown). */
    public void release(String accountId, String owner, Instant notBefore, String error) {
        update("""
                update {schema}.sync_jobs set state = 'pending', not_before = ?, last_error = ?,
                  lease_owner = null, lease_until = null, updated_at = now()
                where account_id = ? and lease_owner = ?
                """, ps -> {
            ps.setTimestamp(1, Timestamp.from(notBefore));
            ps.setString(2, error);
            ps.setString(3, accountId);
            ps.setString(4, owner);
        });
    }

    /** Gives up (reauth required, account gone, source failed); a later request starts afresh. */
    public void fail(String accountId, String owner, String error) {
        update("""
                update {schema}.sync_jobs set
                  state = case when rerun_mode is null then 'failed' else 'pending' end,
                  mode = coalesce(rerun_mode, mode), sources = coalesce(rerun_sources, sources),
                  audit = coalesce(rerun_audit, false), rerun_mode = null, rerun_sources = null, rerun_audit = null,
                  not_before = now(), attempts = 0,
                  last_error = ?, lease_owner = null, lease_until = null, updated_at = now()
                where account_id = ? and lease_owner = ?
                """, ps -> {
            ps.setString(1, error);
            ps.setString(2, accountId);
            ps.setString(3, owner);
        });
    }

    /**
     * The backlog as a free worker of any replica sees it: jobs claimable now (due and pending, or running under an
     * expired lease), jobs running under a live lease, and how long the oldest claimable one has waited (0 when none).
     */
    public Backlog backlog() {
        String sql = """
                select count(*) filter (where claimable),
                       count(*) filter (where state = 'running' and not claimable),
                       coalesce(extract(epoch from now() - min(due) filter (where claimable)), 0)
                from (select state, case when state = 'pending' then not_before else lease_until end as due,
                             (state = 'pending' and not_before <= now()) or (state = 'running' and lease_until < now())
                                 as claimable
                      from {schema}.sync_jobs where state in ('pending', 'running')) j
                """;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(qualified(sql));
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Backlog(rs.getLong(1), rs.getLong(2), Math.max(0, rs.getDouble(3)));
        } catch (SQLException e) {
            throw new RepositoryException("could not read the sync job backlog", e);
        }
    }

    /** See {@link #backlog()}. */
    public record Backlog(long claimable, long running, double oldestClaimableAgeSeconds) {
    }

    /** The job's state ({@code pending, running, done, failed}), if any. */
    public Optional<String> state(String accountId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(qualified("select state from {schema}.sync_jobs where account_id = ?"))) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not read the job of account " + accountId, e);
        }
    }

    private int update(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(qualified(sql))) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new RepositoryException("sync job update failed", e);
        }
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }
}

package io.interactionsync.sync.jobs;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.sync.SyncServiceDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Disconnected accounts ({@code <schema>.closed_accounts}, created by each service's migration). A disconnected
 * account id never syncs again — the same mailbox connected later is a new account with a new id — so on
 * {@code disconnected} (purge or keep) every row the service holds for it is deleted: its job, its audits and the
 * service's own state ({@link AccountStateEraser}), in one transaction. The id is remembered, so that a late sync
 * request is ignored, a job already claimed stops at once, and what a job in flight wrote after the erasure is erased
 * again when it ends ({@link #afterJob}).
 */
@ApplicationScoped
public class ClosedAccounts {

    private final AgroalDataSource dataSource;
    private final String schema;
    private final AccountStateEraser eraser;
    private final MeterRegistry meters;
    private final String metricPrefix;

    public ClosedAccounts(AgroalDataSource dataSource, SyncServiceDefinition service, AccountStateEraser eraser,
                          MeterRegistry meters) {
        this.dataSource = dataSource;
        this.schema = service.schema(); // a plain identifier: SyncServiceDefinition checks it
        this.eraser = eraser;
        this.meters = meters;
        this.metricPrefix = service.metricPrefix();
    }

    /**
     * The account was disconnected: remembered as closed, and all its rows deleted. Idempotent (a redelivered
     * {@code disconnected} deletes nothing more).
     *
     * @param purged whether its data was purged (recorded; the sync state goes either way)
     * @return rows deleted
     */
    public int close(String accountId, boolean purged) {
        int rows = inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into " + schema + ".closed_accounts "
                    + "(account_id, purged, closed_at) values (?, ?, now()) on conflict (account_id) do update set "
                    + "purged = closed_accounts.purged or excluded.purged")) {
                ps.setString(1, accountId);
                ps.setBoolean(2, purged);
                ps.executeUpdate();
            }
            return eraseRows(c, accountId);
        });
        meters.counter(metricPrefix + ".accounts.erased", "purged", Boolean.toString(purged)).increment();
        Log.infof("account %s disconnected (purge=%s): its sync state is erased, %d rows deleted", accountId, purged,
                rows);
        return rows;
    }

    /**
     * A {@code connected} record for a closed id: only an account disconnected before ids were renewed on reconnect
     * (a replay of old account-events) can be connected again under the same id. It syncs again from scratch.
     */
    public void reopen(String accountId) {
        int reopened = inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("delete from " + schema + ".closed_accounts where account_id = ?")) {
                ps.setString(1, accountId);
                return ps.executeUpdate();
            }
        });
        if (reopened > 0) {
            Log.infof("account %s connected again under its old id: it syncs from scratch", accountId);
        }
    }

    public boolean isClosed(String accountId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select 1 from " + schema + ".closed_accounts where account_id = ?")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not read the closed accounts", e);
        }
    }

    /** After any job of the account: if it was closed meanwhile, what the job wrote since is deleted too. */
    public void afterJob(String accountId) {
        if (isClosed(accountId)) {
            int rows = inTransaction(c -> eraseRows(c, accountId));
            if (rows > 0) {
                Log.infof("account %s: %d rows its last job wrote after the disconnect are erased", accountId, rows);
            }
        }
    }

    private int eraseRows(Connection c, String accountId) throws SQLException {
        int rows = 0;
        for (String table : new String[] {"sync_jobs", "source_audits", "push_channels"}) {
            try (PreparedStatement ps = c.prepareStatement("delete from " + schema + "." + table + " where account_id = ?")) {
                ps.setString(1, accountId);
                rows += ps.executeUpdate();
            }
        }
        return rows + eraser.erase(c, accountId);
    }

    @FunctionalInterface
    private interface Work {
        int run(Connection c) throws SQLException;
    }

    private int inTransaction(Work work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int n = work.run(c);
                c.commit();
                return n;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not erase a disconnected account's sync state", e);
        }
    }
}

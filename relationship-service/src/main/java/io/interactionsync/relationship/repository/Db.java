package io.interactionsync.relationship.repository;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * JDBC transactions on the {@code relationship} schema. Writers serialise through a PostgreSQL advisory lock, so
 * replicas agree too: event batches take it shared (their users are partitioned, their ties disjoint), account-event
 * changes (purges, blocklists, directory) take it exclusive, so a blocklist never misses an event committed beside it.
 */
@ApplicationScoped
public class Db {

    /** Arbitrary, fixed: "REL" in ASCII. */
    private static final long WRITE_LOCK = 0x52454CL;

    private final AgroalDataSource dataSource;

    public Db(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** {@code work} in one transaction, read-only queries included. */
    public <T> T inTransaction(Work<T> work) {
        return inTransaction(null, work);
    }

    /**
     * {@code work} in one transaction holding the write lock, shared or exclusive. On the thread of {@link #exclusively}
     * the lock is already held (by its session) for the whole run.
     */
    public <T> T writing(boolean exclusive, Work<T> work) {
        if (HOLDING.get()) {
            return inTransaction(null, work);
        }
        return inTransaction(exclusive ? "select pg_advisory_xact_lock(?)" : "select pg_advisory_xact_lock_shared(?)",
                work);
    }

    /** Set on the thread running {@link #exclusively}. */
    private static final ThreadLocal<Boolean> HOLDING = ThreadLocal.withInitial(() -> false);

    /**
     * Runs {@code work}, with its many transactions, while this session holds the write lock exclusively: every
     * replica's writes wait until it ends (a rebuild empties and refills the tables; a write between would be lost
     * or overwritten by an older value). Waits for the writes in flight first.
     */
    public <T> T exclusively(java.util.function.Supplier<T> work) {
        try (Connection session = dataSource.getConnection()) {
            session.setAutoCommit(true);
            try (PreparedStatement ps = session.prepareStatement("select pg_advisory_lock(?)")) {
                ps.setLong(1, WRITE_LOCK);
                ps.execute();
            }
            HOLDING.set(true);
            try {
                return work.get();
            } finally {
                HOLDING.remove();
                try (PreparedStatement ps = session.prepareStatement("select pg_advisory_unlock(?)")) {
                    ps.setLong(1, WRITE_LOCK);
                    ps.execute();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("relationship database: " + e.getMessage(), e);
        }
    }

    private <T> T inTransaction(String lock, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (lock != null) {
                    try (PreparedStatement ps = c.prepareStatement(lock)) {
                        ps.setLong(1, WRITE_LOCK);
                        ps.execute();
                    }
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("relationship database: " + e.getMessage(), e);
        }
    }
}

package io.interactionsync.googlesync.pacing;

import io.interactionsync.sync.jobs.RepositoryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * A quota shared by every replica through PostgreSQL ({@code google_sync.quota_windows}): at most
 * {@code unitsPerPeriod} units in any period (e.g. 1,200,000 units in any 60 s). Time is cut into windows (1 s);
 * each window may grant {@code unitsPerPeriod / (period / window + 1)} units — a sliding period overlaps at most
 * {@code period / window + 1} windows, so no period exceeds the quota. A replica leases a slice of the current
 * window with one atomic conditional upsert, spends it locally, and drops what is left when the window ends; when
 * the window's budget is gone it waits for the next window. Window numbers and the time left come from the
 * database's clock, so skewed replica clocks cannot overspend.
 */
public final class SharedQuota {

    private final DataSource dataSource;
    private final String quota;
    private final long windowMillis;
    private final int perWindow;
    private final int slice;
    private final ReentrantLock lock = new ReentrantLock(true);
    private long leasedWindow = Long.MIN_VALUE;
    private int available;
    private long expiresAtNanos;
    private long lastCleanedWindow = Long.MIN_VALUE;
    private final java.util.function.Consumer<String> onLease;

    /**
     * @param onLease told {@code "granted"} or {@code "exhausted"} for each lease attempt (metrics)
     */
    public SharedQuota(DataSource dataSource, String quota, int unitsPerPeriod, Duration period, Duration window,
                       int sliceUnits, java.util.function.Consumer<String> onLease) {
        if (window.isZero() || window.isNegative() || period.compareTo(window) < 0) {
            throw new IllegalArgumentException("the window must be positive and not longer than the period");
        }
        this.dataSource = dataSource;
        this.quota = quota;
        this.windowMillis = window.toMillis();
        this.perWindow = (int) (unitsPerPeriod / (period.toMillis() / windowMillis + 1));
        if (perWindow < 1) {
            throw new IllegalArgumentException("quota too small for the window: " + unitsPerPeriod + " per " + period);
        }
        this.slice = Math.max(1, Math.min(sliceUnits, perWindow));
        this.onLease = onLease;
    }

    /** Units one window may grant in total, across replicas. */
    public int perWindow() {
        return perWindow;
    }

    /** Blocks until {@code units} of the shared quota are this caller's to spend now. */
    public void acquire(int units) throws InterruptedException {
        if (units > perWindow) {
            throw new IllegalArgumentException(units + " units exceed one window's budget of " + perWindow);
        }
        lock.lockInterruptibly();
        try {
            while (true) {
                if (available >= units && System.nanoTime() < expiresAtNanos) {
                    available -= units;
                    return;
                }
                Lease lease = lease(Math.max(units, slice));
                if (lease.granted() > 0) {
                    leasedWindow = lease.window();
                    available = lease.granted();
                    expiresAtNanos = lease.askedAtNanos() + TimeUnit.MILLISECONDS.toNanos(lease.millisLeft());
                    onLease.accept("granted");
                } else {
                    available = 0;
                    onLease.accept("exhausted");
                    // The window's budget is spent across the replicas: wait for the next window.
                    TimeUnit.MILLISECONDS.sleep(Math.max(1, lease.millisLeft()));
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@code millisLeft} of the window when the database was asked, which was after {@code askedAtNanos}. */
    private record Lease(long window, int granted, long millisLeft, long askedAtNanos) {
    }

    /** One atomic lease attempt of {@code units} in the database's current window. */
    private Lease lease(int units) {
        try (Connection c = dataSource.getConnection()) {
            long askedAt = System.nanoTime();
            long window;
            long millisLeft;
            try (PreparedStatement ps = c.prepareStatement("""
                    select w, (w + 1) * ? - ms from (select ms, ms / ? as w from
                        (select (extract(epoch from clock_timestamp()) * 1000)::bigint as ms) t) n
                    """)) {
                ps.setLong(1, windowMillis);
                ps.setLong(2, windowMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    window = rs.getLong(1);
                    millisLeft = rs.getLong(2);
                }
            }
            int granted = 0;
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into google_sync.quota_windows (quota, window_index, granted) values (?, ?, ?)
                    on conflict (quota, window_index) do update set granted = quota_windows.granted + excluded.granted
                    where quota_windows.granted + excluded.granted <= ?
                    """)) {
                ps.setString(1, quota);
                ps.setLong(2, window);
                ps.setInt(3, units);
                ps.setInt(4, perWindow);
                if (ps.executeUpdate() == 1) {
                    granted = units;
                }
            }
            if (window != lastCleanedWindow && window != leasedWindow) {
                lastCleanedWindow = window;
                try (PreparedStatement ps = c.prepareStatement(
                        "delete from google_sync.quota_windows where quota = ? and window_index < ?")) {
                    ps.setString(1, quota);
                    ps.setLong(2, window - Math.max(2, 120_000 / windowMillis));
                    ps.executeUpdate();
                }
            }
            return new Lease(window, granted, millisLeft, askedAt);
        } catch (SQLException e) {
            throw new RepositoryException("could not lease units of the shared quota " + quota, e);
        }
    }
}

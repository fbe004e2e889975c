package io.interactionsync.googlesync.pacing;

import io.interactionsync.googlesync.client.gmail.GmailMethod;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Pacing to Gmail's quotas, so that normally no rate-limit error is provoked: each call first waits for its
 * method's units in the account's {@link UnitBucket} (15,000 units/user/minute, local: one account syncs on one
 * replica at a time), then in the project budget shared by every replica through PostgreSQL
 * ({@link SharedQuota}, 1,200,000 units/minute).
 */
@ApplicationScoped
public class QuotaPacer {

    private final GoogleSyncConfig.Pacing config;
    private final SyncMetrics metrics;
    private final GoogleSyncConfig.Calendar calendarConfig;
    private final ConcurrentMap<String, UnitBucket> buckets = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, UnitBucket> calendarBuckets = new ConcurrentHashMap<>();

    /** Null when project pacing is off ({@code project-units-per-minute} 0). */
    private final SharedQuota project;

    @jakarta.inject.Inject
    public QuotaPacer(GoogleSyncConfig config, SyncMetrics metrics, io.agroal.api.AgroalDataSource dataSource) {
        this(config, metrics, config.pacing().projectUnitsPerMinute() <= 0 ? null
                : new SharedQuota(dataSource, "gmail_project", config.pacing().projectUnitsPerMinute(),
                        java.time.Duration.ofMinutes(1), config.pacing().projectWindow(),
                        config.pacing().projectSliceUnits(), metrics::projectQuotaLease));
    }

    /** @param project the shared project budget, or null for per-user pacing only */
    public QuotaPacer(GoogleSyncConfig config, SyncMetrics metrics, SharedQuota project) {
        this.config = config.pacing();
        this.calendarConfig = config.calendar();
        this.metrics = metrics;
        this.project = project;
    }

    /** Blocks (a virtual thread parks cheaply) until {@code accountId} may spend the units of {@code method}. */
    public void acquire(String accountId, GmailMethod method) throws InterruptedException {
        UnitBucket bucket = buckets.computeIfAbsent(accountId,
                id -> new UnitBucket(config.userUnitsPerMinute(), config.burstUnits(), System.nanoTime()));
        park(bucket.reserve(method.units(), System.nanoTime()));
        if (project != null) {
            project.acquire(method.units());
        }
        metrics.quotaUnits(method);
    }

    /** Calendar calls of {@code accountId}: one request from the account's Calendar bucket (separate from Gmail's). */
    public void acquireCalendar(String accountId) throws InterruptedException {
        UnitBucket bucket = calendarBuckets.computeIfAbsent(accountId,
                id -> new UnitBucket(calendarConfig.requestsPerMinute(), calendarConfig.burstRequests(), System.nanoTime()));
        park(bucket.reserve(1, System.nanoTime()));
    }

    private static void park(long waitNanos) throws InterruptedException {
        if (waitNanos > 0) {
            long deadline = System.nanoTime() + waitNanos;
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while pacing Google calls");
                }
            }
        }
    }

    /** Forgets an account's bucket when its job ends (memory stays flat in the number of accounts synced). */
    public void forget(String accountId) {
        buckets.remove(accountId);
        calendarBuckets.remove(accountId);
    }
}

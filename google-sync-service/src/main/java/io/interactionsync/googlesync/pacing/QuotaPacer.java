package io.interactionsync.googlesync.pacing;

import io.interactionsync.googlesync.client.gmail.GmailMethod;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Per-user pacing to Gmail's 15,000 units/user/minute: one {@link UnitBucket} per account, each call waits
 * for its method's units before it is sent, so normally no rate-limit error is provoked. (Project-wide
 * pacing across replicas is not done yet.)
 */
@ApplicationScoped
public class QuotaPacer {

    private final GoogleSyncConfig.Pacing config;
    private final SyncMetrics metrics;
    private final GoogleSyncConfig.Calendar calendarConfig;
    private final ConcurrentMap<String, UnitBucket> buckets = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, UnitBucket> calendarBuckets = new ConcurrentHashMap<>();

    public QuotaPacer(GoogleSyncConfig config, SyncMetrics metrics) {
        this.config = config.pacing();
        this.calendarConfig = config.calendar();
        this.metrics = metrics;
    }

    /** Blocks (a virtual thread parks cheaply) until {@code accountId} may spend the units of {@code method}. */
    public void acquire(String accountId, GmailMethod method) throws InterruptedException {
        UnitBucket bucket = buckets.computeIfAbsent(accountId,
                id -> new UnitBucket(config.userUnitsPerMinute(), config.burstUnits(), System.nanoTime()));
        park(bucket.reserve(method.units(), System.nanoTime()));
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

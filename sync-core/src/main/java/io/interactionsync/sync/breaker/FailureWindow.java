package io.interactionsync.sync.breaker;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The calls of the last {@code window} (a ring of time buckets, so memory does not grow with the call rate) and the
 * decision a provider-wide failure trips the breaker on: at least {@code minimumCalls} calls in the window, a failure
 * ratio of at least {@code failureRatio}, and failures from at least {@code minimumAccounts} distinct accounts — so
 * one account's slow or failing mailbox, however many calls it makes, never decides for everyone.
 */
final class FailureWindow {

    static final int BUCKETS = 20;

    private final long bucketMillis;
    private final int minimumCalls;
    private final double failureRatio;
    private final int minimumAccounts;
    private final LongSupplier millis;
    private final Bucket[] buckets = new Bucket[BUCKETS];

    FailureWindow(Duration window, int minimumCalls, double failureRatio, int minimumAccounts, LongSupplier millis) {
        if (window.toMillis() < BUCKETS || minimumCalls < 1 || failureRatio <= 0 || failureRatio > 1 || minimumAccounts < 1) {
            throw new IllegalArgumentException("circuit breaker window ≥ " + BUCKETS + " ms, minimum calls ≥ 1, "
                    + "0 < failure ratio ≤ 1, minimum accounts ≥ 1");
        }
        this.bucketMillis = window.toMillis() / BUCKETS;
        this.minimumCalls = minimumCalls;
        this.failureRatio = failureRatio;
        this.minimumAccounts = minimumAccounts;
        this.millis = millis;
        for (int i = 0; i < BUCKETS; i++) {
            buckets[i] = new Bucket();
        }
    }

    /** A call the provider answered (a value, or a failure of this account alone: 401, 404, per-user 429 …). */
    synchronized void recordAnswered() {
        current().calls++;
    }

    /**
     * A provider-wide failure (5xx, timeout, project-level throttling) of {@code account}'s call.
     *
     * @return whether the window now says the provider is failing for everyone
     */
    synchronized boolean recordFailure(String account) {
        Bucket bucket = current();
        bucket.calls++;
        bucket.failuresByAccount.merge(account, 1, Integer::sum);
        return tripped();
    }

    /** Forgets everything: the breaker closed after its probes, or was reset. */
    synchronized void clear() {
        for (Bucket b : buckets) {
            b.reset(Long.MIN_VALUE);
        }
    }

    private boolean tripped() {
        long now = epoch();
        int calls = 0;
        int failures = 0;
        Set<String> accounts = new HashSet<>();
        for (Bucket b : buckets) {
            if (b.epoch > now - BUCKETS) {
                calls += b.calls;
                for (Map.Entry<String, Integer> e : b.failuresByAccount.entrySet()) {
                    failures += e.getValue();
                    accounts.add(e.getKey());
                }
            }
        }
        return calls >= minimumCalls && failures >= failureRatio * calls && accounts.size() >= minimumAccounts;
    }

    private long epoch() {
        return Math.floorDiv(millis.getAsLong(), bucketMillis);
    }

    private Bucket current() {
        long now = epoch();
        Bucket b = buckets[(int) Math.floorMod(now, (long) BUCKETS)];
        if (b.epoch != now) {
            b.reset(now);
        }
        return b;
    }

    private static final class Bucket {
        long epoch = Long.MIN_VALUE;
        int calls;
        final Map<String, Integer> failuresByAccount = new HashMap<>();

        void reset(long epoch) {
            this.epoch = epoch;
            calls = 0;
            failuresByAccount.clear();
        }
    }
}

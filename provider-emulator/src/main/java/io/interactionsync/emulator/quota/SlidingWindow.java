package io.interactionsync.emulator.quota;

/** Units spent in the last 60 seconds, in one-second buckets. Thread-safe. */
final class SlidingWindow {

    private final long[] units = new long[60];
    private final long[] second = new long[60];
    /** The most units any 60 s window held (checked at each addition). */
    private long peak;

    /** Adds {@code cost} if the total of the last minute stays within {@code limit}; false (nothing added) otherwise. */
    synchronized boolean tryAdd(long cost, long limit, long nowMillis) {
        long now = nowMillis / 1000;
        long total = 0;
        for (int i = 0; i < 60; i++) {
            if (now - second[i] < 60) {
                total += units[i];
            }
        }
        if (total + cost > limit) {
            return false;
        }
        int slot = (int) (now % 60);
        if (second[slot] != now) {
            second[slot] = now;
            units[slot] = 0;
        }
        units[slot] += cost;
        peak = Math.max(peak, total + cost);
        return true;
    }

    /** The most units the last 60 s held at any addition so far. */
    synchronized long peak() {
        return peak;
    }

    /** When enough of the window has expired to afford {@code cost} (epoch ms). */
    synchronized long retryAfterMillis(long cost, long limit, long nowMillis) {
        long now = nowMillis / 1000;
        for (long t = now; t < now + 61; t++) {
            long total = 0;
            for (int i = 0; i < 60; i++) {
                if (t - second[i] < 60) {
                    total += units[i];
                }
            }
            if (total + cost <= limit) {
                return t * 1000;
            }
        }
        return (now + 60) * 1000;
    }
}

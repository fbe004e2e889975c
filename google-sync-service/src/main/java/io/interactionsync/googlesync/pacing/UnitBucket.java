package io.interactionsync.googlesync.pacing;

/**
 * A token bucket in quota units. Refills at {@code (unitsPerMinute - burst) / 60} units per second and
 * holds at most {@code burst}, so no 60-second window ever lets more than {@code unitsPerMinute} through.
 * Callers reserve units and sleep for the returned time (reservations queue fairly; the balance may go
 * negative).
 */
public final class UnitBucket {

    private final double capacity;
    private final double unitsPerNano;
    private double available;
    private long lastRefill;

    public UnitBucket(int unitsPerMinute, int burst, long nowNanos) {
        if (burst >= unitsPerMinute) {
            throw new IllegalArgumentException("burst must be below the per-minute budget");
        }
        this.capacity = burst;
        this.unitsPerNano = (unitsPerMinute - burst) / 60e9;
        this.available = burst;
        this.lastRefill = nowNanos;
    }

    /** Takes {@code units}; returns how many nanoseconds the caller must wait before using them. */
    public synchronized long reserve(int units, long nowNanos) {
        available = Math.min(capacity, available + (nowNanos - lastRefill) * unitsPerNano);
        lastRefill = nowNanos;
        available -= units;
        return available >= 0 ? 0 : (long) Math.ceil(-available / unitsPerNano);
    }
}

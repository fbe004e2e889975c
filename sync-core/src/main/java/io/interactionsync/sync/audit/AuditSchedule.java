package io.interactionsync.sync.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * When the daily completeness audit of an account falls due. Every account has its own slot in the day (UTC):
 * {@code audit.window-start} plus a stable offset within {@code audit.window}, taken from a hash of the account id, so
 * the same on every replica and after every restart. A source is due once its account's latest slot has passed since
 * its last audit: its first run after the slot audits it (the push safety net runs every source at least every
 * {@code push.poll-every}). The audits of many accounts are spread over the window instead of all following the
 * connector's 06:00 fan-out, and no source goes more than a day (plus one poll) without one. An audit at another time
 * (after a backfill, on request) does not move the slot: the next slot audits again.
 */
public final class AuditSchedule {

    private static final Duration DAY = Duration.ofDays(1);

    private final Duration windowStart;
    private final long windowMillis;

    public AuditSchedule(LocalTime windowStart, Duration window) {
        if (window.compareTo(Duration.ofMillis(1)) < 0 || window.compareTo(DAY) > 0) {
            throw new IllegalArgumentException("audit.window must be between 1 ms and 24 h, not " + window);
        }
        this.windowStart = Duration.ofNanos(windowStart.toNanoOfDay());
        this.windowMillis = window.toMillis();
    }

    /** The account's offset into the window: a hash of its id (SHA-256, so that similar ids spread as well). */
    Duration offset(String key) {
        byte[] digest = sha256().digest(key.getBytes(StandardCharsets.UTF_8));
        long hash = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            hash = (hash << 8) | (digest[i] & 0xff);
        }
        return Duration.ofMillis(Math.floorMod(hash, windowMillis));
    }

    /** The account's latest slot at or before {@code now}. */
    public Instant slotBefore(String key, Instant now) {
        Instant slot = now.truncatedTo(ChronoUnit.DAYS).plus(windowStart).plus(offset(key));
        while (slot.isAfter(now)) { // at most twice: window-start + offset < 48 h
            slot = slot.minus(DAY);
        }
        return slot;
    }

    /** Due when never audited, or not since the account's latest slot. */
    public boolean due(String key, Optional<Instant> lastAudit, Instant now) {
        return lastAudit.map(last -> last.isBefore(slotBefore(key, now))).orElse(true);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

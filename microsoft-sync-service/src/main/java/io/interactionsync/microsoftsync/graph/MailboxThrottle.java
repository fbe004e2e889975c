package io.interactionsync.microsoftsync.graph;

import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.sync.RetryLaterException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Outlook's limits per app and mailbox, kept on this replica (a mailbox is read by one job at a time): at most
 * N requests in flight, at most M requests in any sliding window, and a pause after 429/503 until the
 * Retry-After given (capped) — only that mailbox waits. Waits longer than the inline limit end the step
 * ({@link RetryLaterException}) so the job is rescheduled instead of holding a worker.
 */
@ApplicationScoped
public class MailboxThrottle {

    private final MicrosoftSyncConfig config;
    private final Clock clock = Clock.systemUTC();
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();

    public MailboxThrottle(MicrosoftSyncConfig config) {
        this.config = config;
    }

    private final class Lane {
        final Semaphore inFlight = new Semaphore(config.throttle().concurrentPerMailbox(), true);
        final ArrayDeque<Instant> sent = new ArrayDeque<>();
        volatile Instant pausedUntil = Instant.EPOCH;
    }

    /** A granted request slot; {@link #close()} when the response arrived. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /** Waits for a slot of {@code mailbox}: its pause, its window budget, its concurrency. */
    public Permit acquire(String mailbox) throws InterruptedException {
        Lane lane = lanes.computeIfAbsent(key(mailbox), k -> new Lane());
        lane.inFlight.acquire();
        boolean granted = false;
        try {
            awaitPause(lane, mailbox);
            awaitBudget(lane, mailbox);
            granted = true;
            return lane.inFlight::release;
        } finally {
            if (!granted) {
                lane.inFlight.release();
            }
        }
    }

    /**
     * Graph said to wait ({@code 429}/{@code 503} with Retry-After): no request to this mailbox before {@code until}
     * (capped at the configured maximum). Returns the pause end applied.
     */
    public Instant pause(String mailbox, Instant until) {
        Lane lane = lanes.computeIfAbsent(key(mailbox), k -> new Lane());
        Instant cap = clock.instant().plus(config.throttle().maxRetryAfter());
        Instant end = until.isAfter(cap) ? cap : until;
        synchronized (lane) {
            if (end.isAfter(lane.pausedUntil)) {
                lane.pausedUntil = end;
            }
            return lane.pausedUntil;
        }
    }

    /** When the mailbox may be called again (EPOCH when not paused). */
    public Instant pausedUntil(String mailbox) {
        Lane lane = lanes.get(key(mailbox));
        return lane == null ? Instant.EPOCH : lane.pausedUntil;
    }

    private void awaitPause(Lane lane, String mailbox) throws InterruptedException {
        while (true) {
            Duration wait = Duration.between(clock.instant(), lane.pausedUntil);
            if (wait.isNegative() || wait.isZero()) {
                return;
            }
            if (wait.compareTo(config.retry().maxInlineWait()) > 0) {
                throw new RetryLaterException("mailbox " + mailbox + " is throttled until " + lane.pausedUntil, lane.pausedUntil);
            }
            Thread.sleep(wait.toMillis() + 1);
        }
    }

    private void awaitBudget(Lane lane, String mailbox) throws InterruptedException {
        Duration window = config.throttle().window();
        int limit = config.throttle().requestsPerWindow();
        while (true) {
            Instant now = clock.instant();
            Instant freeAt;
            synchronized (lane.sent) {
                while (!lane.sent.isEmpty() && !lane.sent.peekFirst().plus(window).isAfter(now)) {
                    lane.sent.pollFirst();
                }
                if (lane.sent.size() < limit) {
                    lane.sent.addLast(now);
                    return;
                }
                freeAt = lane.sent.peekFirst().plus(window);
            }
            Duration wait = Duration.between(now, freeAt);
            if (wait.compareTo(config.retry().maxInlineWait()) > 0) {
                throw new RetryLaterException("mailbox " + mailbox + " used its request budget; next slot at " + freeAt, freeAt);
            }
            Thread.sleep(Math.max(1, wait.toMillis()));
        }
    }

    private static String key(String mailbox) {
        return mailbox.toLowerCase(Locale.ROOT);
    }
}

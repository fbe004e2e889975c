package io.interactionsync.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The wait before the next attempt of one provider call (every gateway of a service uses it):
 * the provider's retry time when it gave one (plus jitter), else exponential backoff with jitter. Waits
 * too long to hold a worker, and exhausted attempts, hand the job back to the queue instead.
 */
public final class RetryBackoff {

    private RetryBackoff() {
    }

    /**
     * Sleeps until the next attempt and returns how long it slept.
     *
     * @throws RetryLaterException when attempts are used up or the wait exceeds the inline limit
     */
    public static Duration awaitNextAttempt(SyncSettings config, Clock clock, int attempt, Instant retryAt,
                                            String why) throws InterruptedException {
        SyncSettings.Retry retry = config.retry();
        Instant now = clock.instant();
        if (attempt >= retry.maxAttempts()) {
            throw new RetryLaterException(why + " after " + attempt + " attempts",
                    retryAt != null && retryAt.isAfter(now) ? retryAt : now.plus(config.worker().retryDelay()));
        }
        Duration wait;
        if (retryAt != null) {
            wait = Duration.between(now, retryAt);
            wait = (wait.isNegative() ? Duration.ZERO : wait).plusMillis(ThreadLocalRandom.current().nextLong(250));
        } else {
            long base = Math.min(retry.maxBackoff().toMillis(), retry.initialBackoff().toMillis() << Math.min(attempt - 1, 20));
            wait = Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
        }
        if (wait.compareTo(retry.maxInlineWait()) > 0) {
            throw new RetryLaterException(why + "; retry at " + retryAt, now.plus(wait));
        }
        Thread.sleep(wait);
        return wait;
    }
}

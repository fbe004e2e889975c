package io.interactionsync.relationship.listener;

import io.quarkus.logging.Log;
import java.time.Duration;

/**
 * A batch whose transaction failed (database restarting, a serialization conflict) is tried again a few times with
 * a growing pause before the channel fails (then liveness reports it and the pod restarts, resuming from the last
 * committed offset). Writes are idempotent by event id, so a retry never double-counts.
 */
final class Retries {

    static final int ATTEMPTS = 4;
    static final Duration FIRST_PAUSE = Duration.ofMillis(500);

    private Retries() {
    }

    static void run(String what, Runnable work) {
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                work.run();
                return;
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                Log.warnf("%s failed (attempt %d of %d), retrying in %d ms: %s", what, attempt, ATTEMPTS,
                        pause.toMillis(), io.interactionsync.model.LogSafe.redact(e.getMessage()));
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = pause.multipliedBy(2);
            }
        }
    }
}

package io.interactionsync.sync;

import java.time.Instant;

/** How one run of a job ended (Debezium's snapshot result, widened to the job). */
public sealed interface JobResult {

    /** Every requested source is done for now. */
    record Completed() implements JobResult {
    }

    /** Transient trouble (provider, connector, Kafka, circuit open): run again at {@code notBefore}. */
    record RetryLater(Instant notBefore, String reason) implements JobResult {
    }

    /** Nothing to do until something changes (reauth, account gone, source failed). */
    record Failed(String reason) implements JobResult {
    }

    /** The lease was lost to another replica mid-run: leave the job alone. */
    record Aborted() implements JobResult {
    }

    /** This replica is shutting down: back to pending, resumed from the saved cursor. */
    record Stopped() implements JobResult {
    }
}

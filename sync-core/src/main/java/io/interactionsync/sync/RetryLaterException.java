package io.interactionsync.sync;

import java.time.Instant;

/** The step cannot complete now (provider unavailable, circuit open, long throttling): reschedule the job. */
public class RetryLaterException extends RuntimeException {

    private final Instant notBefore;

    public RetryLaterException(String message, Instant notBefore) {
        super(message);
        this.notBefore = notBefore;
    }

    public RetryLaterException(String message, Instant notBefore, Throwable cause) {
        super(message, cause);
        this.notBefore = notBefore;
    }

    public Instant notBefore() {
        return notBefore;
    }
}

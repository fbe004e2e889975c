package io.interactionsync.googlesync.client.gmail;

import java.time.Instant;

/**
 * A failure that concerns every user of the project: 5xx, timeouts and connection errors, project-level
 * throttling. Only these count for the {@code google_gmail_metadata} circuit breaker.
 */
public class ProviderWideFailure extends RuntimeException {

    private final int status;
    private final boolean rateLimited;
    private final Instant retryAt;

    public ProviderWideFailure(String message, int status, boolean rateLimited, Instant retryAt, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.rateLimited = rateLimited;
        this.retryAt = retryAt;
    }

    /** HTTP status, or 0 for timeouts and connection errors. */
    public int status() {
        return status;
    }

    public boolean rateLimited() {
        return rateLimited;
    }

    public Instant retryAt() {
        return retryAt;
    }
}

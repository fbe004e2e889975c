package io.interactionsync.microsoftsync.graph;

import java.time.Instant;

/**
 * A failure that concerns every mailbox: 5xx (incl. 503), timeouts and connection errors. Only these count for the
 * {@code ms_graph_mail} / {@code ms_graph_calendar} circuit breakers; one mailbox's 401, 403, 404 or 429 never do.
 */
public class ProviderWideFailure extends RuntimeException {

    private final int status;
    private final Instant retryAt;

    public ProviderWideFailure(String message, int status, Instant retryAt, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryAt = retryAt;
    }

    /** HTTP status, or 0 for timeouts and connection errors. */
    public int status() {
        return status;
    }

    /** From a Retry-After header, or null. */
    public Instant retryAt() {
        return retryAt;
    }
}

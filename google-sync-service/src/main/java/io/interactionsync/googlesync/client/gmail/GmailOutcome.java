package io.interactionsync.googlesync.client.gmail;

import java.time.Instant;

/**
 * The result of one Gmail call as the circuit breaker sees it: a value, or a failure that concerns one user
 * (401, 404, per-user throttling, forbidden). Per-user failures are returned, not thrown, so they never
 * trip the provider-wide breaker; provider-wide failures are thrown as {@link ProviderWideFailure}.
 */
public sealed interface GmailOutcome<T> {

    record Ok<T>(T value) implements GmailOutcome<T> {
    }

    /**
     * @param retryAt when Gmail said to retry ("Retry after …" in the message, or a Retry-After header), or null
     */
    record UserFailure<T>(Kind kind, int status, String reason, String message, Instant retryAt) implements GmailOutcome<T> {
    }

    enum Kind {
        /** 401: the access token was rejected. */
        UNAUTHORIZED,
        /** 404: the message is gone (or a history id expired). */
        NOT_FOUND,
        /** 403 userRateLimitExceeded / per-user rateLimitExceeded, 429 "for user". */
        USER_RATE_LIMITED,
        /** 403 forbidden, insufficient permissions, metadata scope violations. */
        FORBIDDEN,
        /** Other 4xx: a request this user's data cannot serve. */
        BAD_REQUEST
    }
}

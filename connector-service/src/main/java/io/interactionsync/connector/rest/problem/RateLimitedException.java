package io.interactionsync.connector.rest.problem;

import java.util.Map;

/** 429 {@code rate_limited}, answered with {@code Retry-After} (seconds) and the same figure as {@code retryAfter}. */
public class RateLimitedException extends ApiException {

    private final long retryAfterSeconds;

    public RateLimitedException(long retryAfterSeconds, String detail) {
        super(429, "rate_limited", detail, Map.of("retryAfter", retryAfterSeconds));
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

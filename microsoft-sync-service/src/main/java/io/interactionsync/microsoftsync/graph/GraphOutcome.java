package io.interactionsync.microsoftsync.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One Graph call as the circuit breaker sees it: the JSON body, or a failure of this mailbox/token (4xx incl. 429),
 * returned rather than thrown so it never trips the provider-wide breaker.
 */
public sealed interface GraphOutcome {

    record Ok(JsonNode body) implements GraphOutcome {
    }

    /** @param code Graph's {@code error.code} (e.g. ErrorAccessDenied, syncStateNotFound), or null */
    record Failed(int status, String code, String message, Instant retryAt) implements GraphOutcome {
    }
}

package io.interactionsync.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * Envelope v1 around one provider resource, exactly as the provider API returned it
 * ({@link Topics#RAW_RECORDS}, keyed by account id).
 *
 * @param mailbox       the mailbox or calendar read; the shared address when {@code sharedMailbox}
 * @param remoteId      the provider's id of the message or event
 * @param observedAt    when the sync service read it
 * @param syncRunId     the sync run that produced it (for tracing and replays)
 * @param payload       the provider resource; for {@code delete} it may carry only the id
 */
public record RawRecord(
        int schemaVersion,
        Source source,
        Op op,
        String accountId,
        String userId,
        String mailbox,
        boolean sharedMailbox,
        String remoteId,
        Instant observedAt,
        String syncRunId,
        JsonNode payload) {

    public static final int SCHEMA_VERSION = 1;

    public enum Op {
        @JsonProperty("upsert") UPSERT,
        @JsonProperty("delete") DELETE
    }
}

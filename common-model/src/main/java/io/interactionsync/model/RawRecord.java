package io.interactionsync.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * Envelope v1 around one provider resource, exactly as the provider API returned it
 * ({@link Topics#RAW_RECORDS}, keyed by account id).
 *
 * <p>A <em>sealed</em> record ({@link RawRecordSeal}) carries {@code sealed} instead of {@code mailbox} and
 * {@code payload}: both are encrypted with the data key of the account (or of the shared mailbox), which the connector
 * destroys when the account is purged — the record becomes unreadable wherever a copy of it lies (crypto-shredding).
 *
 * @param mailbox       the mailbox or calendar read; the shared address when {@code sharedMailbox}; null when sealed
 * @param remoteId      the provider's id of the message or event
 * @param observedAt    when the sync service read it
 * @param syncRunId     the sync run that produced it (for tracing and replays)
 * @param payload       the provider resource; for {@code delete} it may carry only the id; null when sealed
 * @param sealed        the encrypted {@code {mailbox, payload}}, or null for a plaintext record
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
        JsonNode payload,
        Sealed sealed) {

    public static final int SCHEMA_VERSION = 1;

    /** A plaintext record (no {@code sealed}). */
    public RawRecord(int schemaVersion, Source source, Op op, String accountId, String userId, String mailbox,
                     boolean sharedMailbox, String remoteId, Instant observedAt, String syncRunId, JsonNode payload) {
        this(schemaVersion, source, op, accountId, userId, mailbox, sharedMailbox, remoteId, observedAt, syncRunId,
                payload, null);
    }

    public enum Op {
        @JsonProperty("upsert") UPSERT,
        @JsonProperty("delete") DELETE
    }

    /**
     * The encrypted part of a sealed record (see {@link RawRecordSeal}).
     *
     * @param alg {@value RawRecordSeal#ALG}: AES-256-GCM, 128-bit tag
     * @param kid the data key's id at the connector ({@code GET /internal/v1/data-keys/{kid}})
     * @param iv  the 96-bit nonce, Base64
     * @param ct  ciphertext and tag of the JSON {@code {"mailbox": …, "payload": …}}, Base64
     */
    public record Sealed(String alg, String kid, String iv, String ct) {
    }
}

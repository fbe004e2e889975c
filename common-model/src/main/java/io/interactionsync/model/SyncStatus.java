package io.interactionsync.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Progress of one account × source ({@link Topics#SYNC_STATUS}), published by the sync services as
 * they go and aggregated by the connector.
 *
 * @param mailbox        for a shared mailbox: its address; otherwise null (the account's own)
 * @param fetched        resources read so far in the current run
 * @param estimatedTotal the provider's estimate of the total, when it gives one
 * @param lastSyncedAt   when the last complete run finished
 * @param lastError      a human-readable error, never containing a token
 * @param completeness   the last completeness audit of this source, when one ran; {@code synced} only when it found
 *                       nothing unresolved, otherwise the state is {@code incomplete}
 * @param push           push health of this source (its watch, channel or subscription), when the service pushes
 */
public record SyncStatus(
        int schemaVersion,
        String accountId,
        Source source,
        String mailbox,
        State state,
        long fetched,
        Long estimatedTotal,
        Instant lastSyncedAt,
        String lastError,
        Instant at,
        Completeness completeness,
        PushHealth push) {

    public static final int SCHEMA_VERSION = 1;

    /** A status without an audit result (progress, errors). */
    public SyncStatus(int schemaVersion, String accountId, Source source, String mailbox, State state, long fetched,
                      Long estimatedTotal, Instant lastSyncedAt, String lastError, Instant at) {
        this(schemaVersion, accountId, source, mailbox, state, fetched, estimatedTotal, lastSyncedAt, lastError, at, null);
    }

    /** A status without push health. */
    public SyncStatus(int schemaVersion, String accountId, Source source, String mailbox, State state, long fetched,
                      Long estimatedTotal, Instant lastSyncedAt, String lastError, Instant at, Completeness completeness) {
        this(schemaVersion, accountId, source, mailbox, state, fetched, estimatedTotal, lastSyncedAt, lastError, at,
                completeness, null);
    }

    public enum State {
        @JsonProperty("pending") PENDING,
        @JsonProperty("syncing") SYNCING,
        @JsonProperty("synced") SYNCED,
        /** Caught up, but the last completeness audit left gaps it could not repair ({@code lastError} says which). */
        @JsonProperty("incomplete") INCOMPLETE,
        @JsonProperty("error") ERROR,
        @JsonProperty("reauth_required") REAUTH_REQUIRED,
        @JsonProperty("access_denied") ACCESS_DENIED
    }
}

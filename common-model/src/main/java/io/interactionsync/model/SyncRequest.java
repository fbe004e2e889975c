package io.interactionsync.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * A work order for a sync service on {@link Topics#SYNC_REQUESTS}, keyed by account id so that one
 * account's requests are handled by one consumer at a time.
 *
 * @param audit also run the completeness audit of the requested sources after the sync (on demand, {@code POST
 *              /api/v1/accounts/{id}/audit}); a backfill is always followed by one, and the sync services audit every
 *              account daily on their own
 */
public record SyncRequest(
        int schemaVersion,
        String accountId,
        Provider provider,
        List<Source> sources,
        Mode mode,
        Reason reason,
        Instant requestedAt,
        Boolean audit) {

    public static final int SCHEMA_VERSION = 1;

    /** A request without an audit. */
    public SyncRequest(int schemaVersion, String accountId, Provider provider, List<Source> sources, Mode mode,
                       Reason reason, Instant requestedAt) {
        this(schemaVersion, accountId, provider, sources, mode, reason, requestedAt, null);
    }

    /** Whether the completeness audit was asked for (absent = no). */
    public boolean auditRequested() {
        return Boolean.TRUE.equals(audit);
    }

    public enum Mode {
        /** Backfill if there is no cursor yet, else incremental. */
        @JsonProperty("auto") AUTO,
        /** Drop cursors and backfill again. */
        @JsonProperty("full") FULL,
        /** Only from the stored cursor. */
        @JsonProperty("incremental") INCREMENTAL
    }

    public enum Reason {
        @JsonProperty("connect") CONNECT,
        @JsonProperty("schedule") SCHEDULE,
        @JsonProperty("manual") MANUAL,
        @JsonProperty("push") PUSH,
        @JsonProperty("resync") RESYNC
    }

    public static SyncRequest of(String accountId, Provider provider, List<Source> sources, Mode mode,
                                 Reason reason, Instant requestedAt) {
        return new SyncRequest(SCHEMA_VERSION, accountId, provider, sources, mode, reason, requestedAt);
    }

    /** The same request, asking for the completeness audit too. */
    public SyncRequest withAudit() {
        return new SyncRequest(schemaVersion, accountId, provider, sources, mode, reason, requestedAt, true);
    }
}

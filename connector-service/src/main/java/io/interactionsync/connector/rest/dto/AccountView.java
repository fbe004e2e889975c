package io.interactionsync.connector.rest.dto;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Account JSON (SPEC §3.3). Never carries a token. */
public record AccountView(String id, String provider, String email, List<String> scopes,
                          Map<String, SourceView> sources, String syncStatus, List<String> sharedMailboxes,
                          Instant createdAt) {

    /** One source of an account; {@code state} is {@code disabled} when the source is not enabled. */
    public record SourceView(boolean enabled, String state, long fetched, Long estimatedTotal, Instant lastSyncedAt,
                             String lastError) {
    }
}

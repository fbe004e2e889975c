package io.interactionsync.connector.rest.dto;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Optional body of {@code POST /api/v1/accounts/{id}/sync}; absent (or without {@code mode}) means {@code auto}. */
public record SyncModeRequest(
        @Schema(enumeration = {"auto", "full"}, defaultValue = "auto",
                description = "auto: backfill where there is no cursor yet, else incremental; full: drop every "
                        + "enabled source's cursors and backfill again (a resync)")
        String mode) {
}

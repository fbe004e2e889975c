package io.interactionsync.connector.rest.dto;

import java.time.Instant;
import java.util.List;

/**
 * Answer to a manual sync or audit request (202).
 *
 * @param mode the mode requested of the sync services: {@code auto} (backfill where there is no cursor yet, else
 *             incremental) or {@code full} (drop the cursors and backfill every source again)
 */
public record SyncAccepted(String accountId, String mode, List<String> sources, Instant requestedAt) {
}

package io.interactionsync.connector.rest.dto;

import java.time.Instant;
import java.util.List;

/** Answer to a manual sync request (202). */
public record SyncAccepted(String accountId, List<String> sources, Instant requestedAt) {
}

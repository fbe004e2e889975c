package io.interactionsync.connector.rest.dto;

import java.time.Instant;
import java.util.List;

/**
 * A stored blocklist: {@code scope} {@code user} (the caller's own) or {@code collection} (with {@code collectionId});
 * {@code entries} normalised (lower-case, duplicates dropped, in the order given); {@code updatedAt} null while none
 * was ever stored.
 */
public record BlocklistView(String scope, String collectionId, List<String> entries, Instant updatedAt) {
}

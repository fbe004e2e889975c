package io.interactionsync.connector.rest.dto;

import java.time.Instant;

/**
 * A collection's retention policy; {@code defaults: true} when the collection has none of its own and the global
 * defaults ({@code connector.retention.*}) are shown ({@code updatedAt} null).
 */
public record RetentionView(String collectionId, String onDisconnect, Integer eventMonths, boolean defaults,
                            Instant updatedAt) {
}

package io.interactionsync.relationship.repository;

import java.time.Instant;
import java.util.UUID;

/** A live event as stored: its weight before decay and its anchored (forward-decayed) contribution. */
public record EventRow(UUID eventId, String userId, String accountId, String contactEmail, String contactName,
                       String kind, String direction, String role, String bucket, double weight, double anchored,
                       Instant occurredAt, String dedupKey, String source, String threadId, String internetMessageId) {
}

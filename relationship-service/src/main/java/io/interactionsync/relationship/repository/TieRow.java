package io.interactionsync.relationship.repository;

import java.time.Instant;

/**
 * A tie as stored (anchored sums) with its effective ordering key at the query's time: the score key, or for a capped
 * tie (no two-way email, no meeting) at most the key at which the cap is reached.
 */
public record TieRow(String userId, String contactEmail, String contactName, double outSum, double inSum,
                     double meetSum, double scoreKey, boolean uncapped, int emailsSent, int emailsReceived,
                     int meetings, Instant lastInteractionAt, double effectiveKey) {
}

package io.interactionsync.relationship.repository;

/** One member × contact: the unit a change recomputes. */
public record TiePair(String userId, String contactEmail) {
}

package io.interactionsync.connector.rest.dto;

import java.time.Instant;

/** A shared mailbox of a Microsoft account. */
public record SharedMailboxView(String address, Instant addedAt) {
}

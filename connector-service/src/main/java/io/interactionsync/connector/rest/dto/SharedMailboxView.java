package io.interactionsync.connector.rest.dto;

import java.time.Instant;

/**
 * A shared mailbox of a Microsoft account and the state of this account's subscription ({@code active},
 * {@code access_denied}, {@code suspended}).
 */
public record SharedMailboxView(String address, Instant addedAt, String state) {
}

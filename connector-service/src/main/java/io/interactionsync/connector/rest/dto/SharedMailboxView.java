package io.interactionsync.connector.rest.dto;

import io.interactionsync.connector.rest.dto.AccountView.CompletenessView;
import io.interactionsync.connector.rest.dto.AccountView.PushView;
import java.time.Instant;

/**
 * A shared mailbox an account subscribes to: one entry in the Account JSON's {@code sharedMailboxes[]} and in
 * {@code GET|POST /api/v1/microsoft-accounts/{id}/shared-mailboxes} alike, so the two never disagree.
 *
 * @param state        the one state a person reads: {@code access_denied} or {@code suspended} while the subscription
 *                     is in that state, else the mailbox's sync state ({@code pending} until its first report,
 *                     {@code syncing}, {@code synced}, {@code incomplete}, {@code error}, or this account's own refusal
 *                     {@code access_denied} / {@code reauth_required}; {@code disabled} while outlook_mail is off)
 * @param subscription the subscription's state: {@code active} (its mail is attributed to this user),
 *                     {@code access_denied} (Exchange refused this account's access at the last check),
 *                     {@code suspended} (the account is reauth_required or disconnected)
 */
public record SharedMailboxView(String address, Instant addedAt, String state, String subscription,
                                Instant lastSyncedAt, String lastError, CompletenessView completeness, PushView push) {
}

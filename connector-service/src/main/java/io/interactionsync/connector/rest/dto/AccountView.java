package io.interactionsync.connector.rest.dto;

import io.interactionsync.model.Completeness;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Account JSON (SPEC §3.3). Never carries a token. */
public record AccountView(String id, String provider, String email, List<String> scopes,
                         Map<String, SourceView> sources, String syncStatus, List<SharedMailboxStatus> sharedMailboxes,
                         Instant createdAt) {

    /**
     * One source of an account; {@code state} is {@code disabled} when the source is not enabled, {@code incomplete}
     * when its last completeness audit left gaps ({@code lastError} says which).
     */
    public record SourceView(boolean enabled, String state, long fetched, Long estimatedTotal, Instant lastSyncedAt,
                             String lastError, CompletenessView completeness) {
    }

    /**
     * A shared mailbox the account subscribes to (SPEC §3.3 {@code sharedMailboxes[]}). {@code state} is the
     * subscription's: {@code active} (its mail is attributed to this user), {@code access_denied} (Exchange refused this
     * account's access at the last check), {@code suspended} (the account is reauth_required or disconnected).
     * {@code syncState} is the mailbox's last sync report ({@code pending}, {@code syncing}, {@code synced},
     * {@code incomplete}, {@code error}, {@code access_denied}; {@code disabled} while outlook_mail is off), with its
     * {@code lastSyncedAt}, {@code lastError} and {@code completeness}.
     */
    public record SharedMailboxStatus(String address, String state, String syncState, Instant lastSyncedAt,
                                      String lastError, CompletenessView completeness) {
    }

    /** The last completeness audit of a source; null until one was reported. */
    public record CompletenessView(Instant checkedAt, long providerCount, long ingestedCount, long missing,
                                   long repaired) {

        public static CompletenessView of(Completeness c) {
            return c == null ? null : new CompletenessView(c.checkedAt(), c.providerCount(), c.ingestedCount(),
                    c.missing(), c.repaired());
        }
    }
}

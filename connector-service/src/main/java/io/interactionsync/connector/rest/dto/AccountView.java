package io.interactionsync.connector.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.interactionsync.connector.SourceSyncStatus;
import io.interactionsync.model.Completeness;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Account JSON (SPEC §3.3). Never carries a token. {@code retention} (beyond SPEC): what a disconnect of this account
 * would do with its data and how long its events are kept — the policy of the owner's teams, or the defaults.
 */
public record AccountView(String id, String provider, String email, List<String> scopes,
                         Map<String, SourceView> sources, String syncStatus, List<SharedMailboxView> sharedMailboxes,
                         Instant createdAt, @JsonInclude(JsonInclude.Include.NON_NULL) RetentionInfo retention) {

    public AccountView(String id, String provider, String email, List<String> scopes, Map<String, SourceView> sources,
                       String syncStatus, List<SharedMailboxView> sharedMailboxes, Instant createdAt) {
        this(id, provider, email, scopes, sources, syncStatus, sharedMailboxes, createdAt, null);
    }

    public AccountView withRetention(RetentionInfo info) {
        return new AccountView(id, provider, email, scopes, sources, syncStatus, sharedMailboxes, createdAt, info);
    }

    /**
     * The retention that applies to the account: {@code onDisconnect} ({@code purge}|{@code keep}: what {@code DELETE}
     * without {@code ?purge=} does), {@code eventMonths} (null: no window), {@code policy} ({@code team}|{@code default})
     * and the team {@code collections} that set it.
     */
    public record RetentionInfo(String onDisconnect, Integer eventMonths, String policy, List<String> collections) {
    }

    /**
     * One source of an account; {@code state} is {@code disabled} when the source is not enabled, {@code incomplete}
     * when its last completeness audit left gaps ({@code lastError} says which).
     */
    public record SourceView(boolean enabled, String state, long fetched, Long estimatedTotal, Instant lastSyncedAt,
                             String lastError, CompletenessView completeness, PushView push) {
    }

    /**
     * Push health of a source (SPEC §3.3 {@code push}): {@code state} {@code pending} (not set up yet), {@code active},
     * {@code silent} (valid but not heard from for longer than expected), {@code expired}, {@code failed}
     * ({@code lastError} says why), {@code stopped} or {@code off}; anything but {@code active} makes the safety-net poll
     * run more often. Null until the sync service reported it.
     */
    public record PushView(String state, Instant expiresAt, Instant lastNotificationAt, String lastError) {

        public static PushView of(SourceSyncStatus s) {
            return s == null || s.pushState == null ? null
                    : new PushView(s.pushState, s.pushExpiresAt, s.pushLastNotificationAt, s.pushLastError);
        }
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

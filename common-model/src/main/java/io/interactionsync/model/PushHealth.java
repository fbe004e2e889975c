package io.interactionsync.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Push health of one account × source (× shared mailbox): whether provider notifications (Gmail watch, Calendar
 * channel, Graph subscription) keep this source fresh, or whether the safety-net poll has to. Carried by
 * {@link SyncStatus#push()} and shown in the account JSON as {@code sources.<source>.push}.
 *
 * @param state              see {@link State}
 * @param expiresAt          when the provider stops notifying unless the channel is renewed
 * @param lastNotificationAt the last authenticated notification received for it
 * @param lastError          why the channel could not be created or renewed (never a secret), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PushHealth(State state, Instant expiresAt, Instant lastNotificationAt, String lastError) {

    public enum State {
        /** Not set up yet (the backfill runs first). */
        @JsonProperty("pending") PENDING,
        /** Notifications are expected: the channel is valid and was heard from recently enough. */
        @JsonProperty("active") ACTIVE,
        /** Valid, but nothing was heard for longer than expected: polled more often until a notification arrives. */
        @JsonProperty("silent") SILENT,
        /** Its lifetime ran out before a renewal succeeded: polled more often. */
        @JsonProperty("expired") EXPIRED,
        /** Creation or renewal failed ({@code lastError}): polled more often, retried. */
        @JsonProperty("failed") FAILED,
        /** Stopped (disconnect, access lost). */
        @JsonProperty("stopped") STOPPED,
        /** Push is switched off for this service: the source is polled. */
        @JsonProperty("off") OFF;

        /** Whether notifications can be relied on, so that only the slow safety-net poll runs. */
        public boolean healthy() {
            return this == ACTIVE;
        }
    }
}

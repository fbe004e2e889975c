package io.interactionsync.sync.push;

import io.interactionsync.model.PushHealth;
import io.interactionsync.model.Source;
import java.time.Duration;
import java.time.Instant;

/**
 * One push channel of an account × source × mailbox: a Gmail watch, a Calendar {@code events.watch} channel or a Graph
 * subscription (row of {@code push_channels}). The secret a notification must carry (channel token, clientState) is
 * kept only as its hash.
 *
 * @param mailbox    a shared mailbox's address, or {@code ""} for the account's own
 * @param channelId  the provider's channel / subscription id (Gmail: {@code gmail:<accountId>}, a watch has no id)
 * @param resourceId Calendar's resourceId, Graph's resource path, Gmail: the mailbox address (lower case)
 * @param renewAt    when the account's job renews it (before {@code expiresAt})
 * @param checkedAt  when this source last completed a sync run (push-triggered or polled)
 */
public record PushChannel(String accountId, Source source, String mailbox, String channelId, String resourceId,
                          String secretHash, State state, Instant expiresAt, Instant renewAt, Instant renewedAt,
                          Instant lastNotificationAt, Instant checkedAt, String lastError) {

    public static final String OWN_MAILBOX = "";

    public PushChannel {
        mailbox = mailbox == null ? OWN_MAILBOX : mailbox;
    }

    public enum State {
        ACTIVE, FAILED, STOPPED;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A new active channel (created or renewed now). */
    public static PushChannel active(String accountId, Source source, String mailbox, String channelId, String resourceId,
                                     String secretHash, Instant expiresAt, Instant renewAt, Instant now) {
        return new PushChannel(accountId, source, mailbox, channelId, resourceId, secretHash, State.ACTIVE, expiresAt,
                renewAt, now, null, now, null);
    }

    public boolean ownMailbox() {
        return mailbox.isEmpty();
    }

    /** Whether the account's next job should (re)create or renew it. */
    public boolean needsRenewal(Instant now) {
        return state != State.ACTIVE || renewAt == null || !renewAt.isAfter(now)
                || expiresAt == null || !expiresAt.isAfter(now);
    }

    /** What the account JSON shows: see {@link PushHealth.State}. */
    public PushHealth health(Instant now, Duration silentAfter) {
        PushHealth.State s = switch (state) {
            case STOPPED -> PushHealth.State.STOPPED;
            case FAILED -> PushHealth.State.FAILED;
            case ACTIVE -> {
                if (expiresAt != null && !expiresAt.isAfter(now)) {
                    yield PushHealth.State.EXPIRED;
                }
                Instant heard = lastNotificationAt != null ? lastNotificationAt : renewedAt;
                yield heard != null && heard.plus(silentAfter).isBefore(now) ? PushHealth.State.SILENT
                        : PushHealth.State.ACTIVE;
            }
        };
        return new PushHealth(s, expiresAt, lastNotificationAt, lastError);
    }
}

package io.interactionsync.microsoftsync.listener;

import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.push.GraphSubscriptions;
import io.interactionsync.microsoftsync.repository.AccountStateRepository;
import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.sync.jobs.ClosedAccounts;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.LogSafe;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.push.PushChannel;
import io.interactionsync.sync.push.PushChannelRepository;
import io.interactionsync.sync.push.PushNotifications;
import io.interactionsync.sync.push.PushStopper;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code account-events} (group {@code microsoft-sync-service}) to know who subscribes to which shared
 * mailbox: {@code shared_mailbox_added/removed} update {@code shared_mailbox_subscribers} (a mailbox whose last
 * subscriber left loses its sync state, and a Graph subscription the account owned for it ends);
 * {@code disconnecting} (the grant still works) deletes the account's Graph subscriptions ({@link PushStopper}) and
 * hands its shared mailboxes' ones to other subscribers; {@code disconnected} (purge or keep) erases every row this
 * service holds for the account, its subscriptions included ({@link ClosedAccounts}); {@code connected} reopens an id closed before
 * reconnects got new ids; {@code shared_mailbox_access_changed} to {@code active} subscribes again. Acked once the
 * rows are committed.
 */
@ApplicationScoped
public class AccountEventListener {

    public static final String CHANNEL = Topics.ACCOUNT_EVENTS;

    private final SharedMailboxRepository sharedMailboxes;
    private final AccountStateRepository state;
    private final ClosedAccounts closed;
    private final PushStopper pushStopper;
    private final PushChannelRepository pushChannels;
    private final GraphSubscriptions subscriptions;
    private final PushNotifications runs;
    private final boolean readSharedOnAdd;

    public AccountEventListener(SharedMailboxRepository sharedMailboxes, AccountStateRepository state,
                                ClosedAccounts closed, PushStopper pushStopper, PushChannelRepository pushChannels,
                                GraphSubscriptions subscriptions, PushNotifications runs, MicrosoftSyncConfig config) {
        this.sharedMailboxes = sharedMailboxes;
        this.state = state;
        this.closed = closed;
        this.pushStopper = pushStopper;
        this.pushChannels = pushChannels;
        this.subscriptions = subscriptions;
        this.runs = runs;
        this.readSharedOnAdd = config.mail().readSharedOnAdd();
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onAccountEvent(AccountEvent event) {
        if (event == null || event.type() == null || event.accountId() == null) {
            return;
        }
        if (event.provider() != null && event.provider() != Provider.MICROSOFT) {
            return;
        }
        switch (event.type()) {
            case SHARED_MAILBOX_ADDED -> {
                if (event.sharedMailbox() != null && !event.sharedMailbox().isBlank()) {
                    sharedMailboxes.subscribe(event.sharedMailbox(), event.accountId());
                    Log.debugf("account %s subscribes to shared mailbox %s", event.accountId(), event.sharedMailbox());
                    readSoon(event.accountId());
                }
            }
            case SHARED_MAILBOX_REMOVED -> {
                if (event.sharedMailbox() != null) {
                    leaveSharedSubscription(event.accountId(), event.sharedMailbox());
                    sharedMailboxes.unsubscribe(event.sharedMailbox(), event.accountId());
                    Log.debugf("account %s unsubscribed from shared mailbox %s", event.accountId(), event.sharedMailbox());
                    state.eraseIfUnsubscribed(event.sharedMailbox());
                }
            }
            case SHARED_MAILBOX_ACCESS_CHANGED -> {
                // active again (after a reauthorization): make sure the subscription is there
                if (event.state() == AccountEvent.SharedMailboxState.ACTIVE && event.sharedMailbox() != null
                        && !event.sharedMailbox().isBlank()) {
                    sharedMailboxes.subscribe(event.sharedMailbox(), event.accountId());
                    readSoon(event.accountId());
                }
            }
            case DISCONNECTING -> stopPush(event.accountId());
            case DISCONNECTED -> closed.close(event.accountId(), Boolean.TRUE.equals(event.purge()));
            case CONNECTED -> closed.reopen(event.accountId());
            default -> {
                // scopes_changed, reauth_required: the sync requests carry what to do
            }
        }
    }

    /**
     * A shared mailbox added (or readable again) is read now, not at the account's next scheduled or pushed run: a
     * mail run of the subscriber is queued here, after the subscription is stored, so it cannot miss it (a run already
     * going, which listed the account's mailboxes before, gets a re-run).
     */
    private void readSoon(String accountId) {
        if (readSharedOnAdd && !closed.isClosed(accountId)) {
            runs.requestRun(accountId, EnumSet.of(Source.OUTLOOK_MAIL), SyncRequest.Reason.CONNECT);
        }
    }

    /** Best effort (push is never worth a redelivered event): the subscriptions expire on their own. */
    private void stopPush(String accountId) {
        try {
            List<String> shared = pushChannels.list(accountId).stream().filter(ch -> !ch.ownMailbox())
                    .map(PushChannel::mailbox).toList();
            pushStopper.stopAll(accountId);
            shared.forEach(address -> subscriptions.handOver(address, accountId));
        } catch (RuntimeException e) {
            Log.warnf("account %s: its Graph subscriptions were not all stopped (%s); they expire on their own",
                    accountId, LogSafe.redact(e.getMessage()));
        }
    }

    private void leaveSharedSubscription(String accountId, String address) {
        try {
            subscriptions.leftShared(accountId, address);
        } catch (RuntimeException e) {
            Log.warnf("account %s: the subscription of a shared mailbox it left was not ended (%s)", accountId,
                    LogSafe.redact(e.getMessage()));
        }
    }
}

package io.interactionsync.microsoftsync.listener;

import io.interactionsync.microsoftsync.repository.AccountStateRepository;
import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.sync.jobs.ClosedAccounts;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Topics;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code account-events} (group {@code microsoft-sync-service}) to know who subscribes to which shared
 * mailbox: {@code shared_mailbox_added/removed} update {@code shared_mailbox_subscribers} (a mailbox whose last
 * subscriber left loses its sync state); {@code disconnected} (purge or keep) erases every row this service holds for
 * the account, its subscriptions included ({@link ClosedAccounts}); {@code connected} reopens an id closed before
 * reconnects got new ids; {@code shared_mailbox_access_changed} to {@code active} subscribes again. Acked once the
 * rows are committed.
 */
@ApplicationScoped
public class AccountEventListener {

    public static final String CHANNEL = Topics.ACCOUNT_EVENTS;

    private final SharedMailboxRepository sharedMailboxes;
    private final AccountStateRepository state;
    private final ClosedAccounts closed;

    public AccountEventListener(SharedMailboxRepository sharedMailboxes, AccountStateRepository state,
                                ClosedAccounts closed) {
        this.sharedMailboxes = sharedMailboxes;
        this.state = state;
        this.closed = closed;
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
                }
            }
            case SHARED_MAILBOX_REMOVED -> {
                if (event.sharedMailbox() != null) {
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
                }
            }
            case DISCONNECTED -> closed.close(event.accountId(), Boolean.TRUE.equals(event.purge()));
            case CONNECTED -> closed.reopen(event.accountId());
            default -> {
                // scopes_changed, reauth_required: the sync requests carry what to do
            }
        }
    }
}

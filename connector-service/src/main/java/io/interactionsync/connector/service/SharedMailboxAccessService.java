package io.interactionsync.connector.service;

import io.interactionsync.connector.Account;
import io.interactionsync.connector.SharedMailbox;
import io.interactionsync.connector.SourceSyncStatus;
import io.interactionsync.connector.repository.AccountRepository;
import io.interactionsync.connector.repository.SharedMailboxRepository;
import io.interactionsync.connector.repository.SyncStatusRepository;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.LogSafe;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncStatus;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Shared mailboxes follow access (issue 17 item 5): the state of each account's subscription to each of its shared
 * mailboxes, derived from what the connector knows, stored in {@code shared_mailboxes.state} and announced as
 * {@code shared_mailbox_access_changed} whenever it changes:
 * <ul>
 *   <li>{@code suspended} while the account is {@code reauth_required} or disconnected;</li>
 *   <li>else {@code access_denied} while the account's own last report for that mailbox (microsoft-sync checks each
 *       subscriber's access with its own token on every sync of the mailbox) is {@code access_denied};</li>
 *   <li>else {@code active}.</li>
 * </ul>
 * It is worked out again after each shared-mailbox sync-status and after each lifecycle account-event of the account
 * (reauth_required, connected, scopes_changed, disconnected — observed once the relay delivered them). The event is
 * queued (outbox) under the subscription's row lock, in the transaction that stores the state: a concurrent removal of
 * the mailbox then queues {@code shared_mailbox_removed} after it, never before (consumers apply a state only to a
 * subscription they have), and a stored state is always announced.
 */
@ApplicationScoped
public class SharedMailboxAccessService {

    private static final Set<AccountEvent.Type> LIFECYCLE = Set.of(AccountEvent.Type.REAUTH_REQUIRED,
            AccountEvent.Type.CONNECTED, AccountEvent.Type.SCOPES_CHANGED, AccountEvent.Type.DISCONNECTED);

    private final AccountRepository accounts;
    private final SharedMailboxRepository mailboxes;
    private final SyncStatusRepository statuses;
    private final EventPublisher publisher;
    private final Clock clock;

    public SharedMailboxAccessService(AccountRepository accounts, SharedMailboxRepository mailboxes,
                                      SyncStatusRepository statuses, EventPublisher publisher, Clock clock) {
        this.accounts = accounts;
        this.mailboxes = mailboxes;
        this.statuses = statuses;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** A shared mailbox's report (already stored): that subscription's state may have changed. */
    public void statusRecorded(SyncStatus status) {
        if (status.source() != Source.OUTLOOK_MAIL || status.mailbox() == null || status.mailbox().isBlank()) {
            return;
        }
        UUID accountId;
        try {
            accountId = UUID.fromString(status.accountId());
        } catch (IllegalArgumentException | NullPointerException e) {
            return;
        }
        safely(accountId, status.mailbox().toLowerCase(Locale.ROOT));
    }

    /** The account's lifecycle moved (published by any part of the connector): its subscriptions follow. */
    void accountEventPublished(@Observes EventPublisher.Published published) {
        AccountEvent event = published.event();
        if (!LIFECYCLE.contains(event.type()) || event.provider() != Provider.MICROSOFT || event.accountId() == null) {
            return;
        }
        try {
            safely(UUID.fromString(event.accountId()), null);
        } catch (IllegalArgumentException e) {
            // not an account id: nothing to follow
        }
    }

    private void safely(UUID accountId, String address) {
        try {
            reconcile(accountId, address);
        } catch (RuntimeException e) {
            // the next report or lifecycle event of the account works it out again
            Log.warnf("shared mailbox states of account %s not updated now: %s", accountId, LogSafe.redact(e.getMessage()));
        }
    }

    /** Works out the state of the account's subscriptions ({@code address} null: all of them); returns how many changed. */
    public int reconcile(UUID accountId, String address) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Account account = accounts.findById(accountId);
            List<SharedMailbox> rows = mailboxes.lockForAccount(accountId, address);
            if (rows.isEmpty()) {
                return 0;
            }
            Map<String, SourceSyncStatus> reports = statuses.ownSharedMailboxReports(accountId);
            Instant now = clock.instant();
            int changed = 0;
            for (SharedMailbox m : rows) {
                String state = stateOf(account, reports.get(m.key.address));
                if (state.equals(m.state)) {
                    continue;
                }
                String before = m.state;
                m.state = state;
                m.stateChangedAt = now;
                mailboxes.flush();
                publisher.publish(AccountEvent.sharedMailboxAccessChanged(accountId.toString(),
                        account == null ? null : account.userId, Provider.MICROSOFT,
                        account == null ? null : account.email, m.key.address, wire(state), now));
                Log.infof("account %s: a shared mailbox subscription went from %s to %s", accountId, before, state);
                changed++;
            }
            return changed;
        });
    }

    static String stateOf(Account account, SourceSyncStatus ownReport) {
        if (account == null || account.status != Account.Status.ACTIVE) {
            return SharedMailbox.SUSPENDED;
        }
        if (ownReport != null && SharedMailbox.ACCESS_DENIED.equals(ownReport.state)) {
            return SharedMailbox.ACCESS_DENIED;
        }
        return SharedMailbox.ACTIVE;
    }

    private static AccountEvent.SharedMailboxState wire(String state) {
        return switch (state) {
            case SharedMailbox.ACCESS_DENIED -> AccountEvent.SharedMailboxState.ACCESS_DENIED;
            case SharedMailbox.SUSPENDED -> AccountEvent.SharedMailboxState.SUSPENDED;
            default -> AccountEvent.SharedMailboxState.ACTIVE;
        };
    }
}

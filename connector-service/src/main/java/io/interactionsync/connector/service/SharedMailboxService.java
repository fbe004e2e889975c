package io.interactionsync.connector.service;

import io.interactionsync.connector.Account;
import io.interactionsync.connector.SharedMailbox;
import io.interactionsync.connector.client.GraphProbe;
import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.connector.mapping.AccountMapper;
import io.interactionsync.connector.provider.OAuthProviders;
import io.interactionsync.connector.repository.AccountRepository;
import io.interactionsync.connector.repository.SharedMailboxRepository;
import io.interactionsync.connector.repository.SyncStatusRepository;
import io.interactionsync.connector.rest.dto.SharedMailboxView;
import io.interactionsync.connector.rest.problem.ApiException;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.MDC;

/**
 * Shared mailboxes of a Microsoft account: validated, normalised addresses, at most
 * {@code connector.microsoft.max-shared-mailboxes}, only with a {@code .Shared} mail scope, each confirmed by a
 * Graph probe with the account's own delegated token before it is stored and announced.
 */
@ApplicationScoped
public class SharedMailboxService {

    private final AccountRepository accounts;
    private final SharedMailboxRepository mailboxes;
    private final OAuthProviders providers;
    private final AccessTokenService tokens;
    private final GraphProbe graph;
    private final SourcePolicy sourcePolicy;
    private final EventPublisher publisher;
    private final ConnectorConfig config;
    private final DataKeyService dataKeys;
    private final SyncStatusRepository statuses;
    private final AccountMapper mapper;
    private final Clock clock;

    public SharedMailboxService(AccountRepository accounts, SharedMailboxRepository mailboxes, OAuthProviders providers,
                                AccessTokenService tokens, GraphProbe graph, SourcePolicy sourcePolicy,
                                EventPublisher publisher, ConnectorConfig config, DataKeyService dataKeys,
                                SyncStatusRepository statuses, AccountMapper mapper, Clock clock) {
        this.statuses = statuses;
        this.mapper = mapper;
        this.accounts = accounts;
        this.mailboxes = mailboxes;
        this.providers = providers;
        this.tokens = tokens;
        this.graph = graph;
        this.sourcePolicy = sourcePolicy;
        this.publisher = publisher;
        this.config = config;
        this.dataKeys = dataKeys;
        this.clock = clock;
    }

    /** The result of an add: whether the address is new for this account. */
    public record Added(boolean created, SharedMailboxView mailbox) {
    }

    /** The entries exactly as the Account JSON's {@code sharedMailboxes[]} shows them. */
    public List<SharedMailboxView> list(String userId, UUID accountId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Account account = owned(userId, accountId);
            return entries(account, mailboxes.forAccount(accountId));
        });
    }

    /** The Account JSON entries of these subscriptions of {@code account} (call inside a transaction). */
    private List<SharedMailboxView> entries(Account account, List<SharedMailbox> subscriptions) {
        var reports = new java.util.ArrayList<>(statuses.listFor(List.of(account.id)));
        reports.addAll(statuses.listForMailboxes(subscriptions.stream().map(m -> m.key.address).toList()));
        return mapper.sharedMailboxes(account, reports, subscriptions);
    }

    /** The entry of one subscription, read back after a change. */
    private SharedMailboxView entry(UUID accountId, String address) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Account account = accounts.findById(accountId);
            SharedMailbox m = mailboxes.findById(new SharedMailbox.Key(accountId, address));
            if (account == null || m == null) { // removed (or the account disconnected) in the meantime
                throw ApiException.notFound("shared_mailbox_not_found", "This shared mailbox is not on the account.");
            }
            return entries(account, List.of(m)).get(0);
        });
    }

    public Added add(String userId, UUID accountId, String rawAddress) {
        String address = Addresses.normaliseEmail(rawAddress);
        if (address == null) {
            throw ApiException.badRequest("invalid_email", "address must be a plain e-mail address (local@domain).");
        }
        Account account = QuarkusTransaction.requiringNew().call(() -> owned(userId, accountId));
        MDC.put("accountId", accountId.toString());
        try {
            SharedMailbox existing = QuarkusTransaction.requiringNew().call(
                    () -> mailboxes.findById(new SharedMailbox.Key(accountId, address)));
            if (existing != null) {
                return new Added(false, entry(accountId, address));
            }
            if (account.status == Account.Status.REAUTH_REQUIRED) {
                throw ApiException.conflict("reauth_required", "The account must be reconnected first.");
            }
            if (!providers.get(Provider.MICROSOFT).allowsSharedMailboxes(account.scopeList())) {
                throw new ApiException(422, "shared_scope_missing", "Reading shared mailboxes needs the sharedMail "
                        + "permission; reconnect the account with scopes=mail,sharedMail (Mail.ReadBasic.Shared).");
            }
            if (address.equalsIgnoreCase(account.email)) {
                throw new ApiException(422, "shared_mailbox_is_own", "This is the account's own mailbox.");
            }
            requireBelowLimit(QuarkusTransaction.requiringNew().call(() -> mailboxes.countFor(accountId)));
            probe(accountId, address);
            Instant now = clock.instant();
            Long queued = QuarkusTransaction.requiringNew().call(() -> {
                accounts.findForUpdate(accountId); // serialises concurrent adds for the limit
                if (mailboxes.findById(new SharedMailbox.Key(accountId, address)) != null) {
                    return null;
                }
                requireBelowLimit(mailboxes.countFor(accountId));
                SharedMailbox m = new SharedMailbox();
                m.key = new SharedMailbox.Key(accountId, address);
                m.addedAt = now;
                m.state = SharedMailbox.ACTIVE; // the probe just read it with this account's token
                m.stateChangedAt = now;
                mailboxes.persist(m);
                return publish(AccountEvent.Type.SHARED_MAILBOX_ADDED, account, address);
            });
            boolean created = queued != null;
            if (created) {
                publisher.awaitPublished(queued);
                Log.infof("shared mailbox added to account %s", accountId);
            }
            return new Added(created, entry(accountId, address));
        } finally {
            MDC.remove("accountId");
        }
    }

    public void remove(String userId, UUID accountId, String rawAddress) {
        String address = Addresses.normaliseEmail(rawAddress);
        if (address == null) {
            throw ApiException.badRequest("invalid_email", "address must be a plain e-mail address (local@domain).");
        }
        Account account = QuarkusTransaction.requiringNew().call(() -> owned(userId, accountId));
        Long queued = QuarkusTransaction.requiringNew().call(() -> {
            boolean deleted = mailboxes.deleteById(new SharedMailbox.Key(accountId, address));
            if (!deleted) {
                return null;
            }
            dataKeys.destroyMailboxKeyIfUnsubscribed(address); // its last subscriber left: its records for good
            return publish(AccountEvent.Type.SHARED_MAILBOX_REMOVED, account, address);
        });
        if (queued == null) {
            throw ApiException.notFound("shared_mailbox_not_found", "This shared mailbox is not on the account.");
        }
        publisher.awaitPublished(queued);
        Log.infof("shared mailbox removed from account %s", accountId);
    }

    private void probe(UUID accountId, String address) {
        String token = tokens.accessToken(accountId, null).accessToken();
        GraphProbe.Outcome outcome = graph.probe(address, token);
        if (outcome == GraphProbe.Outcome.TOKEN_REJECTED) {
            outcome = graph.probe(address, tokens.accessToken(accountId, token).accessToken());
        }
        switch (outcome) {
            case ALLOWED -> {
            }
            case ACCESS_DENIED -> throw new ApiException(422, "shared_mailbox_access_denied",
                    "Microsoft 365 denied access to this mailbox: the account needs Full Access to it "
                            + "(granted by an Exchange administrator).");
            case NOT_FOUND -> throw new ApiException(422, "shared_mailbox_not_found",
                    "Microsoft 365 has no mailbox with this address in the account's organisation.");
            case TOKEN_REJECTED, UNAVAILABLE -> throw new ApiException(502, "provider_unavailable",
                    "Microsoft Graph could not be reached to check access; try again shortly.");
        }
    }

    private void requireBelowLimit(long count) {
        int max = config.microsoft().maxSharedMailboxes();
        if (count >= max) {
            throw new ApiException(422, "shared_mailbox_limit", "An account can have at most " + max
                    + " shared mailboxes; remove one first.");
        }
    }

    /** Queues the account-event in the caller's transaction; returns its outbox id. */
    private long publish(AccountEvent.Type type, Account a, String address) {
        return publisher.publish(new AccountEvent(AccountEvent.SCHEMA_VERSION, type, a.id.toString(), a.userId, a.provider,
                a.email, a.scopeList(), sourcePolicy.enabledSources(a), address, null, null, clock.instant()));
    }

    private Account owned(String userId, UUID id) {
        return accounts.findOwned(id, userId)
                .filter(a -> a.provider == Provider.MICROSOFT)
                .orElseThrow(() -> ApiException.notFound("account_not_found", "No such account."));
    }
}

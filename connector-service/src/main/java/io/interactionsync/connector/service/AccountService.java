package io.interactionsync.connector.service;

import io.interactionsync.connector.Account;
import io.interactionsync.connector.crypto.TokenCipher;
import io.interactionsync.connector.mapping.AccountMapper;
import io.interactionsync.connector.provider.OAuthProviders;
import io.interactionsync.connector.provider.ProviderException;
import io.interactionsync.connector.repository.AccountRepository;
import io.interactionsync.connector.repository.SharedMailboxRepository;
import io.interactionsync.connector.repository.SyncStatusRepository;
import io.interactionsync.connector.rest.dto.AccountView;
import io.interactionsync.connector.rest.dto.SyncAccepted;
import io.interactionsync.connector.rest.problem.ApiException;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import io.interactionsync.connector.config.ConnectorConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.MDC;

/** The caller's accounts: list, read, disconnect, manual sync and audit. Other users' accounts look missing (404). */
@ApplicationScoped
public class AccountService {

    private final AccountRepository accounts;
    private final SyncStatusRepository statuses;
    private final SharedMailboxRepository sharedMailboxes;
    private final AccountMapper mapper;
    private final SourcePolicy sourcePolicy;
    private final OAuthProviders providers;
    private final TokenCipher cipher;
    private final EventPublisher publisher;
    private final RetentionService retention;
    private final DataKeyService dataKeys;
    private final Clock clock;
    private final ConnectorConfig config;

    public AccountService(AccountRepository accounts, SyncStatusRepository statuses,
                          SharedMailboxRepository sharedMailboxes, AccountMapper mapper,
                          SourcePolicy sourcePolicy, OAuthProviders providers, TokenCipher cipher,
                          EventPublisher publisher, RetentionService retention, DataKeyService dataKeys,
                          Clock clock, ConnectorConfig config) {
        this.config = config;
        this.retention = retention;
        this.accounts = accounts;
        this.statuses = statuses;
        this.sharedMailboxes = sharedMailboxes;
        this.mapper = mapper;
        this.sourcePolicy = sourcePolicy;
        this.providers = providers;
        this.cipher = cipher;
        this.publisher = publisher;
        this.dataKeys = dataKeys;
        this.clock = clock;
    }

    public List<AccountView> list(String userId, String userEmail, Provider provider) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Account> owned = accounts.listOwned(userId, provider);
            List<UUID> ids = owned.stream().map(a -> a.id).toList();
            var shared = sharedMailboxes.forAccounts(ids);
            var all = new java.util.ArrayList<>(statuses.listFor(ids));
            all.addAll(statuses.listForMailboxes(shared.values().stream().flatMap(List::stream)
                    .map(m -> m.key.address).toList()));
            return owned.stream().map(a -> mapper.toView(a, all, shared.getOrDefault(a.id, List.of()))
                    .withRetention(retentionInfo(userEmail, a.email))).toList();
        });
    }

    public AccountView get(String userId, String userEmail, Provider provider, UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Account a = owned(userId, id, provider);
            var shared = sharedMailboxes.forAccount(a.id);
            var all = new java.util.ArrayList<>(statuses.listFor(List.of(a.id)));
            all.addAll(statuses.listForMailboxes(shared.stream().map(m -> m.key.address).toList()));
            return mapper.toView(a, all, shared).withRetention(retentionInfo(userEmail, a.email));
        });
    }

    /** The Account JSON's {@code retention}: the policy of the teams listing the user's or the account's address. */
    public AccountView.RetentionInfo retentionInfo(String userEmail, String accountEmail) {
        RetentionService.Effective e = retention.effectiveFor(addresses(userEmail, accountEmail));
        return new AccountView.RetentionInfo(e.onDisconnect(), e.eventMonths(),
                e.origin().name().toLowerCase(java.util.Locale.ROOT), e.collections());
    }

    private static List<String> addresses(String userEmail, String accountEmail) {
        List<String> out = new java.util.ArrayList<>(2);
        if (userEmail != null) {
            out.add(userEmail);
        }
        if (accountEmail != null) {
            out.add(accountEmail);
        }
        return out;
    }

    /**
     * Revokes the grant at the provider (best effort: a provider outage does not keep the tokens), erases the
     * tokens and publishes {@code disconnected}. Whether the account's data is purged — the row removed, the data
     * keys of its raw records destroyed in the same transaction ({@link DataKeyService#destroyAccountKeys},
     * crypto-shredding) and the {@code disconnected} record carrying {@code purge: true}, so that the sync services
     * and the normalizer erase everything of it — or kept (the row marked disconnected) is decided by
     * {@link RetentionService#decide}: {@code requestedPurge} (the {@code ?purge=} parameter, null when absent) and
     * the owner's team policy. Either way the account id is finished: the same mailbox connected again is a new
     * account.
     *
     * @return what was decided, and why
     */
    public RetentionService.Decision disconnect(String userId, String userEmail, Provider provider, UUID id,
                                                Boolean requestedPurge) {
        Account snapshot = QuarkusTransaction.requiringNew().call(() -> owned(userId, id, provider));
        MDC.put("accountId", id.toString());
        try {
            RetentionService.Decision decision = RetentionService.decide(requestedPurge,
                    retention.effectiveFor(addresses(userEmail, snapshot.email)));
            boolean purge = decision.purge();
            stopPush(snapshot);
            String refresh = cipher.open(snapshot.refreshTokenEnc, snapshot.tokenKeyId, snapshot.refreshTokenAad());
            String access = cipher.open(snapshot.accessTokenEnc, snapshot.tokenKeyId, snapshot.accessTokenAad());
            String toRevoke = refresh != null ? refresh : access;
            if (toRevoke != null) {
                try {
                    providers.get(provider).revoke(toRevoke);
                } catch (ProviderException e) {
                    Log.warnf("revocation of account %s at %s failed (%s); tokens are erased anyway", id, provider,
                            e.kind());
                }
            }
            List<Source> sources = sourcePolicy.enabledSources(snapshot);
            // The disconnected record (purge or not) is queued with the change it announces: a crash cannot lose it.
            long queued = QuarkusTransaction.requiringNew().call(() -> {
                Account a = accounts.findForUpdate(id).orElse(null);
                if (a == null) {
                    // disconnected concurrently: announced again, harmlessly
                } else if (purge) {
                    List<String> shared = sharedMailboxes.addresses(id);
                    statuses.delete("key.accountId", id);
                    accounts.delete(a);
                    // crypto-shredding: the account's raw records (and a shared mailbox's nobody else reads) for good
                    dataKeys.destroyAccountKeys(id, shared);
                } else {
                    a.status = Account.Status.DISCONNECTED;
                    a.accessTokenEnc = null;
                    a.refreshTokenEnc = null;
                    a.accessTokenExpiresAt = null;
                    a.tokenKeyId = null;
                    a.updatedAt = clock.instant();
                }
                return publisher.publish(new AccountEvent(AccountEvent.SCHEMA_VERSION, AccountEvent.Type.DISCONNECTED,
                        id.toString(), snapshot.userId, snapshot.provider, snapshot.email, snapshot.scopeList(), sources,
                        null, purge, null, clock.instant()));
            });
            publisher.awaitPublished(queued);
            Log.infof("account %s disconnected: data %s (%s)", id, purge ? "purged" : "kept",
                    decision.reason().wireName());
            return decision;
        } finally {
            MDC.remove("accountId");
        }
    }

    /**
     * Announces {@code disconnecting} and, when a source reported live push channels, gives the sync services
     * {@code connector.disconnect.push-stop-grace} to stop them at the provider while the token still works (after
     * the revocation they could only expire there). Best effort: the disconnect goes on either way.
     */
    private void stopPush(Account snapshot) {
        boolean livePush = QuarkusTransaction.requiringNew().call(() -> statuses.listFor(List.of(snapshot.id)).stream()
                .anyMatch(s -> s.pushState != null && !"stopped".equals(s.pushState) && !"off".equals(s.pushState)));
        if (!livePush) {
            return;
        }
        long queued = QuarkusTransaction.requiringNew().call(() -> publisher.publish(new AccountEvent(
                AccountEvent.SCHEMA_VERSION, AccountEvent.Type.DISCONNECTING, snapshot.id.toString(), snapshot.userId,
                snapshot.provider, snapshot.email, snapshot.scopeList(), sourcePolicy.enabledSources(snapshot), null,
                null, null, clock.instant())));
        publisher.awaitPublished(queued);
        Duration grace = config.disconnect().pushStopGrace();
        if (!grace.isZero()) {
            try {
                Thread.sleep(grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A manual sync of the account's enabled sources; {@link SyncRequest.Mode#FULL} makes the sync services drop their
     * cursors and backfill every one of them again (their job queue keeps the stronger mode when requests merge).
     */
    public SyncAccepted requestSync(String userId, UUID id, SyncRequest.Mode mode) {
        return request(userId, id, mode, false);
    }

    /**
     * A manual sync of the account's enabled sources followed by their completeness audit and repair (the sync
     * services audit after every backfill and daily on their own; this is the on-demand one).
     */
    public SyncAccepted requestAudit(String userId, UUID id) {
        return request(userId, id, SyncRequest.Mode.AUTO, true);
    }

    private SyncAccepted request(String userId, UUID id, SyncRequest.Mode mode, boolean audit) {
        Account a = QuarkusTransaction.requiringNew().call(() -> owned(userId, id, null));
        if (a.status == Account.Status.REAUTH_REQUIRED) {
            throw ApiException.conflict("reauth_required", "The account must be reconnected before it can sync.");
        }
        List<Source> sources = sourcePolicy.enabledSources(a);
        if (sources.isEmpty()) {
            throw ApiException.conflict("no_sources_enabled", "No source of this account is enabled for syncing.");
        }
        Instant now = clock.instant();
        SyncRequest request = SyncRequest.of(a.id.toString(), a.provider, sources, mode, SyncRequest.Reason.MANUAL, now);
        SyncRequest queued = audit ? request.withAudit() : request;
        publisher.awaitPublished(QuarkusTransaction.requiringNew().call(() -> publisher.publish(queued)));
        Log.infof("queued sync-request %s %s %s%s for %s", queued.reason(), wire(mode), queued.sources(),
                queued.auditRequested() ? " with audit" : "", queued.accountId());
        return new SyncAccepted(a.id.toString(), wire(mode), sources.stream().map(Source::wireName).toList(), now);
    }

    private static String wire(SyncRequest.Mode mode) {
        return mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    private Account owned(String userId, UUID id, Provider provider) {
        return accounts.findOwned(id, userId)
                .filter(a -> provider == null || a.provider == provider)
                .orElseThrow(() -> ApiException.notFound("account_not_found", "No such account."));
    }
}

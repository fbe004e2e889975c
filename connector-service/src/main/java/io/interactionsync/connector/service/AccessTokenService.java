package io.interactionsync.connector.service;

import io.interactionsync.connector.Account;
import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.connector.crypto.TokenCipher;
import io.interactionsync.connector.provider.OAuthProviders;
import io.interactionsync.connector.provider.ProviderException;
import io.interactionsync.connector.provider.TokenGrant;
import io.interactionsync.connector.repository.AccountRepository;
import io.interactionsync.connector.rest.dto.AccessTokenResponse;
import io.interactionsync.connector.rest.problem.ApiException;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.LogSafe;
import io.interactionsync.model.Provider;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.MDC;

/**
 * Hands out usable access tokens to the sync services. A stored token closer than the configured skew to its
 * expiry, or the very token a caller reports as rejected, is refreshed: concurrent callers for one account share
 * one refresh in this process (single flight), and a row lock keeps two replicas from refreshing at once — the
 * second sees the fresh token after the lock. {@code invalid_grant} marks the account {@code reauth_required}.
 */
@ApplicationScoped
public class AccessTokenService {

    private final AccountRepository accounts;
    private final TokenCipher cipher;
    private final OAuthProviders providers;
    private final EventPublisher publisher;
    private final SourcePolicy sourcePolicy;
    private final ConnectorConfig config;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ConcurrentMap<UUID, CompletableFuture<AccessTokenResponse>> inFlight = new ConcurrentHashMap<>();

    public AccessTokenService(AccountRepository accounts, TokenCipher cipher, OAuthProviders providers,
                              EventPublisher publisher, SourcePolicy sourcePolicy, ConnectorConfig config, Clock clock,
                              MeterRegistry meters) {
        this.accounts = accounts;
        this.cipher = cipher;
        this.providers = providers;
        this.publisher = publisher;
        this.sourcePolicy = sourcePolicy;
        this.config = config;
        this.clock = clock;
        this.meters = meters;
    }

    /** For the connector's own use (shared-mailbox probe): no caller grant to check. */
    public AccessTokenResponse accessToken(UUID id, String rejectedAccessToken) {
        return accessToken(id, rejectedAccessToken, provider -> { });
    }

    /**
     * @param allowed checks the account's provider against the caller's grant (throws when refused), before any
     *                token is decrypted or refreshed
     */
    public AccessTokenResponse accessToken(UUID id, String rejectedAccessToken, Consumer<Provider> allowed) {
        MDC.put("accountId", id.toString());
        try {
            Account a = QuarkusTransaction.requiringNew().call(() -> accounts.findById(id));
            if (a == null || a.status == Account.Status.DISCONNECTED) {
                throw ApiException.notFound("account_not_found", "No such account.");
            }
            allowed.accept(a.provider);
            requireUsable(a);
            String current = cipher.open(a.accessTokenEnc, a.tokenKeyId, a.accessTokenAad());
            if (usable(a, current, rejectedAccessToken)) {
                return response(a, current);
            }
            return singleFlight(id, () -> refreshUnderLock(id, rejectedAccessToken));
        } finally {
            MDC.remove("accountId");
        }
    }

    private AccessTokenResponse singleFlight(UUID id, Supplier<AccessTokenResponse> refresh) {
        CompletableFuture<AccessTokenResponse> mine = new CompletableFuture<>();
        CompletableFuture<AccessTokenResponse> running = inFlight.putIfAbsent(id, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }
        try {
            AccessTokenResponse result = refresh.get();
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(id, mine);
        }
    }

    private sealed interface Outcome permits Fresh, ReauthRequired {
    }

    private record Fresh(AccessTokenResponse response) implements Outcome {
    }

    /** The account was marked and its {@code reauth_required} queued (outbox row {@code queued}) in that transaction. */
    private record ReauthRequired(Account account, long queued) implements Outcome {
    }

    private AccessTokenResponse refreshUnderLock(UUID id, String rejectedAccessToken) {
        Outcome outcome = QuarkusTransaction.requiringNew().call(() -> {
            Account a = accounts.findForUpdate(id).orElse(null);
            requireUsable(a);
            String current = cipher.open(a.accessTokenEnc, a.tokenKeyId, a.accessTokenAad());
            if (usable(a, current, rejectedAccessToken)) {
                // Another caller or replica refreshed while we waited for the lock.
                return new Fresh(response(a, current));
            }
            String refreshToken = cipher.open(a.refreshTokenEnc, a.tokenKeyId, a.refreshTokenAad());
            if (refreshToken == null) {
                return new ReauthRequired(a, markReauthRequired(a));
            }
            TokenGrant grant;
            try {
                grant = providers.get(a.provider).refresh(refreshToken, a.scopeList());
            } catch (ProviderException e) {
                // Consent withdrawn (AADSTS65001 on refresh) also needs the user back in the connect flow.
                if (e.kind() == ProviderException.Kind.INVALID_GRANT || e.kind() == ProviderException.Kind.CONSENT_REQUIRED) {
                    return new ReauthRequired(a, markReauthRequired(a));
                }
                count("provider_unavailable");
                Log.warnf("token refresh for account %s failed: %s (%s)", id, e.kind(), LogSafe.redact(e.providerError()));
                throw new ApiException(502, "provider_unavailable", "The provider could not refresh the token; retry later.");
            }
            String newRefresh = grant.refreshToken() != null ? grant.refreshToken() : refreshToken;
            a.tokenKeyId = cipher.activeKeyId();
            a.accessTokenEnc = cipher.seal(grant.accessToken(), a.accessTokenAad());
            a.refreshTokenEnc = cipher.seal(newRefresh, a.refreshTokenAad());
            a.accessTokenExpiresAt = grant.expiresAt();
            if (grant.scopes() != null && !grant.scopes().isEmpty()) {
                a.scopes = String.join(" ", grant.scopes());
            }
            a.updatedAt = clock.instant();
            count("refreshed");
            Log.infof("refreshed access token of account %s (rotated refresh token: %s)", id, grant.refreshToken() != null);
            return new Fresh(response(a, grant.accessToken()));
        });
        if (outcome instanceof Fresh fresh) {
            return fresh.response();
        }
        ReauthRequired reauth = (ReauthRequired) outcome;
        count("reauth_required");
        Log.warnf("account %s needs re-authorization (refresh token invalid or revoked)", id);
        publisher.awaitPublished(reauth.queued());
        throw reauthRequired();
    }

    /** Marks the account and queues {@code reauth_required} in the same transaction; returns the outbox row's id. */
    private long markReauthRequired(Account a) {
        a.status = Account.Status.REAUTH_REQUIRED;
        a.accessTokenEnc = null;
        a.accessTokenExpiresAt = null;
        a.updatedAt = clock.instant();
        return publisher.publish(AccountEvent.of(AccountEvent.Type.REAUTH_REQUIRED, a.id.toString(), a.userId,
                a.provider, a.email, a.scopeList(), sourcePolicy.enabledSources(a), a.updatedAt));
    }

    private boolean usable(Account a, String current, String rejectedAccessToken) {
        if (current == null || a.accessTokenExpiresAt == null) {
            return false;
        }
        if (rejectedAccessToken != null && rejectedAccessToken.equals(current)) {
            return false;
        }
        return a.accessTokenExpiresAt.isAfter(clock.instant().plus(config.accessTokens().refreshSkew()));
    }

    private static void requireUsable(Account a) {
        if (a == null || a.status == Account.Status.DISCONNECTED) {
            throw ApiException.notFound("account_not_found", "No such account.");
        }
        if (a.status == Account.Status.REAUTH_REQUIRED) {
            throw reauthRequired();
        }
    }

    private static ApiException reauthRequired() {
        return ApiException.conflict("reauth_required",
                "The account's refresh token is invalid or revoked; the user must reconnect it.");
    }

    private static AccessTokenResponse response(Account a, String accessToken) {
        return new AccessTokenResponse(a.id.toString(), a.userId, a.provider.name().toLowerCase(Locale.ROOT), a.email,
                accessToken, a.accessTokenExpiresAt, a.scopeList());
    }

    private void count(String outcome) {
        meters.counter("connector.token.refreshes", "outcome", outcome).increment();
    }
}

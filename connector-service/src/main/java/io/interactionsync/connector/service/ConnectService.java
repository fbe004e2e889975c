package io.interactionsync.connector.service;

import io.interactionsync.connector.Account;
import io.interactionsync.connector.SharedMailbox;
import io.interactionsync.connector.OAuthState;
import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.connector.crypto.TokenCipher;
import io.interactionsync.connector.mapping.AccountMapper;
import io.interactionsync.connector.provider.AuthorizationRequest;
import io.interactionsync.connector.provider.OAuthProvider;
import io.interactionsync.connector.provider.OAuthProviders;
import io.interactionsync.connector.provider.ProviderException;
import io.interactionsync.connector.provider.TokenGrant;
import io.interactionsync.connector.repository.AccountRepository;
import io.interactionsync.connector.repository.SharedMailboxRepository;
import io.interactionsync.connector.repository.OAuthStateRepository;
import io.interactionsync.connector.repository.SyncStatusRepository;
import io.interactionsync.connector.rest.dto.AccountView;
import io.interactionsync.connector.rest.dto.AuthorizeUrlResponse;
import io.interactionsync.connector.rest.dto.ConnectRequest;
import io.interactionsync.connector.rest.problem.ApiException;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.LogSafe;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.MDC;

/**
 * The OAuth connect flow: authorize URL with state + PKCE, then code exchange, account upsert (one row per
 * provider identity), and — after the commit — the {@code account-events} and {@code sync-requests} records.
 */
@ApplicationScoped
public class ConnectService {

    private final ConnectorConfig config;
    private final OAuthProviders providers;
    private final TokenCipher cipher;
    private final OAuthStateRepository states;
    private final AccountRepository accounts;
    private final SyncStatusRepository statuses;
    private final SharedMailboxRepository sharedMailboxes;
    private final AccountMapper mapper;
    private final SourcePolicy sourcePolicy;
    private final EventPublisher publisher;
    private final Clock clock;
    private final MeterRegistry meters;
    private final RateLimiter rateLimiter;
    private final SecureRandom random = new SecureRandom();

    public ConnectService(ConnectorConfig config, OAuthProviders providers, TokenCipher cipher, OAuthStateRepository states,
                          AccountRepository accounts, SyncStatusRepository statuses,
                          SharedMailboxRepository sharedMailboxes, AccountMapper mapper,
                          SourcePolicy sourcePolicy, EventPublisher publisher, Clock clock, MeterRegistry meters,
                          RateLimiter rateLimiter) {
        this.config = config;
        this.providers = providers;
        this.cipher = cipher;
        this.states = states;
        this.accounts = accounts;
        this.statuses = statuses;
        this.sharedMailboxes = sharedMailboxes;
        this.mapper = mapper;
        this.sourcePolicy = sourcePolicy;
        this.publisher = publisher;
        this.clock = clock;
        this.meters = meters;
        this.rateLimiter = rateLimiter;
    }

    /** Result of a connect: whether the row (for this user) is new, and the Account JSON. */
    public record ConnectResult(boolean created, AccountView account) {
    }

    public AuthorizeUrlResponse authorizeUrl(Provider p, String userId, String scopeChoices, String redirectUri) {
        rateLimiter.acquire(userId, RateLimiter.Action.AUTHORIZE_URL);
        OAuthProvider provider = configured(p);
        requireAllowedRedirect(redirectUri);
        List<String> choices = scopeChoices == null || scopeChoices.isBlank() ? List.of()
                : Arrays.stream(scopeChoices.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (choices.isEmpty()) {
            throw ApiException.badRequest("scopes_required", "Choose at least one of the scopes (e.g. scopes=gmail,calendar).");
        }
        List<String> scopes;
        try {
            scopes = provider.scopesFor(choices);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("unknown_scope", e.getMessage());
        }
        String state = randomToken(32);
        String verifier = randomToken(64);
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> {
            int dropped = states.makeRoomFor(userId, config.oauth().maxPendingStates(), now);
            if (dropped > 0) {
                Log.debugf("dropped %d pending OAuth states of one user (cap %d)", dropped,
                        config.oauth().maxPendingStates());
            }
            OAuthState s = new OAuthState();
            s.state = state;
            s.userId = userId;
            s.provider = p;
            s.codeVerifierEnc = cipher.seal(verifier, s.verifierAad());
            s.keyId = cipher.activeKeyId();
            s.redirectUri = redirectUri;
            s.requestedScopes = String.join(" ", scopes);
            s.createdAt = now;
            s.expiresAt = now.plus(config.oauth().stateTtl());
            states.persist(s);
        });
        String url = provider.authorizeUrl(new AuthorizationRequest(redirectUri, scopes, state, s256(verifier)));
        return new AuthorizeUrlResponse(url, state);
    }

    public ConnectResult connect(Provider p, String userId, ConnectRequest request) {
        OAuthProvider provider = configured(p);
        requireAllowedRedirect(request.redirectUri());
        // Every exchange — redirectUri "postmessage" included — needs the state our authorize-url issued to this
        // user; its PKCE verifier goes to the token endpoint, so only the code of that very authorization request
        // can be redeemed (a code stolen from someone else's flow fails PKCE at the provider).
        if (request.state() == null) {
            throw ApiException.badRequest("state_required", "The state returned by GET …/authorize-url is required: "
                    + "start the connect flow there (the popup flow too).");
        }
        ConsumedState consumed = QuarkusTransaction.requiringNew().call(
                () -> consumeState(request.state(), userId, p, request.redirectUri()));
        TokenGrant grant;
        try {
            grant = provider.exchangeCode(request.code(), request.redirectUri(), consumed.verifier());
        } catch (ProviderException e) {
            throw exchangeFailure(p, e);
        }
        // Scopes only from the token response; without one, only what the provider documents for that case.
        List<String> granted = grant.scopes() != null ? grant.scopes()
                : provider.scopesWhenUnreported(consumed.requestedScopes());
        Upserted upserted;
        try {
            upserted = QuarkusTransaction.requiringNew().call(() -> upsert(userId, p, grant, granted));
        } catch (PersistenceException e) {
            // Two first-time connects of the same identity raced on the unique key: the loser updates the winner's row.
            Log.infof("concurrent first connect of one %s identity; retrying as an update", p);
            upserted = QuarkusTransaction.requiringNew().call(() -> upsert(userId, p, grant, granted));
        }
        Account account = upserted.account();
        MDC.put("accountId", account.id.toString());
        try {
            Log.infof("%s account %s %s; announcing %s", p.name().toLowerCase(Locale.ROOT), account.id,
                    upserted.created() ? "connected" : "reconnected", upserted.eventType());
            meters.counter("connector.accounts.connected", "provider", p.name().toLowerCase(Locale.ROOT),
                    "outcome", upserted.created() ? "created" : "updated").increment();
            publisher.awaitPublished(upserted.queued());
            List<SharedMailbox> shared = upserted.created() ? List.of()
                    : QuarkusTransaction.requiringNew().call(() -> sharedMailboxes.forAccount(account.id));
            return new ConnectResult(upserted.created(), mapper.toView(account, List.of(), shared));
        } finally {
            MDC.remove("accountId");
        }
    }

    /**
     * The provider redirected with {@code error}/{@code error_description} instead of a code (forwarded by the
     * portal): the state is used up and the error is answered like a failed code exchange.
     */
    public ApiException authorizationFailed(Provider p, String userId, String state, String redirectUri, String error,
                                            String errorDescription) {
        OAuthProvider provider = configured(p);
        requireAllowedRedirect(redirectUri);
        if (state != null) {
            QuarkusTransaction.requiringNew().call(() -> consumeState(state, userId, p, redirectUri));
        }
        return exchangeFailure(p, provider.authorizationError(error, errorDescription, redirectUri));
    }

    private record ConsumedState(String verifier, List<String> requestedScopes) {
    }

    private ConsumedState consumeState(String state, String userId, Provider p, String redirectUri) {
        OAuthState s = states.findForUpdate(state)
                .filter(found -> found.userId.equals(userId) && found.provider == p)
                .orElseThrow(() -> ApiException.badRequest("invalid_state",
                        "The state is unknown or was issued to someone else."));
        if (s.usedAt != null) {
            throw ApiException.badRequest("state_already_used", "The state was already used; start the connect flow again.");
        }
        Instant now = clock.instant();
        if (!now.isBefore(s.expiresAt)) {
            throw ApiException.badRequest("state_expired", "The state expired; start the connect flow again.");
        }
        if (!s.redirectUri.equals(redirectUri)) {
            throw ApiException.badRequest("redirect_uri_mismatch",
                    "redirectUri differs from the one the authorize URL was made for.");
        }
        s.usedAt = now;
        return new ConsumedState(cipher.open(s.codeVerifierEnc, s.keyId, s.verifierAad()),
                List.of(s.requestedScopes.split(" ")));
    }

    /** The stored account, and the outbox ids of its {@code connected}/{@code scopes_changed} and sync request. */
    private record Upserted(Account account, boolean created, AccountEvent.Type eventType, List<Long> queued) {
    }

    private Upserted upsert(String userId, Provider p, TokenGrant grant, List<String> granted) {
        Instant now = clock.instant();
        Optional<Account> existing = accounts.findByProviderIdentityForUpdate(p, grant.identity().subject());
        Account a;
        boolean created;
        AccountEvent.Type type = AccountEvent.Type.CONNECTED;
        String keptRefreshToken = null;
        if (existing.isEmpty()) {
            a = new Account();
            a.id = UUID.randomUUID();
            a.createdAt = now;
            created = true;
        } else {
            // A live row (active or waiting for re-authorisation): the same account, reconnected.
            a = existing.get();
            if (!a.userId.equals(userId)) {
                throw ApiException.conflict("account_connected_by_another_user",
                        "This " + p.name().toLowerCase(Locale.ROOT) + " account is already connected by another user.");
            }
            created = false;
            if (a.status == Account.Status.ACTIVE && !new HashSet<>(a.scopeList()).equals(new HashSet<>(granted))) {
                type = AccountEvent.Type.SCOPES_CHANGED;
            }
            keptRefreshToken = cipher.open(a.refreshTokenEnc, a.tokenKeyId, a.refreshTokenAad());
        }
        a.userId = userId;
        a.provider = p;
        a.providerUserId = grant.identity().subject();
        a.email = grant.identity().email();
        a.scopes = String.join(" ", granted);
        a.status = Account.Status.ACTIVE;
        String refreshToken = grant.refreshToken() != null ? grant.refreshToken() : keptRefreshToken;
        a.tokenKeyId = cipher.activeKeyId();
        a.accessTokenEnc = cipher.seal(grant.accessToken(), a.accessTokenAad());
        a.refreshTokenEnc = cipher.seal(refreshToken, a.refreshTokenAad());
        a.accessTokenExpiresAt = grant.expiresAt();
        a.updatedAt = now;
        if (existing.isEmpty()) {
            accounts.persistAndFlush(a); // a unique-key race surfaces here, inside the transaction
        }
        // Announced in the same transaction (outbox): a stored account always gets its event and its first sync.
        List<Source> sources = sourcePolicy.enabledSources(a);
        List<Long> queued = new java.util.ArrayList<>(2);
        queued.add(publisher.publish(AccountEvent.of(type, a.id.toString(), a.userId, a.provider, a.email,
                a.scopeList(), sources, now)));
        if (!sources.isEmpty()) {
            queued.add(publisher.publish(SyncRequest.of(a.id.toString(), a.provider, sources, SyncRequest.Mode.AUTO,
                    SyncRequest.Reason.CONNECT, now)));
        }
        return new Upserted(a, created, type, queued);
    }

    private OAuthProvider configured(Provider p) {
        OAuthProvider provider = providers.get(p);
        if (!provider.configured()) {
            throw new ApiException(503, "provider_not_configured",
                    "The " + p.name().toLowerCase(Locale.ROOT) + " OAuth client is not configured on this server.");
        }
        return provider;
    }

    private void requireAllowedRedirect(String redirectUri) {
        if (redirectUri == null || redirectUri.isBlank()) {
            throw ApiException.badRequest("redirect_uri_required", "redirectUri is required.");
        }
        List<String> allowed = config.oauth().redirectUris().orElse(List.of());
        if (!allowed.contains(redirectUri)) {
            throw ApiException.badRequest("redirect_uri_not_allowed", "redirectUri is not on this server's allow-list.");
        }
    }

    private static ApiException exchangeFailure(Provider p, ProviderException e) {
        String name = p.name().toLowerCase(Locale.ROOT);
        Log.warnf("%s code exchange failed: %s (%s)", name, e.kind(), LogSafe.redact(e.providerError()));
        return switch (e.kind()) {
            case INVALID_GRANT -> ApiException.badRequest("authorization_code_invalid",
                    "The authorization code is invalid, expired or already used; start the connect flow again.");
            case REJECTED -> new ApiException(400, "authorization_rejected",
                    "The provider rejected the code exchange (" + e.providerError() + ").",
                    e.providerError() == null ? Map.of() : Map.of("providerError", e.providerError()));
            case MISCONFIGURED -> new ApiException(502, "provider_configuration_error",
                    "The provider rejected this server's OAuth client credentials.");
            case INVALID_RESPONSE -> new ApiException(502, "provider_response_invalid", e.getMessage());
            case UNAVAILABLE -> new ApiException(502, "provider_unavailable",
                    "The provider is unavailable; try again shortly.");
            case PERSONAL_ACCOUNT -> new ApiException(422, "personal_account_not_allowed",
                    "Personal Microsoft accounts (outlook.com, hotmail.com, live.com) can't be connected. "
                            + "Sign in with your work or school account instead.");
            case PKCE_MISMATCH -> ApiException.badRequest("authorization_code_not_for_this_state",
                    "The authorization code was not issued for the authorize URL of this state (PKCE verification "
                            + "failed); start the connect flow again from GET …/authorize-url.");
            case ID_TOKEN_INVALID -> new ApiException(502, "id_token_invalid",
                    "The provider's id_token failed verification; the account was not connected.");
            case EMAIL_NOT_VERIFIED -> new ApiException(422, "email_not_verified",
                    "The account's email address is not verified with the provider; verify it, then connect again.");
            case CONSENT_REQUIRED -> new ApiException(403, "admin_consent_required",
                    "Your organisation requires an administrator to approve this app before you can connect. "
                            + "Send the adminConsentUrl to your IT administrator, then connect again.",
                    e.adminConsentUrl() == null ? Map.of() : Map.of("adminConsentUrl", e.adminConsentUrl()));
        };
    }

    private String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

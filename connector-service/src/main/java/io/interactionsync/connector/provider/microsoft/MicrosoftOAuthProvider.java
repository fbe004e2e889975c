package io.interactionsync.connector.provider.microsoft;

import com.google.api.client.auth.oauth2.AuthorizationCodeRequestUrl;
import com.google.api.client.auth.oauth2.AuthorizationCodeTokenRequest;
import com.google.api.client.auth.oauth2.ClientParametersAuthentication;
import com.google.api.client.auth.oauth2.RefreshTokenRequest;
import com.google.api.client.auth.oauth2.TokenResponse;
import com.google.api.client.auth.oauth2.TokenResponseException;
import com.google.api.client.http.GenericUrl;
import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.connector.provider.AuthorizationRequest;
import io.interactionsync.connector.provider.IdTokenVerifier;
import io.interactionsync.connector.provider.OAuthHttpClient;
import io.interactionsync.connector.provider.OAuthProvider;
import io.interactionsync.connector.provider.ProviderException;
import io.interactionsync.connector.provider.ProviderException.Kind;
import io.interactionsync.connector.provider.ProviderIdentity;
import io.interactionsync.connector.provider.TokenGrant;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

/**
 * Microsoft identity platform v2 (work and school accounts) with the generic OAuth 2.0 client of
 * {@code google-api-client} ({@code AuthorizationCodeTokenRequest}, {@code RefreshTokenRequest},
 * client_secret_post): authorize URL with PKCE, code exchange, refresh with rotation. Microsoft has no
 * endpoint that revokes a refresh token for a confidential web client, so {@link #revoke} does nothing:
 * disconnect erases the tokens and the user can remove the app's consent at myapps.microsoft.com.
 */
@ApplicationScoped
public class MicrosoftOAuthProvider implements OAuthProvider {

    /** Per-source choices of the authorize-url {@code scopes} parameter. */
    static final Map<String, String> SCOPE_CHOICES = Map.of(
            "mail", MicrosoftScopes.MAIL_READ_BASIC,
            "calendar", MicrosoftScopes.CALENDARS_READ_BASIC,
            "sharedmail", MicrosoftScopes.MAIL_READ_BASIC_SHARED,
            "sharedcalendar", MicrosoftScopes.CALENDARS_READ_SHARED);

    private static final List<String> IDENTITY_SCOPES = List.of(MicrosoftScopes.OFFLINE_ACCESS, MicrosoftScopes.OPENID,
            MicrosoftScopes.PROFILE, MicrosoftScopes.EMAIL, MicrosoftScopes.USER_READ);
    private static final Set<String> OIDC = Set.of("offline_access", "openid", "profile", "email");
    private static final long DEFAULT_EXPIRES_IN_SECONDS = 3600;

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final ConnectorConfig.Microsoft config;
    private final OAuthHttpClient http;
    private final IdTokenVerifier idTokens;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public MicrosoftOAuthProvider(ConnectorConfig config, Clock clock) {
        this.config = config.microsoft();
        this.clock = clock;
        this.http = new OAuthHttpClient("connector.microsoft", this.config.clientId(), this.config.clientSecret(),
                this.config.timeout());
        this.idTokens = new IdTokenVerifier("Microsoft", this.config.jwksUrl()
                .orElseGet(() -> authority() + "/" + this.config.tenant() + "/discovery/v2.0/keys"), this.config.timeout());
    }

    @Override
    public Provider provider() {
        return Provider.MICROSOFT;
    }

    @Override
    public boolean configured() {
        return http.configured();
    }

    @Override
    public List<Source> sources() {
        return List.of(Source.OUTLOOK_MAIL, Source.OUTLOOK_CALENDAR);
    }

    @Override
    public List<String> scopesFor(List<String> choices) {
        Set<String> scopes = new LinkedHashSet<>(IDENTITY_SCOPES);
        for (String choice : choices) {
            String scope = SCOPE_CHOICES.get(choice.trim().toLowerCase(Locale.ROOT));
            if (scope == null) {
                throw new IllegalArgumentException("unknown scope choice '" + choice
                        + "' (allowed: mail, calendar, sharedMail, sharedCalendar)");
            }
            scopes.add(scope);
        }
        return List.copyOf(scopes);
    }

    @Override
    public Set<Source> sourcesAllowedBy(Collection<String> grantedScopes) {
        Set<Source> sources = EnumSet.noneOf(Source.class);
        if (MicrosoftScopes.anyOf(grantedScopes, MicrosoftScopes.OWN_MAIL)) {
            sources.add(Source.OUTLOOK_MAIL);
        }
        if (MicrosoftScopes.anyOf(grantedScopes, MicrosoftScopes.OWN_CALENDAR)) {
            sources.add(Source.OUTLOOK_CALENDAR);
        }
        return sources;
    }

    @Override
    public boolean allowsSharedMailboxes(Collection<String> grantedScopes) {
        return MicrosoftScopes.anyOf(grantedScopes, MicrosoftScopes.SHARED_MAIL);
    }

    @Override
    public String authorizeUrl(AuthorizationRequest request) {
        return new AuthorizationCodeRequestUrl(endpoint("oauth2/v2.0/authorize"), http.clientId())
                .setRedirectUri(request.redirectUri())
                .setScopes(request.scopes())
                .setState(request.state())
                .set("response_mode", "query")
                .set("code_challenge", request.codeChallenge())
                .set("code_challenge_method", "S256")
                .build();
    }

    @Override
    public TokenGrant exchangeCode(String code, String redirectUri, String codeVerifier) {
        AuthorizationCodeTokenRequest request = new AuthorizationCodeTokenRequest(http.transport(), http.json(),
                new GenericUrl(endpoint("oauth2/v2.0/token")), code)
                .setRedirectUri(redirectUri)
                .setClientAuthentication(new ClientParametersAuthentication(http.clientId(), http.clientSecret()))
                .setRequestInitializer(http.timeouts());
        request.set("code_verifier", Objects.requireNonNull(codeVerifier, "codeVerifier"));
        TokenResponse response = execute(request::execute, "authorization code exchange", redirectUri);
        Object rawIdToken = response.get("id_token");
        if (!(rawIdToken instanceof String idTokenText)) {
            throw new ProviderException(Kind.INVALID_RESPONSE, null, "Microsoft token response has no id_token");
        }
        ProviderIdentity identity = identity(idTokens.verify(idTokenText, http.clientId(), issuerOfTenant(config.idTokenIssuer())),
                config.tenant(), idTokens);
        return toGrant(response, identity);
    }

    /** {@code iss} = the issuer template with the token's own {@code tid} (Microsoft's multi-tenant rule). */
    static IdTokenVerifier.IssuerRule issuerOfTenant(String template) {
        return (issuer, claims) -> {
            String tid = claims.getStringClaimValue("tid");
            return tid != null && issuer != null && issuer.equals(template.replace("{tenantid}", tid));
        };
    }

    /**
     * The identity in verified id_token claims: {@code oid} and {@code tid} (both GUIDs; the account key is
     * {@code oid.tid}, as MSAL's home account id — {@code oid} alone is unique only within a tenant), a work or
     * school tenant (not the consumer one), the configured tenant when it names one, and
     * {@code preferred_username} as the address.
     */
    static ProviderIdentity identity(JwtClaims claims, String configuredTenant, IdTokenVerifier idTokens) {
        try {
            String tid = claims.getStringClaimValue("tid");
            String oid = claims.getStringClaimValue("oid");
            String username = claims.getStringClaimValue("preferred_username");
            if (tid == null || !GUID.matcher(tid).matches() || oid == null || !GUID.matcher(oid).matches()) {
                throw idTokens.invalid("tid or oid missing or not a GUID");
            }
            if (MicrosoftErrors.CONSUMER_TENANT_ID.equals(tid)) {
                throw new ProviderException(Kind.PERSONAL_ACCOUNT, "consumer_tenant", "Microsoft personal account");
            }
            if (GUID.matcher(configuredTenant).matches() && !configuredTenant.equalsIgnoreCase(tid)) {
                throw idTokens.invalid("tid is not the configured tenant");
            }
            if (username == null || username.isBlank()) {
                throw idTokens.invalid("no preferred_username");
            }
            return new ProviderIdentity(oid + "." + tid, username.toLowerCase(Locale.ROOT));
        } catch (MalformedClaimException e) {
            throw idTokens.invalid("malformed tid, oid or preferred_username");
        }
    }

    /**
     * Microsoft: "if omitted, the token is for the scopes requested on the initial leg of the flow" (identity
     * platform token response). Incremental consent cannot drop a scope silently there, unlike Google's granular
     * consent.
     */
    @Override
    public List<String> scopesWhenUnreported(List<String> requested) {
        return requested;
    }

    @Override
    public TokenGrant refresh(String refreshToken) {
        return refresh(refreshToken, List.of());
    }

    @Override
    public TokenGrant refresh(String refreshToken, Collection<String> grantedScopes) {
        RefreshTokenRequest request = new RefreshTokenRequest(http.transport(), http.json(),
                new GenericUrl(endpoint("oauth2/v2.0/token")), refreshToken)
                .setClientAuthentication(new ClientParametersAuthentication(http.clientId(), http.clientSecret()))
                .setRequestInitializer(http.timeouts());
        if (!grantedScopes.isEmpty()) {
            request.setScopes(requestScopes(grantedScopes));
        }
        TokenGrant grant = toGrant(execute(request::execute, "token refresh", null), null);
        if (grant.refreshToken() == null) {
            // Microsoft rotates on every refresh; a missing one would leave us with a token that ages out.
            throw new ProviderException(Kind.INVALID_RESPONSE, null, "Microsoft refresh response has no refresh_token");
        }
        return grant;
    }

    /** Microsoft has no refresh-token revocation endpoint for this client type: nothing to call. */
    @Override
    public void revoke(String token) {
        // Intentionally empty; see the class comment and README ("Disconnect").
    }

    @Override
    public ProviderException authorizationError(String error, String errorDescription, String redirectUri) {
        return classify(error, errorDescription, redirectUri, "authorization");
    }

    /** {@code <authority>/{tenant}/v2.0/adminconsent?client_id&scope&redirect_uri&state} (API-FACTS). */
    String adminConsentUrl(String redirectUri) {
        String scopes = String.join(" ", List.of(MicrosoftScopes.USER_READ, MicrosoftScopes.MAIL_READ_BASIC,
                MicrosoftScopes.CALENDARS_READ_BASIC, MicrosoftScopes.MAIL_READ_BASIC_SHARED,
                MicrosoftScopes.CALENDARS_READ_SHARED));
        byte[] state = new byte[16];
        random.nextBytes(state);
        String tenant = Set.of("common", "consumers").contains(config.tenant()) ? "organizations" : config.tenant();
        return authority() + "/" + tenant + "/v2.0/adminconsent?client_id=" + enc(http.clientId()) + "&scope=" + enc(scopes)
                + "&redirect_uri=" + enc(redirectUri == null ? "" : redirectUri)
                + "&state=" + Base64.getUrlEncoder().withoutPadding().encodeToString(state);
    }

    private List<String> requestScopes(Collection<String> granted) {
        Set<String> scopes = new LinkedHashSet<>(List.of("offline_access", "openid", "profile", "email"));
        for (String s : granted) {
            String lower = s.toLowerCase(Locale.ROOT);
            scopes.add(OIDC.contains(lower) ? lower : s.startsWith("https://") ? s : MicrosoftScopes.GRAPH + s);
        }
        return List.copyOf(scopes);
    }

    private TokenGrant toGrant(TokenResponse response, ProviderIdentity identity) {
        if (response.getAccessToken() == null) {
            throw new ProviderException(Kind.INVALID_RESPONSE, null, "Microsoft token response has no access_token");
        }
        long expiresIn = response.getExpiresInSeconds() == null ? DEFAULT_EXPIRES_IN_SECONDS : response.getExpiresInSeconds();
        List<String> scopes = response.getScope() == null ? null
                : Arrays.stream(response.getScope().trim().split("\\s+")).filter(s -> !s.isBlank()).distinct().toList();
        return new TokenGrant(response.getAccessToken(), response.getRefreshToken(),
                Instant.now(clock).plusSeconds(expiresIn), scopes, identity);
    }

    private interface TokenCall {
        TokenResponse call() throws IOException;
    }

    private TokenResponse execute(TokenCall call, String what, String redirectUri) {
        try {
            return call.call();
        } catch (TokenResponseException e) {
            String error = e.getDetails() == null ? null : e.getDetails().getError();
            String description = e.getDetails() == null ? null : e.getDetails().getErrorDescription();
            int status = e.getStatusCode();
            if (status >= 500 || status == 429 || error == null) {
                throw new ProviderException(Kind.UNAVAILABLE, error, "Microsoft " + what + " answered " + status);
            }
            throw classify(error, description, redirectUri, what);
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, null, "Microsoft " + what + " failed: " + e.getClass().getSimpleName());
        }
    }

    private ProviderException classify(String error, String description, String redirectUri, String what) {
        String aadsts = MicrosoftErrors.aadsts(description);
        String code = aadsts != null ? aadsts : error;
        String message = "Microsoft " + what + ": " + error + (aadsts == null ? "" : " " + aadsts);
        if (aadsts != null && MicrosoftErrors.PERSONAL.contains(aadsts)) {
            return new ProviderException(Kind.PERSONAL_ACCOUNT, code, message);
        }
        if ((aadsts != null && MicrosoftErrors.CONSENT.contains(aadsts)) || "consent_required".equals(error)) {
            return new ProviderException(Kind.CONSENT_REQUIRED, code, message, adminConsentUrl(redirectUri));
        }
        if (aadsts != null && MicrosoftErrors.PKCE.contains(aadsts)) {
            return new ProviderException(Kind.PKCE_MISMATCH, code, message);
        }
        if ("invalid_grant".equals(error) || "interaction_required".equals(error)
                || (aadsts != null && MicrosoftErrors.GRANT_GONE.contains(aadsts))) {
            return new ProviderException(Kind.INVALID_GRANT, code, message);
        }
        if ("invalid_client".equals(error) || "unauthorized_client".equals(error)) {
            return new ProviderException(Kind.MISCONFIGURED, code, message);
        }
        if ("temporarily_unavailable".equals(error) || "server_error".equals(error)) {
            return new ProviderException(Kind.UNAVAILABLE, code, message);
        }
        return new ProviderException(Kind.REJECTED, code, message);
    }

    private String endpoint(String path) {
        return authority() + "/" + config.tenant() + "/" + path;
    }

    private String authority() {
        String a = config.authorityUrl();
        return a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

}

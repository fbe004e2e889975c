package io.interactionsync.connector.provider.google;

import com.google.api.client.auth.oauth2.TokenResponseException;
import com.google.api.client.googleapis.auth.oauth2.GoogleAuthorizationCodeRequestUrl;
import com.google.api.client.googleapis.auth.oauth2.GoogleAuthorizationCodeTokenRequest;
import com.google.api.client.googleapis.auth.oauth2.GoogleRefreshTokenRequest;
import com.google.api.client.googleapis.auth.oauth2.GoogleTokenResponse;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.UrlEncodedContent;
import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.connector.provider.IdTokenVerifier;
import io.interactionsync.connector.provider.AuthorizationRequest;
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
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

/**
 * Google OAuth 2.0 through Google's own client library ({@code google-api-client}): authorize URL,
 * authorization-code exchange with PKCE, refresh and revocation, against configurable endpoints.
 */
@ApplicationScoped
public class GoogleOAuthProvider implements OAuthProvider {

    /** Per-source choices of the authorize-url {@code scopes} parameter. */
    static final Map<String, String> SCOPE_CHOICES = Map.of(
            "gmail", GoogleScopes.GMAIL_METADATA,
            "calendar", GoogleScopes.CALENDAR_READONLY,
            "contacts", GoogleScopes.CONTACTS_READONLY);

    private static final Map<Source, String> SOURCE_SCOPES = new LinkedHashMap<>();

    static {
        SOURCE_SCOPES.put(Source.GMAIL, GoogleScopes.GMAIL_METADATA);
        SOURCE_SCOPES.put(Source.GOOGLE_CALENDAR, GoogleScopes.CALENDAR_READONLY);
    }

    private static final long DEFAULT_EXPIRES_IN_SECONDS = 3600;
    /** Google's error_description when the verifier does not fit the code (wrong one, or the code had no challenge). */
    private static final Set<String> PKCE_FAILURES = Set.of("Invalid code verifier.",
            "code_verifier or verifier is not needed.");

    private final ConnectorConfig.Google config;
    private final OAuthHttpClient http;
    private final IdTokenVerifier idTokens;
    private final Clock clock;

    public GoogleOAuthProvider(ConnectorConfig config, Clock clock) {
        this.config = config.google();
        this.clock = clock;
        this.http = new OAuthHttpClient("connector.google", this.config.clientId(), this.config.clientSecret(),
                this.config.timeout());
        this.idTokens = new IdTokenVerifier("Google", this.config.jwksUrl(), this.config.timeout());
    }

    @Override
    public Provider provider() {
        return Provider.GOOGLE;
    }

    @Override
    public boolean configured() {
        return http.configured();
    }

    @Override
    public List<Source> sources() {
        return List.copyOf(SOURCE_SCOPES.keySet());
    }

    @Override
    public List<String> scopesFor(List<String> choices) {
        Set<String> scopes = new LinkedHashSet<>(List.of(GoogleScopes.OPENID, GoogleScopes.EMAIL, GoogleScopes.PROFILE));
        for (String choice : choices) {
            String scope = SCOPE_CHOICES.get(choice.trim().toLowerCase(Locale.ROOT));
            if (scope == null) {
                throw new IllegalArgumentException("unknown scope choice '" + choice + "' (allowed: gmail, calendar, contacts)");
            }
            scopes.add(scope);
        }
        return List.copyOf(scopes);
    }

    @Override
    public Set<Source> sourcesAllowedBy(Collection<String> grantedScopes) {
        Set<Source> sources = EnumSet.noneOf(Source.class);
        SOURCE_SCOPES.forEach((source, scope) -> {
            if (grantedScopes.contains(scope)) {
                sources.add(source);
            }
        });
        return sources;
    }

    @Override
    public String authorizeUrl(AuthorizationRequest request) {
        return new GoogleAuthorizationCodeRequestUrl(config.authorizeUrl(), http.clientId(), request.redirectUri(),
                request.scopes())
                .setAccessType("offline")
                .setState(request.state())
                .set("include_granted_scopes", "true")
                .set("prompt", "consent")
                .set("code_challenge", request.codeChallenge())
                .set("code_challenge_method", "S256")
                .build();
    }

    @Override
    public TokenGrant exchangeCode(String code, String redirectUri, String codeVerifier) {
        GoogleAuthorizationCodeTokenRequest request = new GoogleAuthorizationCodeTokenRequest(http.transport(),
                http.json(), config.tokenUrl(), http.clientId(), http.clientSecret(), code, redirectUri);
        request.setRequestInitializer(http.timeouts());
        request.set("code_verifier", Objects.requireNonNull(codeVerifier, "codeVerifier"));
        GoogleTokenResponse response = execute(() -> request.execute(), "authorization code exchange");
        if (response.getIdToken() == null) {
            throw new ProviderException(Kind.INVALID_RESPONSE, null, "Google token response has no id_token");
        }
        JwtClaims claims = idTokens.verify(response.getIdToken(), http.clientId(),
                (issuer, c) -> config.idTokenIssuers().contains(issuer));
        ProviderIdentity identity = identity(claims, idTokens);
        return toGrant(response, identity);
    }

    /**
     * The identity in verified id_token claims: {@code sub} and an address Google has verified
     * ({@code email_verified} true — an unverified address could be anyone's).
     */
    static ProviderIdentity identity(JwtClaims claims, IdTokenVerifier idTokens) {
        try {
            String email = claims.getStringClaimValue("email");
            if (email == null || email.isBlank()) {
                throw idTokens.invalid("no email (the email scope was not granted)");
            }
            Object verified = claims.getClaimValue("email_verified");
            if (!(Boolean.TRUE.equals(verified) || "true".equals(verified))) {
                throw new ProviderException(Kind.EMAIL_NOT_VERIFIED, null, "Google id_token: email not verified");
            }
            return new ProviderIdentity(claims.getSubject(), email.toLowerCase(Locale.ROOT));
        } catch (MalformedClaimException e) {
            throw idTokens.invalid("malformed sub or email");
        }
    }

    /** Google documents {@code scope} in every token response: without it, nothing counts as granted. */
    @Override
    public List<String> scopesWhenUnreported(List<String> requested) {
        return List.of();
    }

    @Override
    public TokenGrant refresh(String refreshToken) {
        GoogleRefreshTokenRequest request = new GoogleRefreshTokenRequest(http.transport(), http.json(), refreshToken,
                http.clientId(), http.clientSecret());
        request.setTokenServerUrl(new GenericUrl(config.tokenUrl()));
        request.setRequestInitializer(http.timeouts());
        return toGrant(execute(() -> request.execute(), "token refresh"), null);
    }

    @Override
    public void revoke(String token) {
        try {
            HttpRequest request = http.transport().createRequestFactory(http.timeouts())
                    .buildPostRequest(new GenericUrl(config.revokeUrl()), new UrlEncodedContent(Map.of("token", token)));
            request.setThrowExceptionOnExecuteError(false);
            HttpResponse response = request.execute();
            try {
                int status = response.getStatusCode();
                // 400 = the token is already invalid: the grant is gone either way.
                if (status >= 500) {
                    throw new ProviderException(Kind.UNAVAILABLE, null, "Google revoke answered " + status);
                }
            } finally {
                response.disconnect();
            }
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, null, "Google revoke failed: " + e.getClass().getSimpleName());
        }
    }

    private TokenGrant toGrant(GoogleTokenResponse response, ProviderIdentity identity) {
        if (response.getAccessToken() == null) {
            throw new ProviderException(Kind.INVALID_RESPONSE, null, "Google token response has no access_token");
        }
        long expiresIn = response.getExpiresInSeconds() == null ? DEFAULT_EXPIRES_IN_SECONDS : response.getExpiresInSeconds();
        List<String> scopes = response.getScope() == null ? null
                : Arrays.stream(response.getScope().trim().split("\\s+")).filter(s -> !s.isBlank()).distinct().toList();
        return new TokenGrant(response.getAccessToken(), response.getRefreshToken(),
                Instant.now(clock).plusSeconds(expiresIn), scopes, identity);
    }

    private interface TokenCall {
        GoogleTokenResponse call() throws IOException;
    }

    private static GoogleTokenResponse execute(TokenCall call, String what) {
        try {
            return call.call();
        } catch (TokenResponseException e) {
            String error = e.getDetails() == null ? null : e.getDetails().getError();
            int status = e.getStatusCode();
            String description = e.getDetails() == null ? null : e.getDetails().getErrorDescription();
            if ("invalid_grant".equals(error) && PKCE_FAILURES.contains(description)) {
                // Our verifier does not belong to the code: it was issued for another authorize request (or none).
                throw new ProviderException(Kind.PKCE_MISMATCH, error, "Google " + what + ": " + description);
            }
            if ("invalid_grant".equals(error)) {
                throw new ProviderException(Kind.INVALID_GRANT, error, "Google " + what + ": invalid_grant");
            }
            if ("invalid_client".equals(error) || "unauthorized_client".equals(error)) {
                throw new ProviderException(Kind.MISCONFIGURED, error, "Google " + what + ": " + error);
            }
            if (status >= 500 || status == 429 || error == null) {
                throw new ProviderException(Kind.UNAVAILABLE, error, "Google " + what + " answered " + status);
            }
            throw new ProviderException(Kind.REJECTED, error, "Google " + what + ": " + error);
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, null, "Google " + what + " failed: " + e.getClass().getSimpleName());
        }
    }

}

package io.interactionsync.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Imitates the connector's {@code POST /internal/v1/accounts/{id}/access-token} inside a sync service's test app,
 * with REAL OAuth against the provider emulator: authorize with login_hint → code → token endpoint with the local
 * client of the provider named by {@code fake-connector.provider} ({@code google} or {@code microsoft}), and the
 * refresh_token grant when the caller reports a rejected token (keeping a rotated refresh token). Unknown account →
 * 404 problem; a refresh answered invalid_grant → 409 reauth_required; a bearer that is not this provider's sync
 * service's client-credentials token with the internal audience → 403 {@code client_not_allowed}, as the connector
 * answers. It also remembers the Authorization header it was called with (the service JWT the OIDC client filter adds).
 *
 * <p>A test app serves it when its test profile indexes this module and names the provider:
 * {@code %test.quarkus.index-dependency.test-support.group-id=io.interactionsync},
 * {@code %test.quarkus.index-dependency.test-support.artifact-id=test-support},
 * {@code %test.fake-connector.provider=google}. Never in the connector's own tests: it owns this path.
 */
@Path("/internal/v1/accounts")
public class FakeConnectorResource {

    /** The emulator's OAuth endpoints and the local OAuth client of each provider (SPEC §3.6). */
    public enum Provider {
        GOOGLE("google", "local-google-client", "local-google-secret", "http://localhost:3000/auth/google/callback",
                "openid email profile https://www.googleapis.com/auth/gmail.metadata "
                        + "https://www.googleapis.com/auth/calendar.readonly",
                "/accounts.google.com/o/oauth2/v2/auth", "&access_type=offline&prompt=consent",
                "/oauth2.googleapis.com/token", false),
        MICROSOFT("microsoft", "local-ms-client", "local-ms-secret", "http://localhost:3000/auth/microsoft/callback",
                "openid profile email offline_access User.Read Mail.ReadBasic Mail.ReadBasic.Shared Calendars.ReadBasic",
                "/login.microsoftonline.com/organizations/oauth2/v2.0/authorize", "",
                "/login.microsoftonline.com/organizations/oauth2/v2.0/token", true);

        final String id;
        final String clientId;
        final String clientSecret;
        final String redirectUri;
        /** What an account is connected with unless its test asks for other scopes. */
        public final String defaultScopes;
        final String authorizePath;
        final String authorizeExtras;
        final String tokenPath;
        /** The Microsoft identity platform wants the scopes again on every token request; Google does not. */
        final boolean scopeOnTokenRequests;

        Provider(String id, String clientId, String clientSecret, String redirectUri, String defaultScopes,
                 String authorizePath, String authorizeExtras, String tokenPath, boolean scopeOnTokenRequests) {
            this.id = id;
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            this.redirectUri = redirectUri;
            this.defaultScopes = defaultScopes;
            this.authorizePath = authorizePath;
            this.authorizeExtras = authorizeExtras;
            this.tokenPath = tokenPath;
            this.scopeOnTokenRequests = scopeOnTokenRequests;
        }

        static Provider of(String name) {
            for (Provider p : values()) {
                if (p.id.equals(name.strip().toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
            throw new IllegalArgumentException("fake-connector.provider must be google or microsoft, not " + name);
        }
    }

    /** The audience the connector requires of service tokens. */
    public static final String INTERNAL_AUDIENCE = "interaction-sync-internal";

    /** accountId → account. Tests register theirs with {@link #register}. */
    private static final Map<String, Account> ACCOUNTS = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static volatile String lastAuthorization;

    private final String emulator;
    private final Provider provider;

    public FakeConnectorResource(@ConfigProperty(name = "emulator.base-url") String emulator,
                                 @ConfigProperty(name = "fake-connector.provider") String provider) {
        this.emulator = emulator;
        this.provider = Provider.of(provider);
    }

    /** Connects {@code email} (a loaded emulator user) as a new account with the provider's default scopes. */
    public static String register(String email) {
        return register(email, null);
    }

    /** Connects {@code email} asking for {@code scopes} (space separated; null: the provider's default). */
    public static String register(String email, String scopes) {
        String accountId = "acc-" + UUID.randomUUID();
        ACCOUNTS.put(accountId, new Account(accountId, "user-" + email, email, scopes));
        return accountId;
    }

    public static String userId(String accountId) {
        return ACCOUNTS.get(accountId).userId;
    }

    /** The next tokens handed out for the account are {@code tokens}, in order (e.g. ones the API will reject). */
    public static void handOutNext(String accountId, String... tokens) {
        ACCOUNTS.get(accountId).forced.addAll(List.of(tokens));
    }

    /** Every request for the account answers 409 reauth_required. */
    public static void requireReauth(String accountId) {
        ACCOUNTS.get(accountId).reauthRequired = true;
    }

    public static Optional<String> lastAuthorization() {
        return Optional.ofNullable(lastAuthorization);
    }

    @POST
    @Path("/{id}/access-token")
    public Response accessToken(@PathParam("id") String id, @HeaderParam("Authorization") String authorization,
                                String body) throws IOException, InterruptedException {
        lastAuthorization = authorization;
        String refusal = refusal(authorization, provider.id + "-sync-service");
        if (refusal != null) {
            return problem(403, "client_not_allowed", refusal);
        }
        Account account = ACCOUNTS.get(id);
        if (account == null) {
            return problem(404, "account_not_found", "no such account");
        }
        String rejected = null;
        if (body != null && !body.isBlank()) {
            rejected = Json.mapper().readTree(body).path("rejectedAccessToken").asText(null);
        }
        synchronized (account) {
            if (account.reauthRequired) {
                return problem(409, "reauth_required", "the refresh token was rejected");
            }
            String forced = account.forced.poll();
            if (forced != null) {
                return ok(account, forced, Instant.now().plusSeconds(3600));
            }
            if (account.accessToken == null) {
                exchangeCode(account);
            } else if (rejected != null && rejected.equals(account.accessToken)) {
                JsonNode refreshed = tokenRequest("grant_type=refresh_token&refresh_token=" + enc(account.refreshToken)
                        + scopeParameter(account));
                if (refreshed.has("error")) {
                    account.reauthRequired = true;
                    return problem(409, "reauth_required", refreshed.path("error").asText());
                }
                account.accessToken = refreshed.get("access_token").asText();
                account.expiresAt = Instant.now().plusSeconds(refreshed.get("expires_in").asLong());
                if (refreshed.hasNonNull("refresh_token")) {
                    account.refreshToken = refreshed.get("refresh_token").asText(); // rotation: keep the new one
                }
            }
            return ok(account, account.accessToken, account.expiresAt);
        }
    }

    /**
     * What the connector checks of the caller (issue 17), without the signature: a client-credentials token of this
     * provider's sync service — {@code sub} = {@code client_id} (= {@code azp}) and {@code aud} holding
     * {@value #INTERNAL_AUDIENCE}. Null when it fits; so a sync service whose OIDC client config would be refused by
     * the real connector fails its tests here.
     */
    static String refusal(String authorization, String expectedClient) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return "no bearer token";
        }
        String[] parts = authorization.substring(7).trim().split("\\.");
        if (parts.length != 3) {
            return "not a JWT";
        }
        try {
            JsonNode claims = Json.mapper().readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
            String clientId = claims.path("client_id").asText(null);
            JsonNode aud = claims.path("aud");
            boolean audience = aud.isArray() ? java.util.stream.StreamSupport.stream(aud.spliterator(), false)
                    .anyMatch(a -> INTERNAL_AUDIENCE.equals(a.asText())) : INTERNAL_AUDIENCE.equals(aud.asText());
            if (!expectedClient.equals(clientId) || !clientId.equals(claims.path("sub").asText())
                    || (claims.has("azp") && !clientId.equals(claims.path("azp").asText())) || !audience) {
                return "not a client-credentials token of " + expectedClient + " for " + INTERNAL_AUDIENCE;
            }
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return "unreadable JWT";
        }
    }

    private void exchangeCode(Account account) throws IOException, InterruptedException {
        String authorize = emulator + provider.authorizePath + "?client_id=" + enc(provider.clientId)
                + "&redirect_uri=" + enc(provider.redirectUri) + "&response_type=code" + provider.authorizeExtras
                + "&scope=" + enc(scopes(account)) + "&login_hint=" + enc(account.email) + "&state=test";
        HttpResponse<String> redirect = HTTP.send(HttpRequest.newBuilder(URI.create(authorize)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String location = redirect.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("authorize answered " + redirect.statusCode() + ": " + redirect.body()));
        String code = null;
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            if (pair.startsWith("code=")) {
                code = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
        }
        if (code == null) {
            throw new IllegalStateException("no code in " + location);
        }
        JsonNode token = tokenRequest("grant_type=authorization_code&code=" + enc(code) + "&redirect_uri="
                + enc(provider.redirectUri) + scopeParameter(account));
        if (!token.has("access_token")) {
            throw new IllegalStateException("code exchange failed: " + token);
        }
        account.accessToken = token.get("access_token").asText();
        account.refreshToken = token.path("refresh_token").asText(null);
        account.expiresAt = Instant.now().plusSeconds(token.get("expires_in").asLong());
        account.grantedScopes = List.of(token.path("scope").asText(scopes(account)).split(" "));
    }

    private JsonNode tokenRequest(String form) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(emulator + provider.tokenPath))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form + "&client_id=" + enc(provider.clientId) + "&client_secret="
                        + enc(provider.clientSecret))).build(), HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(response.body());
    }

    private String scopes(Account account) {
        return account.scopes == null ? provider.defaultScopes : account.scopes;
    }

    private String scopeParameter(Account account) {
        return provider.scopeOnTokenRequests ? "&scope=" + enc(scopes(account)) : "";
    }

    private Response ok(Account account, String token, Instant expiresAt) {
        Map<String, Object> body = Map.of("accountId", account.id, "userId", account.userId, "provider", provider.id,
                "email", account.email, "accessToken", token, "expiresAt", expiresAt.toString(),
                "scopes", account.grantedScopes == null ? List.of(scopes(account).split(" ")) : account.grantedScopes);
        return Response.ok(body, MediaType.APPLICATION_JSON).build();
    }

    private static Response problem(int status, String code, String detail) {
        return Response.status(status).type("application/problem+json")
                .entity(Map.of("type", "about:blank", "title", code, "status", status, "code", code, "detail", detail))
                .build();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static final class Account {
        final String id;
        final String userId;
        final String email;
        /** Requested scopes; null: the provider's default. */
        final String scopes;
        final Queue<String> forced = new ConcurrentLinkedQueue<>();
        String accessToken;
        String refreshToken;
        Instant expiresAt;
        List<String> grantedScopes;
        volatile boolean reauthRequired;

        Account(String id, String userId, String email, String scopes) {
            this.id = id;
            this.userId = userId;
            this.email = email;
            this.scopes = scopes;
        }
    }
}

package io.interactionsync.microsoftsync.support;

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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Imitates the connector's {@code POST /internal/v1/accounts/{id}/access-token} inside the test app, with REAL OAuth
 * against the emulated Microsoft identity platform: authorize with login_hint → code → token endpoint with the local
 * Microsoft client, refresh_token grant (rotating refresh tokens) when the caller reports a rejected token. Unknown
 * account → 404 problem; a refresh answered invalid_grant → 409 reauth_required.
 */
@Path("/internal/v1/accounts")
public class FakeConnectorResource {

    static final String CLIENT_ID = "local-ms-client";
    static final String CLIENT_SECRET = "local-ms-secret";
    static final String REDIRECT_URI = "http://localhost:3000/auth/microsoft/callback";
    public static final String SCOPES = "openid profile email offline_access User.Read Mail.ReadBasic Mail.ReadBasic.Shared "
            + "Calendars.ReadBasic";

    private static final Map<String, Account> ACCOUNTS = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static volatile String lastAuthorization;

    private final String emulator;

    public FakeConnectorResource(@ConfigProperty(name = "emulator.base-url") String emulator) {
        this.emulator = emulator;
    }

    /** Connects {@code upn} (a loaded emulator user) as a new account and returns its id. */
    public static String register(String upn) {
        return register(upn, SCOPES);
    }

    public static String register(String upn, String scopes) {
        String accountId = "acc-" + UUID.randomUUID();
        ACCOUNTS.put(accountId, new Account(accountId, "user-" + upn, upn, scopes));
        return accountId;
    }

    public static String userId(String accountId) {
        return ACCOUNTS.get(accountId).userId;
    }

    /** The next tokens handed out for the account are {@code tokens}, in order (e.g. ones Graph will reject). */
    public static void handOutNext(String accountId, String... tokens) {
        ACCOUNTS.get(accountId).forced.addAll(List.of(tokens));
    }

    public static void requireReauth(String accountId) {
        ACCOUNTS.get(accountId).reauthRequired = true;
    }

    public static Optional<String> lastAuthorization() {
        return Optional.ofNullable(lastAuthorization);
    }

    /** A real access token for the account (for tests that drive the gateway directly). */
    public static String accessToken(String emulator, String accountId) throws IOException, InterruptedException {
        Account account = ACCOUNTS.get(accountId);
        synchronized (account) {
            if (account.accessToken == null) {
                new FakeConnectorResource(emulator).exchangeCode(account);
            }
            return account.accessToken;
        }
    }

    @POST
    @Path("/{id}/access-token")
    public Response accessToken(@PathParam("id") String id, @HeaderParam("Authorization") String authorization,
                                String body) throws IOException, InterruptedException {
        lastAuthorization = authorization;
        Account account = ACCOUNTS.get(id);
        if (account == null) {
            return problem(404, "account_not_found", "no such account");
        }
        String rejected = null;
        if (body != null && !body.isBlank()) {
            JsonNode json = Json.mapper().readTree(body);
            rejected = json.path("rejectedAccessToken").asText(null);
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
                        + "&scope=" + enc(account.scopes));
                if (refreshed.has("error")) {
                    account.reauthRequired = true;
                    return problem(409, "reauth_required", refreshed.path("error").asText());
                }
                account.accessToken = refreshed.get("access_token").asText();
                if (refreshed.hasNonNull("refresh_token")) {
                    account.refreshToken = refreshed.get("refresh_token").asText(); // rotation: keep the new one
                }
                account.expiresAt = Instant.now().plusSeconds(refreshed.get("expires_in").asLong());
            }
            return ok(account, account.accessToken, account.expiresAt);
        }
    }

    private void exchangeCode(Account account) throws IOException, InterruptedException {
        String authorize = emulator + "/login.microsoftonline.com/organizations/oauth2/v2.0/authorize?client_id=" + enc(CLIENT_ID)
                + "&redirect_uri=" + enc(REDIRECT_URI) + "&response_type=code&scope=" + enc(account.scopes)
                + "&login_hint=" + enc(account.email) + "&state=test";
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
        JsonNode token = tokenRequest("grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT_URI)
                + "&scope=" + enc(account.scopes));
        if (!token.has("access_token")) {
            throw new IllegalStateException("code exchange failed: " + token);
        }
        account.accessToken = token.get("access_token").asText();
        account.refreshToken = token.path("refresh_token").asText(null);
        account.expiresAt = Instant.now().plusSeconds(token.get("expires_in").asLong());
        account.grantedScopes = List.of(token.path("scope").asText(account.scopes).split(" "));
    }

    private JsonNode tokenRequest(String form) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(emulator + "/login.microsoftonline.com/organizations/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form + "&client_id=" + enc(CLIENT_ID) + "&client_secret="
                        + enc(CLIENT_SECRET))).build(), HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(response.body());
    }

    private static Response ok(Account account, String token, Instant expiresAt) {
        Map<String, Object> body = Map.of("accountId", account.id, "userId", account.userId, "provider", "microsoft",
                "email", account.email, "accessToken", token, "expiresAt", expiresAt.toString(),
                "scopes", account.grantedScopes == null ? List.of(account.scopes.split(" ")) : account.grantedScopes);
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
        final String scopes;
        String accessToken;
        String refreshToken;
        Instant expiresAt;
        List<String> grantedScopes;
        final java.util.Queue<String> forced = new java.util.concurrent.ConcurrentLinkedQueue<>();
        volatile boolean reauthRequired;

        Account(String id, String userId, String email, String scopes) {
            this.id = id;
            this.userId = userId;
            this.email = email;
            this.scopes = scopes;
        }
    }
}

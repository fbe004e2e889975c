package io.interactionsync.googlesync.support;

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
 * Imitates the connector's {@code POST /internal/v1/accounts/{id}/access-token} inside the test app, with REAL
 * OAuth against the emulator: authorize with login_hint → code → token endpoint with the local Google client,
 * refresh_token grant when the caller reports a rejected token. Unknown account → 404 problem; a refresh
 * answered invalid_grant → 409 reauth_required. It also remembers the Authorization header it was called with
 * (the service JWT the OIDC client filter adds).
 */
@Path("/internal/v1/accounts")
public class FakeConnectorResource {

    static final String CLIENT_ID = "local-google-client";
    static final String CLIENT_SECRET = "local-google-secret";
    static final String REDIRECT_URI = "http://localhost:3000/auth/google/callback";
    static final String SCOPES = "openid email profile https://www.googleapis.com/auth/gmail.metadata "
            + "https://www.googleapis.com/auth/calendar.readonly";

    /** accountId → account. Tests register theirs with {@link #register}. */
    private static final Map<String, Account> ACCOUNTS = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static volatile String lastAuthorization;

    private final String emulator;

    public FakeConnectorResource(@ConfigProperty(name = "emulator.base-url") String emulator) {
        this.emulator = emulator;
    }

    /** Connects {@code email} (a loaded emulator user) as a new account and returns its id. */
    public static String register(String email) {
        String accountId = "acc-" + UUID.randomUUID();
        ACCOUNTS.put(accountId, new Account(accountId, "user-" + email, email));
        return accountId;
    }

    /** The next tokens handed out for the account are {@code tokens}, in order (e.g. ones Gmail will reject). */
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
                JsonNode refreshed = tokenRequest("grant_type=refresh_token&refresh_token=" + enc(account.refreshToken));
                if (refreshed.has("error")) {
                    account.reauthRequired = true;
                    return problem(409, "reauth_required", refreshed.path("error").asText());
                }
                account.accessToken = refreshed.get("access_token").asText();
                account.expiresAt = Instant.now().plusSeconds(refreshed.get("expires_in").asLong());
            }
            return ok(account, account.accessToken, account.expiresAt);
        }
    }

    private void exchangeCode(Account account) throws IOException, InterruptedException {
        String authorize = emulator + "/accounts.google.com/o/oauth2/v2/auth?client_id=" + enc(CLIENT_ID)
                + "&redirect_uri=" + enc(REDIRECT_URI) + "&response_type=code&access_type=offline&prompt=consent"
                + "&scope=" + enc(SCOPES) + "&login_hint=" + enc(account.email) + "&state=test";
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
        JsonNode token = tokenRequest("grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT_URI));
        if (!token.has("access_token")) {
            throw new IllegalStateException("code exchange failed: " + token);
        }
        account.accessToken = token.get("access_token").asText();
        account.refreshToken = token.path("refresh_token").asText(null);
        account.expiresAt = Instant.now().plusSeconds(token.get("expires_in").asLong());
        account.scopes = List.of(token.path("scope").asText(SCOPES).split(" "));
    }

    private JsonNode tokenRequest(String form) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(emulator + "/oauth2.googleapis.com/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form + "&client_id=" + enc(CLIENT_ID) + "&client_secret="
                        + enc(CLIENT_SECRET))).build(), HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(response.body());
    }

    private static Response ok(Account account, String token, Instant expiresAt) {
        Map<String, Object> body = Map.of("accountId", account.id, "userId", account.userId, "provider", "google",
                "email", account.email, "accessToken", token, "expiresAt", expiresAt.toString(),
                "scopes", account.scopes == null ? List.of(SCOPES.split(" ")) : account.scopes);
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
        String accessToken;
        String refreshToken;
        Instant expiresAt;
        List<String> scopes;
        final java.util.Queue<String> forced = new java.util.concurrent.ConcurrentLinkedQueue<>();
        volatile boolean reauthRequired;

        Account(String id, String userId, String email) {
            this.id = id;
            this.userId = userId;
            this.email = email;
        }
    }
}

package io.interactionsync.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a portal (or a user's browser) does against a running stack: mint portal JWTs at the IdP, load
 * emulator data, set the team directory and connect Google accounts through the real OAuth code flow.
 */
public final class StackClient {

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final StackEndpoints endpoints;

    public StackClient(StackEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** A portal JWT signed by the IdP. */
    public String mintJwt(String sub, String email, List<String> roles) {
        return send("POST", endpoints.idpUrl() + "/token", null,
                Map.of("sub", sub, "email", email, "roles", roles), 200).get("access_token").asText();
    }

    /** {@code POST /_emulator/generate}: deterministic demo mailboxes; returns the emulator's answer. */
    public JsonNode generate(Map<String, Object> request) {
        return send("POST", endpoints.emulatorUrl() + "/_emulator/generate", null, request, 200);
    }

    /** {@code PUT /_emulator/config} (partial: e.g. {@code gmailUnitsPerProjectPerMinute}); returns the whole config. */
    public JsonNode emulatorConfig(Map<String, Object> values) {
        return send("PUT", endpoints.emulatorUrl() + "/_emulator/config", null, values, 200);
    }

    /**
     * Registers the console at {@code consoleUrl} as a redirect URI of the emulator's Google and Microsoft OAuth
     * clients, as a deployment registers its console's callback with each provider (the emulator's defaults know only
     * the local stack's {@code http://127.0.0.1:8081/console/}).
     */
    public void registerConsoleRedirect(String consoleUrl) {
        JsonNode config = send("GET", endpoints.emulatorUrl() + "/_emulator/config", null, null, 200);
        Map<String, Object> changes = new java.util.LinkedHashMap<>();
        for (String key : List.of("googleClients", "microsoftClients")) {
            List<Map<String, Object>> clients = new java.util.ArrayList<>();
            for (JsonNode c : config.path(key)) {
                List<String> uris = new java.util.ArrayList<>();
                c.path("redirectUris").forEach(u -> uris.add(u.asText()));
                if (!uris.contains(consoleUrl)) {
                    uris.add(consoleUrl);
                }
                clients.add(Map.of("clientId", c.path("clientId").asText(), "clientSecret", c.path("clientSecret").asText(),
                        "redirectUris", uris));
            }
            changes.put(key, clients);
        }
        emulatorConfig(changes);
    }

    /** {@code PUT /_emulator/idp/users/{email}}: a portal user the IdP's sign-in page offers, with its roles. */
    public void putIdpUser(String email, String sub, String name, List<String> roles) {
        Map<String, Object> user = new java.util.LinkedHashMap<>(Map.of("sub", sub, "roles", roles));
        if (name != null) {
            user.put("name", name); // else the provider user's name
        }
        send("PUT", endpoints.emulatorUrl() + "/_emulator/idp/users/" + encode(email), null, user, 200, 201, 204);
    }

    /** {@code POST /_emulator/revoke}: every token of the user is revoked (the next refresh gets invalid_grant). */
    public void revoke(String email) {
        send("POST", endpoints.emulatorUrl() + "/_emulator/revoke", null, Map.of("email", email), 200, 204);
    }

    /** {@code GET /_emulator/stats}: requests, quota units and throttled answers per user, Gmail quota rejections. */
    public JsonNode emulatorStats() {
        return send("GET", endpoints.emulatorUrl() + "/_emulator/stats", null, null, 200);
    }

    /** {@code PUT /_emulator/google/users/{email}}. */
    public void putGoogleUser(String email, Map<String, Object> mailbox) {
        send("PUT", endpoints.emulatorUrl() + "/_emulator/google/users/" + encode(email), null, mailbox, 200, 201, 204);
    }

    /** {@code PUT /_emulator/microsoft/users/{upn}}. */
    public void putMicrosoftUser(String upn, Map<String, Object> mailbox) {
        send("PUT", endpoints.emulatorUrl() + "/_emulator/microsoft/users/" + encode(upn), null, mailbox, 200, 201, 204);
    }

    /** {@code PUT /_emulator/microsoft/shared-mailboxes/{address}}. */
    public void putSharedMailbox(String address, Map<String, Object> mailbox) {
        send("PUT", endpoints.emulatorUrl() + "/_emulator/microsoft/shared-mailboxes/" + encode(address), null,
                mailbox, 200, 201, 204);
    }

    /** {@code PUT /api/v1/collections/{id}} as an admin. */
    public void putCollection(String adminJwt, String id, String name, List<String> members, List<String> domains) {
        send("PUT", endpoints.connectorUrl() + "/api/v1/collections/" + encode(id), adminJwt,
                Map.of("name", name, "memberEmails", members, "internalDomains", domains), 200, 201, 204);
    }

    /** Connects a Google account through the code flow (see {@link #connect}); scopes e.g. {@code gmail,calendar}. */
    public JsonNode connectGoogle(String userJwt, String email, String scopes) {
        return connect("google", userJwt, email, scopes);
    }

    /** Connects a Microsoft 365 account through the code flow; scopes e.g. {@code mail,calendar,sharedMail}. */
    public JsonNode connectMicrosoft(String userJwt, String email, String scopes) {
        return connect("microsoft", userJwt, email, scopes);
    }

    /**
     * The browser half of a provider's code flow: ask the connector for the authorize URL, let the emulator's
     * consent page approve for {@code email} (login_hint), take code and state from the redirect and hand
     * them to the connector. Returns the Account JSON.
     */
    private JsonNode connect(String provider, String userJwt, String email, String scopes) {
        String redirectUri = "http://localhost:3000/auth/" + provider + "/callback";
        JsonNode authorize = send("GET", endpoints.connectorUrl() + "/api/v1/" + provider + "/authorize-url?scopes="
                + encode(scopes) + "&redirectUri=" + encode(redirectUri), userJwt, null, 200);
        HttpResponse<String> consent = exchange(HttpRequest.newBuilder(URI.create(
                authorize.get("url").asText() + "&login_hint=" + encode(email))).GET().build());
        String location = consent.headers().firstValue("Location").orElseThrow(() -> new IllegalStateException(
                "the consent page did not redirect (" + consent.statusCode() + "): " + consent.body()));
        Map<String, String> query = query(URI.create(location));
        if (query.containsKey("error")) {
            throw new IllegalStateException("consent for " + email + " failed: " + query);
        }
        return send("POST", endpoints.connectorUrl() + "/api/v1/" + provider + "-accounts", userJwt,
                Map.of("code", query.get("code"), "redirectUri", redirectUri, "state", query.get("state")),
                200, 201);
    }

    /** {@code POST /api/v1/microsoft-accounts/{id}/shared-mailboxes} for the account's owner. */
    public JsonNode addSharedMailbox(String userJwt, String accountId, String address) {
        return send("POST", endpoints.connectorUrl() + "/api/v1/microsoft-accounts/" + encode(accountId)
                + "/shared-mailboxes", userJwt, Map.of("address", address), 200, 201);
    }

    /** {@code GET /api/v1/google-accounts} for the user of {@code userJwt}. */
    public JsonNode googleAccounts(String userJwt) {
        return send("GET", endpoints.connectorUrl() + "/api/v1/google-accounts", userJwt, null, 200);
    }

    /** {@code GET /api/v1/microsoft-accounts} for the user of {@code userJwt}. */
    public JsonNode microsoftAccounts(String userJwt) {
        return send("GET", endpoints.connectorUrl() + "/api/v1/microsoft-accounts", userJwt, null, 200);
    }

    /** {@code POST /api/v1/accounts/{id}/sync} ({@code mode} auto or full) for the account's owner. */
    public void requestSync(String userJwt, String accountId, String mode) {
        send("POST", endpoints.connectorUrl() + "/api/v1/accounts/" + encode(accountId) + "/sync", userJwt,
                Map.of("mode", mode), 202);
    }

    /** {@code POST /api/v1/accounts/{id}/audit}: the completeness audit now. */
    public void requestAudit(String userJwt, String accountId) {
        send("POST", endpoints.connectorUrl() + "/api/v1/accounts/" + encode(accountId) + "/audit", userJwt, null, 202);
    }

    /** {@code PUT /_emulator/faults} with these rules and a seed; {@code DELETE} when {@code rules} is empty. */
    public void faults(long seed, List<Map<String, Object>> rules) {
        if (rules.isEmpty()) {
            send("DELETE", endpoints.emulatorUrl() + "/_emulator/faults", null, null, 200, 204);
        } else {
            send("PUT", endpoints.emulatorUrl() + "/_emulator/faults", null, Map.of("seed", seed, "rules", rules), 200);
        }
    }

    /** {@code POST /_emulator/google/users/{email}/messages/{id}/labels} (as messages.modify). */
    public void relabelGmail(String email, String messageId, List<String> add, List<String> remove) {
        send("POST", endpoints.emulatorUrl() + "/_emulator/google/users/" + encode(email) + "/messages/"
                + encode(messageId) + "/labels", null, Map.of("add", add, "remove", remove), 200, 204);
    }

    /** {@code POST /_emulator/microsoft/users/{upn}/messages/{id}/move} (as Graph's move); returns the moved message. */
    public JsonNode moveOutlookMessage(String upn, String messageId, String destination) {
        return send("POST", endpoints.emulatorUrl() + "/_emulator/microsoft/users/" + encode(upn) + "/messages/"
                + encode(messageId) + "/move", null, Map.of("destination", destination), 200, 201);
    }

    /**
     * {@code PUT /_emulator/pubsub/subscriptions/{name}}: the emulator's stand-in for a Cloud Pub/Sub push subscription
     * with OIDC authentication (what Gmail's watch publishes to {@code topic} is POSTed to {@code pushEndpoint}).
     */
    public void pubsubPushSubscription(String name, String topic, String pushEndpoint, String serviceAccount,
                                       String audience) {
        send("PUT", endpoints.emulatorUrl() + "/_emulator/pubsub/subscriptions/" + encode(name), null,
                Map.of("topic", topic, "pushEndpoint", pushEndpoint,
                        "oidcToken", Map.of("serviceAccountEmail", serviceAccount, "audience", audience)), 200, 201, 204);
    }

    /** {@code POST /_emulator/google/users/{email}/messages}: one more message. */
    public void addGmailMessage(String email, Map<String, Object> message) {
        send("POST", endpoints.emulatorUrl() + "/_emulator/google/users/" + encode(email) + "/messages", null, message,
                200, 201, 204);
    }

    /** {@code POST /_emulator/microsoft/users/{upn}/folders/{folder}/messages}: one more message. */
    public void addOutlookMessage(String upn, String folder, Map<String, Object> message) {
        send("POST", endpoints.emulatorUrl() + "/_emulator/microsoft/users/" + encode(upn) + "/folders/"
                + encode(folder) + "/messages", null, message, 200, 201, 204);
    }

    /** An answer of any status, for tests that expect refusals: status, {@code Content-Type}, headers and body. */
    public record Answer(int status, String contentType, java.net.http.HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return body.isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (" + status + "): " + body, e);
            }
        }
    }

    /** Any request, whatever it answers (a bearer token when {@code bearer} is not null). */
    public Answer call(String method, String url, String bearer, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json");
            if (bearer != null) {
                request.header("Authorization", "Bearer " + bearer);
            }
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = exchange(request.build());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + " failed: " + e.getMessage(), e);
        }
    }

    /** A service's client-credentials token at the portal IdP, as quarkus-oidc-client gets it. */
    public String serviceToken(String clientId, String secret) {
        HttpResponse<String> response = exchange(HttpRequest.newBuilder(URI.create(endpoints.idpUrl() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + encode(clientId)
                        + "&client_secret=" + encode(secret))).build());
        try {
            return Json.mapper().readTree(response.body()).path("access_token").asText();
        } catch (IOException e) {
            throw new IllegalStateException("the IdP answered " + response.statusCode(), e);
        }
    }

    private JsonNode send(String method, String url, String jwt, Object body, int... expected) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json");
            if (jwt != null) {
                request.header("Authorization", "Bearer " + jwt);
            }
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = exchange(request.build());
            for (int status : expected) {
                if (response.statusCode() == status) {
                    return response.body().isBlank() ? Json.mapper().createObjectNode()
                            : Json.mapper().readTree(response.body());
                }
            }
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": "
                    + response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + " failed: " + e.getMessage(), e);
        }
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> params = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.put(key, value);
            }
        }
        return params;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

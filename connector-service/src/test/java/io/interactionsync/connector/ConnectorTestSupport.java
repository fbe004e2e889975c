package io.interactionsync.connector;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.Json;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Shared steps of the connector's Quarkus tests: emulator users, the OAuth dance, JWTs, raw DB access. */
public final class ConnectorTestSupport {

    public static final String CALLBACK = "http://localhost:3000/auth/google/callback";

    private ConnectorTestSupport() {
    }

    public static String emulator() {
        return EmulatorTestResource.baseUrl();
    }

    /** A unique address per call, so tests never share emulator users. */
    public static String uniqueEmail(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.test";
    }

    public static void loadGoogleUser(String email) {
        given().baseUri(emulator()).contentType(ContentType.JSON)
                .body(Map.of("name", "Test " + email.substring(0, email.indexOf('@')), "messages", List.of(),
                        "events", List.of()))
                .put("/_emulator/google/users/{email}", email)
                .then().statusCode(org.hamcrest.Matchers.lessThan(300));
    }

    /** Makes the emulator's Google token endpoint answer {@code status} once. */
    public static void failGoogleTokenEndpointOnce(int status) {
        given().baseUri(emulator()).contentType(ContentType.JSON)
                .body(Map.of("rules", List.of(Map.of("provider", "google", "pathRegex", "^/oauth2\\.googleapis\\.com/token$",
                        "status", status, "count", 1))))
                .put("/_emulator/faults").then().statusCode(200);
    }

    public static void clearFaults() {
        given().baseUri(emulator()).delete("/_emulator/faults").then().statusCode(org.hamcrest.Matchers.lessThan(300));
    }

    public static String userJwt(String sub) {
        return TestJwts.user(sub, sub + "@portal.test");
    }

    public static String adminJwt(String sub) {
        return TestJwts.user(sub, sub + "@portal.test", "admin");
    }

    /** A client-credentials token of {@code clientId} from the emulator's IdP, as quarkus-oidc-client gets it. */
    public static String serviceToken(String clientId) {
        return given().baseUri(emulator()).formParam("grant_type", "client_credentials")
                .formParam("client_id", clientId).formParam("client_secret", "local-service-secret")
                .post("/idp/token").then().statusCode(200).extract().path("access_token");
    }

    /** google-sync-service's token: the internal API hands it Google accounts' tokens only. */
    public static String serviceJwt() {
        return serviceToken("google-sync-service");
    }

    public static String microsoftSyncToken() {
        return serviceToken("microsoft-sync-service");
    }

    /** The sync service token of the account's provider. */
    private static String serviceTokenFor(String accountId) {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select provider from connector.accounts where id = ?")) {
            ps.setObject(1, UUID.fromString(accountId));
            try (var rs = ps.executeQuery()) {
                return rs.next() && "MICROSOFT".equals(rs.getString(1)) ? microsoftSyncToken() : serviceJwt();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** authorize-url → emulator approval (login_hint, no redirect following) → {code, state} from the Location. */
    public static Map<String, String> authorize(String jwt, String email, String scopes) {
        return authorize(jwt, email, scopes, true);
    }

    /**
     * authorize-url → {code, state}; with {@code approve} false only the state (and the URL) of a flow that is
     * never completed — an attacker's own, for instance.
     */
    public static Map<String, String> authorize(String jwt, String email, String scopes, boolean approve) {
        JsonNode auth = Json.mapper().valueToTree(given().auth().oauth2(jwt)
                .queryParam("scopes", scopes).queryParam("redirectUri", CALLBACK)
                .get("/api/v1/google/authorize-url")
                .then().statusCode(200).extract().as(Map.class));
        String url = auth.get("url").asText();
        if (!approve) {
            return Map.of("state", auth.get("state").asText(), "url", url);
        }
        Response consent = given().redirects().follow(false).urlEncodingEnabled(false)
                .get(url + "&login_hint=" + encode(email));
        assertThat(consent.statusCode()).as(consent.asString()).isEqualTo(302);
        String location = consent.header("Location");
        assertThat(location).startsWith(CALLBACK + "?");
        Map<String, String> query = query(location);
        assertThat(query.get("state")).isEqualTo(auth.get("state").asText());
        return query;
    }

    /** The whole connect flow for a fresh emulator user; returns the Account JSON. */
    public static JsonNode connect(String jwt, String email, String scopes, int expectedStatus) {
        Map<String, String> cb = authorize(jwt, email, scopes);
        return Json.mapper().valueToTree(given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body(Map.of("code", cb.get("code"), "redirectUri", CALLBACK, "state", cb.get("state")))
                .post("/api/v1/google-accounts")
                .then().statusCode(expectedStatus).extract().as(Map.class));
    }

    public static JsonNode accessToken(String accountId, String rejected) {
        var request = given().auth().oauth2(serviceTokenFor(accountId)).contentType(ContentType.JSON);
        if (rejected != null) {
            request = request.body(Map.of("rejectedAccessToken", rejected));
        }
        return Json.mapper().valueToTree(request.post("/internal/v1/accounts/{id}/access-token", accountId)
                .then().statusCode(200).extract().as(Map.class));
    }

    public static Map<String, String> query(String url) {
        Map<String, String> out = new HashMap<>();
        String q = URI.create(url).getRawQuery();
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static JsonNode json(ConsumerRecord<String, String> record) {
        try {
            return Json.mapper().readTree(record.value());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    public static void assertValid(ContractSchemas.Contract contract, JsonNode json) {
        assertThat(ContractSchemas.validate(contract, json)).as(json.toString()).isEmpty();
    }

    public static Connection db() throws SQLException {
        return DriverManager.getConnection(PostgresTestResource.jdbcUrl(PostgresTestResource.DATABASE),
                PostgresTestResource.user(), "");
    }

    /** Moves the stored access token's expiry (the token itself stays as it is). */
    public static void setAccessTokenExpiry(String accountId, Instant expiresAt) throws SQLException {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "update connector.accounts set access_token_expires_at = ? where id = ?")) {
            ps.setTimestamp(1, java.sql.Timestamp.from(expiresAt));
            ps.setObject(2, UUID.fromString(accountId));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}

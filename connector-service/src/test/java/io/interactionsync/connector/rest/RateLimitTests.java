package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.CALLBACK;
import static io.interactionsync.connector.ConnectorTestSupport.connect;
import static io.interactionsync.connector.ConnectorTestSupport.db;
import static io.interactionsync.connector.ConnectorTestSupport.loadGoogleUser;
import static io.interactionsync.connector.ConnectorTestSupport.uniqueEmail;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Per-user rate limits (defaults: authorize-url 20/10m, manual sync 10/1h, audit 4/1h) and the cap of pending
 * authorize-url states (10 per user).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class RateLimitTests {

    private static Response authorizeUrl(String jwt) {
        return given().auth().oauth2(jwt).queryParam("scopes", "gmail").queryParam("redirectUri", CALLBACK)
                .get("/api/v1/google/authorize-url");
    }

    private static void assertRateLimited(Response response, long maxRetryAfter) {
        response.then().statusCode(429).contentType("application/problem+json").body("code", equalTo("rate_limited"));
        long retryAfter = Long.parseLong(response.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, maxRetryAfter);
        assertThat(response.jsonPath().getLong("retryAfter")).isEqualTo(retryAfter);
    }

    @Test
    void shouldLimitAuthorizeUrlPerUserAndKeepOtherUsersUnaffected() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        for (int i = 0; i < 20; i++) {
            authorizeUrl(jwt).then().statusCode(200);
        }
        // 20 per 10 minutes, refilled evenly: the next one in 30 s at most
        assertRateLimited(authorizeUrl(jwt), 30);
        // the Microsoft authorize-url shares the bucket
        assertRateLimited(given().auth().oauth2(jwt).queryParam("scopes", "mail")
                .queryParam("redirectUri", "http://localhost:3000/auth/microsoft/callback")
                .get("/api/v1/microsoft/authorize-url"), 30);
        authorizeUrl(userJwt("u-" + UUID.randomUUID())).then().statusCode(200);
    }

    @Test
    void shouldKeepAtMostTenPendingStatesPerUserDroppingTheOldest() throws Exception {
        String user = "u-" + UUID.randomUUID();
        String jwt = userJwt(user);
        List<String> states = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            states.add(authorizeUrl(jwt).then().statusCode(200).extract().path("state"));
        }
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select state from connector.oauth_states where user_id = ? order by created_at")) {
            ps.setString(1, user);
            List<String> stored = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
            assertThat(stored).containsExactlyElementsOf(states.subList(3, 13));
        }
        // the dropped state no longer works
        given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body(Map.of("code", "4/0Aanything", "redirectUri", CALLBACK, "state", states.get(0)))
                .post("/api/v1/google-accounts")
                .then().statusCode(400).body("code", equalTo("invalid_state"));
    }

    @Test
    void shouldLimitManualSyncsAndAuditsPerUser() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String email = uniqueEmail("limits");
        loadGoogleUser(email);
        String id = connect(jwt, email, "gmail", 201).get("id").asText();
        for (int i = 0; i < 4; i++) {
            given().auth().oauth2(jwt).post("/api/v1/accounts/{id}/audit", id).then().statusCode(202);
        }
        // 4 per hour: the next one in 15 minutes at most
        assertRateLimited(given().auth().oauth2(jwt).post("/api/v1/accounts/{id}/audit", id), 900);
        // manual syncs have their own bucket
        for (int i = 0; i < 10; i++) {
            given().auth().oauth2(jwt).post("/api/v1/accounts/{id}/sync", id).then().statusCode(202);
        }
        assertRateLimited(given().auth().oauth2(jwt).post("/api/v1/accounts/{id}/sync", id), 360);
    }

    @Test
    void shouldAllowExactlyTheLimitUnderConcurrentRequests() throws Exception {
        // Every request takes one database round that counts and decides atomically: whichever replica or
        // connection serves them (the app's pool spreads these over many connections), 10 pass and no more.
        String jwt = userJwt("u-" + UUID.randomUUID());
        String email = uniqueEmail("burst");
        loadGoogleUser(email);
        String id = connect(jwt, email, "gmail", 201).get("id").asText();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                calls.add(() -> given().auth().oauth2(jwt).post("/api/v1/accounts/{id}/sync", id).statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
            assertThat(statuses).filteredOn(s -> s == 202).hasSize(10);
            assertThat(statuses).filteredOn(s -> s == 429).hasSize(14);
        } finally {
            pool.shutdownNow();
        }
    }
}

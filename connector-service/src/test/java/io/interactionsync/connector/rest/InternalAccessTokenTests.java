package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.accessToken;
import static io.interactionsync.connector.ConnectorTestSupport.assertValid;
import static io.interactionsync.connector.ConnectorTestSupport.clearFaults;
import static io.interactionsync.connector.ConnectorTestSupport.failGoogleTokenEndpointOnce;
import static io.interactionsync.connector.ConnectorTestSupport.connect;
import static io.interactionsync.connector.ConnectorTestSupport.emulator;
import static io.interactionsync.connector.ConnectorTestSupport.json;
import static io.interactionsync.connector.ConnectorTestSupport.loadGoogleUser;
import static io.interactionsync.connector.ConnectorTestSupport.serviceJwt;
import static io.interactionsync.connector.ConnectorTestSupport.setAccessTokenExpiry;
import static io.interactionsync.connector.ConnectorTestSupport.uniqueEmail;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class InternalAccessTokenTests {

    @Inject
    MeterRegistry meters;

    private String email;
    private String owner;
    private String accountId;

    @BeforeEach
    void connectAnAccount() {
        email = uniqueEmail("tok");
        loadGoogleUser(email);
        owner = userJwt("u-" + UUID.randomUUID());
        accountId = connect(owner, email, "gmail,calendar", 201).get("id").asText();
    }

    private double refreshes() {
        var counter = meters.find("connector.token.refreshes").tag("outcome", "refreshed").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void shouldHandOutTheStoredTokenWhileItIsFresh() {
        JsonNode first = accessToken(accountId, null);
        JsonNode second = accessToken(accountId, null);
        assertThat(second.get("accessToken").asText()).isEqualTo(first.get("accessToken").asText());
        assertThat(first.get("accountId").asText()).isEqualTo(accountId);
        assertThat(first.get("provider").asText()).isEqualTo("google");
        assertThat(first.get("email").asText()).isEqualTo(email);
        assertThat(first.get("scopes").toString()).contains("gmail.metadata");
        assertThat(Instant.parse(first.get("expiresAt").asText())).isAfter(Instant.now().plusSeconds(300));
    }

    @Test
    void shouldRefreshATokenWithinFiveMinutesOfExpiry() throws Exception {
        String old = accessToken(accountId, null).get("accessToken").asText();
        setAccessTokenExpiry(accountId, Instant.now().plusSeconds(120));
        double before = refreshes();

        JsonNode fresh = accessToken(accountId, null);

        assertThat(fresh.get("accessToken").asText()).isNotEqualTo(old);
        assertThat(Instant.parse(fresh.get("expiresAt").asText())).isAfter(Instant.now().plusSeconds(600));
        assertThat(refreshes()).isEqualTo(before + 1);
        // The new token works at Gmail.
        given().auth().oauth2(fresh.get("accessToken").asText())
                .get(emulator() + "/gmail.googleapis.com/gmail/v1/users/me/profile")
                .then().statusCode(200).body("emailAddress", equalTo(email));
    }

    @Test
    void shouldRefreshWhenTheCallerReportsTheStoredTokenRejected() {
        String old = accessToken(accountId, null).get("accessToken").asText();
        String fresh = accessToken(accountId, old).get("accessToken").asText();
        assertThat(fresh).isNotEqualTo(old);
        // A report about a token that was already replaced does not refresh again.
        double before = refreshes();
        assertThat(accessToken(accountId, old).get("accessToken").asText()).isEqualTo(fresh);
        assertThat(refreshes()).isEqualTo(before);
    }

    @Test
    void shouldShareOneRefreshAmongConcurrentCallers() throws Exception {
        setAccessTokenExpiry(accountId, Instant.now().plusSeconds(10));
        double before = refreshes();
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            Callable<String> call = () -> {
                start.await();
                return accessToken(accountId, null).get("accessToken").asText();
            };
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                futures.add(pool.submit(call));
            }
            start.countDown();
            Set<String> tokens = futures.stream().map(f -> {
                try {
                    return f.get();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).collect(Collectors.toSet());
            assertThat(tokens).hasSize(1);
            assertThat(refreshes()).isEqualTo(before + 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldMarkTheAccountReauthRequiredWhenTheGrantWasRevoked() throws Exception {
        given().baseUri(emulator()).contentType(ContentType.JSON).body(Map.of("email", email))
                .post("/_emulator/revoke").then().statusCode(200);
        setAccessTokenExpiry(accountId, Instant.now().plusSeconds(10));

        given().auth().oauth2(serviceJwt()).contentType(ContentType.JSON).body(Map.of())
                .post("/internal/v1/accounts/{id}/access-token", accountId)
                .then().statusCode(409).contentType("application/problem+json").body("code", equalTo("reauth_required"));
        // Stays so without calling Google again.
        given().auth().oauth2(serviceJwt()).post("/internal/v1/accounts/{id}/access-token", accountId)
                .then().statusCode(409).body("code", equalTo("reauth_required"));

        given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId)
                .then().statusCode(200).body("syncStatus", equalTo("reauth_required"));

        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            JsonNode event = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                    r -> accountId.equals(r.key()) && r.value().contains("reauth_required"), 1,
                    Duration.ofSeconds(30)).get(0));
            assertValid(Contract.ACCOUNT_EVENT, event);
            assertThat(event.get("type").asText()).isEqualTo("reauth_required");
        }
    }

    @Test
    void shouldAnswer502AndKeepTheAccountWhenGoogleIsDown() {
        String old = accessToken(accountId, null).get("accessToken").asText();
        failGoogleTokenEndpointOnce(503);
        try {
            given().auth().oauth2(serviceJwt()).contentType(ContentType.JSON).body(Map.of("rejectedAccessToken", old))
                    .post("/internal/v1/accounts/{id}/access-token", accountId)
                    .then().statusCode(502).contentType("application/problem+json")
                    .body("code", equalTo("provider_unavailable"));
        } finally {
            clearFaults();
        }
        // Nothing was lost: the next call refreshes.
        assertThat(accessToken(accountId, old).get("accessToken").asText()).isNotEqualTo(old);
        given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId)
                .then().statusCode(200).body("syncStatus", equalTo("pending"));
    }

    @Test
    void shouldAnswer404ForAnUnknownAccount() {
        given().auth().oauth2(serviceJwt()).post("/internal/v1/accounts/{id}/access-token", UUID.randomUUID())
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("account_not_found"));
    }
}

package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.connect;
import static io.interactionsync.connector.ConnectorTestSupport.loadGoogleUser;
import static io.interactionsync.connector.ConnectorTestSupport.uniqueEmail;
import static io.interactionsync.connector.ConnectorTestSupport.adminJwt;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class AccountIsolationTests {

    private String owner;
    private String other;
    private String accountId;

    @BeforeEach
    void connectAnAccount() {
        owner = userJwt("owner-" + UUID.randomUUID());
        other = userJwt("other-" + UUID.randomUUID());
        String email = uniqueEmail("iso");
        loadGoogleUser(email);
        accountId = connect(owner, email, "gmail", 201).get("id").asText();
    }

    @Test
    void shouldHideAnotherUsersAccountBehind404OnEveryEndpoint() {
        given().auth().oauth2(other).get("/api/v1/google-accounts/{id}", accountId)
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("account_not_found"));
        given().auth().oauth2(other).delete("/api/v1/google-accounts/{id}", accountId)
                .then().statusCode(404).body("code", equalTo("account_not_found"));
        given().auth().oauth2(other).post("/api/v1/accounts/{id}/sync", accountId)
                .then().statusCode(404).body("code", equalTo("account_not_found"));
        given().auth().oauth2(other).get("/api/v1/google-accounts").then().statusCode(200).body("size()", equalTo(0));
        // Still there for its owner.
        given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId)
                .then().statusCode(200).body("id", equalTo(accountId));
    }

    @Test
    void shouldRefuseAGoogleAccountAlreadyConnectedByAnotherUser() {
        String email = uniqueEmail("shared");
        loadGoogleUser(email);
        connect(owner, email, "gmail", 201);
        connect(other, email, "gmail", 409);
    }

    @Test
    void shouldAnswer401ProblemWithoutOrWithABadToken() {
        given().get("/api/v1/google-accounts")
                .then().statusCode(401).contentType("application/problem+json").body("code", equalTo("unauthorized"));
        given().auth().oauth2("not.a.jwt").get("/api/v1/google-accounts")
                .then().statusCode(401).contentType("application/problem+json").body("code", equalTo("unauthorized"));
        given().post("/internal/v1/accounts/{id}/access-token", accountId)
                .then().statusCode(401).contentType("application/problem+json").body("code", equalTo("unauthorized"));
    }

    @Test
    void shouldCloseTheInternalApiToUserTokens() {
        given().auth().oauth2(owner).contentType(ContentType.JSON).body(Map.of())
                .post("/internal/v1/accounts/{id}/access-token", accountId)
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", equalTo("service_client_required"));
        given().auth().oauth2(adminJwt("admin-" + UUID.randomUUID())).contentType(ContentType.JSON).body(Map.of())
                .post("/internal/v1/accounts/{id}/access-token", accountId)
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", equalTo("service_client_required"));
    }

    @Test
    void shouldRejectMalformedIdsAndUnknownPathsWithProblemJson() {
        given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", "not-a-uuid")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("invalid_account_id"));
        given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", UUID.randomUUID())
                .then().statusCode(404).body("code", equalTo("account_not_found"));
        given().auth().oauth2(owner).get("/api/v1/nothing-here")
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
    }

    @Test
    void shouldAnswer413ProblemForAnOversizeBody() {
        String big = "x".repeat(1024 * 1024 + 10);
        given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"code\": \"" + big + "\", \"redirectUri\": \"postmessage\"}")
                .post("/api/v1/microsoft-accounts")
                .then().statusCode(413).contentType("application/problem+json").body("code", equalTo("body_too_large"));
    }
}

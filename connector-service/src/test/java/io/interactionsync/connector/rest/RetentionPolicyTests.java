package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.adminJwt;
import static io.interactionsync.connector.ConnectorTestSupport.assertValid;
import static io.interactionsync.connector.ConnectorTestSupport.connect;
import static io.interactionsync.connector.ConnectorTestSupport.db;
import static io.interactionsync.connector.ConnectorTestSupport.json;
import static io.interactionsync.connector.ConnectorTestSupport.loadGoogleUser;
import static io.interactionsync.connector.ConnectorTestSupport.uniqueEmail;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Team retention policies: the admin API, and what they make a disconnect do. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class RetentionPolicyTests {

    private KafkaTestClient kafka;
    private String admin;
    private String collection;

    @BeforeEach
    void setUp() {
        kafka = KafkaTestClient.connect();
        admin = adminJwt("admin-" + UUID.randomUUID());
        collection = "team-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    private void putCollection(List<String> members) {
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "Team", "memberEmails", members, "internalDomains", List.of()))
                .put("/api/v1/collections/{id}", collection).then().statusCode(200);
    }

    private io.restassured.response.ValidatableResponse putRetention(Object body) {
        return given().auth().oauth2(admin).contentType(ContentType.JSON).body(body)
                .put("/api/v1/collections/{id}/retention", collection).then();
    }

    private static Map<String, Object> policy(String onDisconnect, Integer months) {
        Map<String, Object> body = new HashMap<>();
        body.put("onDisconnect", onDisconnect);
        body.put("eventMonths", months);
        return body;
    }

    @Test
    void shouldStoreAPolicyAndAnnounceTheTeamWindowToTheNormalizer() {
        putCollection(List.of("alice@acme.test"));
        // no policy of its own yet: the global defaults are shown
        given().auth().oauth2(admin).get("/api/v1/collections/{id}/retention", collection).then().statusCode(200)
                .body("onDisconnect", equalTo("purge")).body("eventMonths", equalTo(36)).body("defaults", equalTo(true));

        putRetention(policy("keep", 18)).statusCode(200).body("collectionId", equalTo(collection))
                .body("onDisconnect", equalTo("keep")).body("eventMonths", equalTo(18)).body("defaults", equalTo(false));
        given().auth().oauth2(admin).get("/api/v1/collections/{id}/retention", collection).then().statusCode(200)
                .body("onDisconnect", equalTo("keep")).body("eventMonths", equalTo(18)).body("defaults", equalTo(false));

        JsonNode announced = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS, r -> collection.equals(r.key())
                && r.value().contains("\"eventMonths\":18"), 1, Duration.ofSeconds(30)).get(0));
        assertValid(Contract.ACCOUNT_EVENT, announced);
        assertThat(announced.get("type").asText()).isEqualTo("directory_changed");
        assertThat(announced.get("directory").get("memberEmails").toString()).isEqualTo("[\"alice@acme.test\"]");

        // a later directory change carries the window along; a policy without one drops it
        putCollection(List.of("alice@acme.test", "bob@acme.test"));
        kafka.awaitRecords(Topics.ACCOUNT_EVENTS, r -> collection.equals(r.key()) && r.value().contains("bob@acme.test")
                && r.value().contains("\"eventMonths\":18"), 1, Duration.ofSeconds(30));
        putRetention(policy("purge", null)).statusCode(200).body("eventMonths", nullValue());
        JsonNode cleared = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS, r -> collection.equals(r.key())
                && r.value().contains("bob@acme.test") && !r.value().contains("eventMonths"), 1, Duration.ofSeconds(30))
                .get(0));
        assertValid(Contract.ACCOUNT_EVENT, cleared);
    }

    @Test
    void shouldRejectInvalidPoliciesAsProblems() {
        putCollection(List.of());
        putRetention(policy("archive", 12)).statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("validation_failed")).body("detail", containsString("onDisconnect"));
        putRetention(policy(null, 12)).statusCode(400).body("code", equalTo("validation_failed"));
        putRetention(policy("keep", 0)).statusCode(400).body("code", equalTo("validation_failed"))
                .body("detail", containsString("eventMonths"));
        putRetention(policy("keep", 1201)).statusCode(400).body("code", equalTo("validation_failed"));
        putRetention(Map.of("onDisconnect", "keep", "months", 3)).statusCode(400).body("code", equalTo("unknown_field"));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body("{\"onDisconnect\": ")
                .put("/api/v1/collections/{id}/retention", collection).then().statusCode(400)
                .body("code", equalTo("malformed_json"));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(policy("keep", 12))
                .put("/api/v1/collections/{id}/retention", "no-such-" + collection).then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("collection_not_found"));
        given().auth().oauth2(admin).get("/api/v1/collections/{id}/retention", "no-such-" + collection).then()
                .statusCode(404).body("code", equalTo("collection_not_found"));
        // members and other users are not admins
        given().auth().oauth2(userJwt("u-" + UUID.randomUUID())).contentType(ContentType.JSON).body(policy("keep", 12))
                .put("/api/v1/collections/{id}/retention", collection).then().statusCode(403)
                .body("code", equalTo("forbidden"));
    }

    @Test
    void shouldKeepTheDataOfATeamThatKeepsAndShowItInTheAccount() throws Exception {
        String sub = "u-" + UUID.randomUUID();
        String owner = userJwt(sub);
        String email = uniqueEmail("keep");
        loadGoogleUser(email);
        String id = connect(owner, email, "gmail", 201).get("id").asText();
        // the account JSON says what a disconnect would do: the default, until the team decides
        given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", id).then().statusCode(200)
                .body("retention.onDisconnect", equalTo("purge")).body("retention.eventMonths", equalTo(36))
                .body("retention.policy", equalTo("default"));

        putCollection(List.of(email)); // the account's address makes its owner a member
        putRetention(policy("keep", 24)).statusCode(200);
        given().auth().oauth2(owner).get("/api/v1/google-accounts").then().statusCode(200)
                .body("[0].retention.onDisconnect", equalTo("keep")).body("[0].retention.eventMonths", equalTo(24))
                .body("[0].retention.policy", equalTo("team")).body("[0].retention.collections[0]", equalTo(collection));

        given().auth().oauth2(owner).delete("/api/v1/google-accounts/{id}", id).then().statusCode(204)
                .header("Retention-Outcome", "kept").header("Retention-Reason", "team_policy");
        assertThat(status(id)).isEqualTo("DISCONNECTED");
        JsonNode event = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                r -> id.equals(r.key()) && r.value().contains("\"disconnected\""), 1, Duration.ofSeconds(30)).get(0));
        assertThat(event.get("purge").asBoolean()).isFalse();
    }

    @Test
    void shouldPurgeWhenTheTeamRequiresItThoughTheUserAskedToKeep() throws Exception {
        String sub = "u-" + UUID.randomUUID();
        String owner = userJwt(sub);
        putCollection(List.of(sub + "@portal.test")); // the portal email makes the user a member
        putRetention(policy("purge", 12)).statusCode(200);
        String email = uniqueEmail("purge");
        loadGoogleUser(email);
        String id = connect(owner, email, "gmail", 201).get("id").asText();

        given().auth().oauth2(owner).queryParam("purge", false).delete("/api/v1/google-accounts/{id}", id)
                .then().statusCode(204).header("Retention-Outcome", "purged").header("Retention-Reason", "team_policy");
        assertThat(status(id)).isNull();
        JsonNode event = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                r -> id.equals(r.key()) && r.value().contains("\"disconnected\""), 1, Duration.ofSeconds(30)).get(0));
        assertThat(event.get("purge").asBoolean()).isTrue();
    }

    @Test
    void shouldPurgeOnRequestWhateverTheTeamKeeps() throws Exception {
        String sub = "u-" + UUID.randomUUID();
        String owner = userJwt(sub);
        putCollection(List.of(sub + "@portal.test"));
        putRetention(policy("keep", null)).statusCode(200);
        String email = uniqueEmail("erase");
        loadGoogleUser(email);
        String id = connect(owner, email, "gmail", 201).get("id").asText();

        given().auth().oauth2(owner).queryParam("purge", true).delete("/api/v1/google-accounts/{id}", id)
                .then().statusCode(204).header("Retention-Outcome", "purged").header("Retention-Reason", "requested");
        assertThat(status(id)).isNull();
    }

    private static String status(String id) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select status from connector.accounts where id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}

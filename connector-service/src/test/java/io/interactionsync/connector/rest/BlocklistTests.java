package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.adminJwt;
import static io.interactionsync.connector.ConnectorTestSupport.assertValid;
import static io.interactionsync.connector.ConnectorTestSupport.json;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
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
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Blocklists (issue 17 item 2): the caller's own ({@code /api/v1/blocklist}) and a team's (admin). */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class BlocklistTests {

    private static Response putOwn(String jwt, List<String> entries) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("entries", entries);
        return given().auth().oauth2(jwt).contentType(ContentType.JSON).body(body).put("/api/v1/blocklist");
    }

    private static String newCollection(String admin) {
        String id = "team-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "Team", "memberEmails", List.of("alice@acme.test"), "internalDomains", List.of()))
                .put("/api/v1/collections/{id}", id).then().statusCode(200);
        return id;
    }

    @Test
    void shouldReplaceTheCallersBlocklistNormalisedAndPublishBlocklistChanged() {
        String user = "u-" + UUID.randomUUID();
        String jwt = userJwt(user);
        given().auth().oauth2(jwt).get("/api/v1/blocklist").then().statusCode(200)
                .body("scope", equalTo("user")).body("entries", empty()).body("updatedAt", nullValue());

        putOwn(jwt, List.of(" Bob@Example.COM ", "@Spam.Example", "bob@example.com", "@sub.spam.example"))
                .then().statusCode(200)
                .body("scope", equalTo("user"))
                .body("entries", contains("bob@example.com", "@spam.example", "@sub.spam.example"))
                .body("updatedAt", notNullValue());
        given().auth().oauth2(jwt).get("/api/v1/blocklist").then().statusCode(200)
                .body("entries", contains("bob@example.com", "@spam.example", "@sub.spam.example"));

        putOwn(jwt, List.of("carol@example.com")).then().statusCode(200).body("entries", contains("carol@example.com"));
        putOwn(jwt, List.of()).then().statusCode(200).body("entries", empty()); // an empty list clears it

        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            List<JsonNode> events = kafka.awaitRecords(Topics.ACCOUNT_EVENTS, r -> user.equals(r.key()), 3,
                    Duration.ofSeconds(30)).stream().map(r -> json(r)).toList();
            events.forEach(e -> assertValid(Contract.ACCOUNT_EVENT, e));
            assertThat(events).allMatch(e -> e.get("type").asText().equals("blocklist_changed")
                    && e.get("accountId").asText().equals(user) && e.get("userId").asText().equals(user)
                    && e.get("blocklist").get("scope").asText().equals("user")
                    && e.get("blocklist").get("ownerId").asText().equals(user));
            assertThat(events.get(0).get("blocklist").get("entries").toString())
                    .isEqualTo("[\"bob@example.com\",\"@spam.example\",\"@sub.spam.example\"]");
            assertThat(events.get(2).get("blocklist").get("entries").toString()).isEqualTo("[]");
        }
    }

    @Test
    void shouldRefuseInvalidEntriesByIndexWithoutEchoingThemAndKeepTheOldList() {
        String user = "u-" + UUID.randomUUID();
        String jwt = userJwt(user);
        putOwn(jwt, List.of("keep@example.com")).then().statusCode(200);

        List<String> entries = new ArrayList<>(Arrays.asList("ok@example.com", "secret person", "@", "@bad_domain!",
                null, "x".repeat(400) + "@example.com", "@@example.com", "nodomain@", "example.com"));
        Response refused = putOwn(jwt, entries);
        refused.then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("invalid_blocklist_entries"))
                .body("invalidEntries.index", contains(1, 2, 3, 4, 5, 6, 7, 8))
                .body("invalidEntries.reason", not(empty()));
        String body = refused.asString();
        assertThat(body).doesNotContain("secret person", "bad_domain", "nodomain", "xxxx", "ok@example.com");

        given().auth().oauth2(jwt).get("/api/v1/blocklist").then().statusCode(200)
                .body("entries", contains("keep@example.com"));
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            assertThat(kafka.readAll(Topics.ACCOUNT_EVENTS).stream().filter(r -> user.equals(r.key()))).hasSize(1);
        }
    }

    @Test
    void shouldKeepEachUsersBlocklistToThemselves() {
        String alice = userJwt("u-" + UUID.randomUUID());
        String bob = userJwt("u-" + UUID.randomUUID());
        putOwn(alice, List.of("mallory@example.com")).then().statusCode(200);
        given().auth().oauth2(bob).get("/api/v1/blocklist").then().statusCode(200).body("entries", empty());
        given().get("/api/v1/blocklist").then().statusCode(401);
    }

    @Test
    void shouldLetOnlyAdminsReplaceATeamsBlocklistAndPublishItKeyedByTheCollection() {
        String admin = adminJwt("admin-" + UUID.randomUUID());
        String id = newCollection(admin);
        Map<String, Object> body = Map.of("entries", List.of("@Competitor.Example", "eve@example.com"));

        given().auth().oauth2(userJwt("u-" + UUID.randomUUID())).contentType(ContentType.JSON).body(body)
                .put("/api/v1/collections/{id}/blocklist", id).then().statusCode(403).body("code", equalTo("forbidden"));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(body)
                .put("/api/v1/collections/{id}/blocklist", "no-such-team-" + UUID.randomUUID().toString().substring(0, 8))
                .then().statusCode(404).body("code", equalTo("collection_not_found"));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(body)
                .put("/api/v1/collections/{id}/blocklist", "bad id!")
                .then().statusCode(400).body("code", equalTo("invalid_collection_id"));

        given().auth().oauth2(admin).contentType(ContentType.JSON).body(body)
                .put("/api/v1/collections/{id}/blocklist", id).then().statusCode(200)
                .body("scope", equalTo("collection")).body("collectionId", equalTo(id))
                .body("entries", contains("@competitor.example", "eve@example.com"));
        given().auth().oauth2(admin).get("/api/v1/collections/{id}/blocklist", id).then().statusCode(200)
                .body("entries", contains("@competitor.example", "eve@example.com"));

        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            JsonNode event = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                    r -> id.equals(r.key()) && r.value().contains("blocklist_changed"), 1, Duration.ofSeconds(30)).get(0));
            assertValid(Contract.ACCOUNT_EVENT, event);
            assertThat(event.get("accountId").asText()).isEqualTo(id);
            assertThat(event.has("userId")).isFalse();
            assertThat(event.get("blocklist").get("scope").asText()).isEqualTo("collection");
            assertThat(event.get("blocklist").get("ownerId").asText()).isEqualTo(id);
            assertThat(event.get("blocklist").get("entries").toString())
                    .isEqualTo("[\"@competitor.example\",\"eve@example.com\"]");
        }
    }
}

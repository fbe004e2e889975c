package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.adminJwt;
import static io.interactionsync.connector.ConnectorTestSupport.assertValid;
import static io.interactionsync.connector.ConnectorTestSupport.json;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class DirectoryTests {

    @Test
    void shouldStoreANormalisedDirectoryAndPublishDirectoryChanged() {
        String id = "team-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(adminJwt("admin-" + UUID.randomUUID())).contentType(ContentType.JSON)
                .body(Map.of("name", " Acme Partners ",
                        "memberEmails", List.of("Alice@Acme.TEST", "bob@acme.test", "alice@acme.test"),
                        "internalDomains", List.of("ACME.test", "@acme-ventures.test")))
                .put("/api/v1/collections/{id}", id)
                .then().statusCode(200)
                .body("name", equalTo("Acme Partners"))
                .body("memberEmails", contains("alice@acme.test", "bob@acme.test"))
                .body("internalDomains", contains("acme.test", "acme-ventures.test"));

        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            JsonNode event = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS, r -> id.equals(r.key()), 1,
                    Duration.ofSeconds(30)).get(0));
            assertValid(Contract.ACCOUNT_EVENT, event);
            assertThat(event.get("type").asText()).isEqualTo("directory_changed");
            assertThat(event.get("directory").get("collectionId").asText()).isEqualTo(id);
            assertThat(event.get("directory").get("memberEmails").toString()).isEqualTo("[\"alice@acme.test\",\"bob@acme.test\"]");
        }
    }

    @Test
    void shouldReplaceAnExistingCollection() {
        String id = "team-" + UUID.randomUUID().toString().substring(0, 8);
        String admin = adminJwt("admin-" + UUID.randomUUID());
        Map<String, Object> first = Map.of("name", "A", "memberEmails", List.of("a@acme.test"), "internalDomains", List.of());
        Map<String, Object> second = Map.of("name", "B", "memberEmails", List.of("b@acme.test"), "internalDomains", List.of("acme.test"));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(first).put("/api/v1/collections/{id}", id)
                .then().statusCode(200);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(second).put("/api/v1/collections/{id}", id)
                .then().statusCode(200);
        given().auth().oauth2(admin).get("/api/v1/collections/{id}", id).then().statusCode(200)
                .body("name", equalTo("B")).body("memberEmails", contains("b@acme.test"));
    }

    @Test
    void shouldRejectMalformedAddressesAndDomains() {
        String admin = adminJwt("admin-" + UUID.randomUUID());
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "X", "memberEmails", List.of("alice@acme.test", "not-an-email"), "internalDomains", List.of()))
                .put("/api/v1/collections/{id}", "team-x")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("invalid_email"));
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "X", "memberEmails", List.of(), "internalDomains", List.of("acme")))
                .put("/api/v1/collections/{id}", "team-x")
                .then().statusCode(400).body("code", equalTo("invalid_domain"));
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("memberEmails", List.of(), "internalDomains", List.of()))
                .put("/api/v1/collections/{id}", "team-x")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "X", "memberEmails", List.of(), "internalDomains", List.of()))
                .put("/api/v1/collections/{id}", "bad id!")
                .then().statusCode(400).body("code", equalTo("invalid_collection_id"));
    }

    @Test
    void shouldListEveryCollectionForTheConsolesDirectoryEditor() {
        String admin = adminJwt("admin-" + UUID.randomUUID());
        String a = "list-a-" + UUID.randomUUID().toString().substring(0, 8);
        String b = "list-b-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "Alpha", "memberEmails", List.of("Ann@Acme.test"), "internalDomains", List.of("acme.test")))
                .put("/api/v1/collections/{id}", a).then().statusCode(200);
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "Beta", "memberEmails", List.of(), "internalDomains", List.of()))
                .put("/api/v1/collections/{id}", b).then().statusCode(200);

        given().auth().oauth2(admin).get("/api/v1/collections").then().statusCode(200)
                .body("items.find { it.id == '" + a + "' }.name", equalTo("Alpha"))
                .body("items.find { it.id == '" + a + "' }.memberEmails", contains("ann@acme.test"))
                .body("items.find { it.id == '" + a + "' }.internalDomains", contains("acme.test"))
                .body("items.find { it.id == '" + b + "' }.name", equalTo("Beta"));
        List<String> ids = given().auth().oauth2(admin).get("/api/v1/collections").then().extract().path("items.id");
        assertThat(ids).isSorted().contains(a, b);

        given().auth().oauth2(userJwt("u-" + UUID.randomUUID())).get("/api/v1/collections")
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
    }

    @Test
    void shouldAllowOnlyAdmins() {
        given().auth().oauth2(userJwt("u-" + UUID.randomUUID())).contentType(ContentType.JSON)
                .body(Map.of("name", "X", "memberEmails", List.of(), "internalDomains", List.of()))
                .put("/api/v1/collections/{id}", "team-x")
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "X", "memberEmails", List.of(), "internalDomains", List.of()))
                .put("/api/v1/collections/{id}", "team-x")
                .then().statusCode(401).body("code", equalTo("unauthorized"));
    }
}

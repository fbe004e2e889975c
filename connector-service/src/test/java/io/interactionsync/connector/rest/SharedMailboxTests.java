package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.assertValid;
import static io.interactionsync.connector.ConnectorTestSupport.db;
import static io.interactionsync.connector.ConnectorTestSupport.json;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.interactionsync.connector.MicrosoftTestSupport.connect;
import static io.interactionsync.connector.MicrosoftTestSupport.loadMicrosoftUser;
import static io.interactionsync.connector.MicrosoftTestSupport.loadSharedMailbox;
import static io.interactionsync.connector.MicrosoftTestSupport.uniqueUpn;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Completeness;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncStatus;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class SharedMailboxTests {

    private static Response add(String jwt, String accountId, String address) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("address", address))
                .post("/api/v1/microsoft-accounts/{id}/shared-mailboxes", accountId);
    }

    private static String sharedAddress() {
        return "team-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.test";
    }

    @Test
    void shouldAddAProbedSharedMailboxOnceAndAnnounceItsAdditionAndRemoval() {
        String shared = sharedAddress();
        loadSharedMailbox(shared);
        String upn = uniqueUpn("delegate");
        loadMicrosoftUser(upn, Map.of("fullAccessTo", List.of(shared)));
        String jwt = userJwt("u-" + UUID.randomUUID());
        String id = connect(jwt, upn, "mail,sharedMail", 201).get("id").asText();

        // the answer is the new entry, as the list and the Account JSON show it: subscribed, not synced yet
        String addedAt = add(jwt, id, "  " + shared.toUpperCase(Locale.ROOT) + " ").then().statusCode(201)
                .body("address", equalTo(shared)).body("state", equalTo("pending"))
                .body("subscription", equalTo("active")).body("lastSyncedAt", org.hamcrest.Matchers.nullValue())
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("syncState")))
                .extract().path("addedAt");
        assertThat(addedAt).isNotBlank();
        add(jwt, id, shared).then().statusCode(200).body("address", equalTo(shared)) // idempotent
                .body("addedAt", equalTo(addedAt)).body("subscription", equalTo("active"));

        given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts/{id}/shared-mailboxes", id)
                .then().statusCode(200).body("size()", equalTo(1)).body("[0].address", equalTo(shared))
                .body("[0].addedAt", equalTo(addedAt))
                .body("[0].state", equalTo("pending")).body("[0].subscription", equalTo("active"));
        given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts/{id}", id)
                .then().statusCode(200).body("sharedMailboxes.address", equalTo(List.of(shared)))
                .body("sharedMailboxes[0].addedAt", equalTo(addedAt))
                .body("sharedMailboxes[0].state", equalTo("pending"));

        given().auth().oauth2(jwt).delete("/api/v1/microsoft-accounts/{id}/shared-mailboxes/{address}", id, shared)
                .then().statusCode(204);
        given().auth().oauth2(jwt).delete("/api/v1/microsoft-accounts/{id}/shared-mailboxes/{address}", id, shared)
                .then().statusCode(404).body("code", equalTo("shared_mailbox_not_found"));
        given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts/{id}", id)
                .then().statusCode(200).body("sharedMailboxes.size()", equalTo(0));

        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            List<JsonNode> events = kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                    r -> id.equals(r.key()) && r.value().contains("shared_mailbox_"), 2, Duration.ofSeconds(30))
                    .stream().map(r -> json(r)).toList();
            assertThat(events).hasSize(2);
            events.forEach(e -> assertValid(Contract.ACCOUNT_EVENT, e));
            assertThat(events.get(0).get("type").asText()).isEqualTo("shared_mailbox_added");
            assertThat(events.get(1).get("type").asText()).isEqualTo("shared_mailbox_removed");
            assertThat(events).allMatch(e -> e.get("sharedMailbox").asText().equals(shared));
        }
    }

    @Test
    void shouldShowEachSharedMailboxsLastReportAndCompletenessInTheAccountJson() {
        String shared = sharedAddress();
        loadSharedMailbox(shared);
        String upn = uniqueUpn("auditdelegate");
        loadMicrosoftUser(upn, Map.of("fullAccessTo", List.of(shared)));
        String jwt = userJwt("u-" + UUID.randomUUID());
        String id = connect(jwt, upn, "mail,sharedMail", 201).get("id").asText();
        add(jwt, id, shared).then().statusCode(201);
        given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts/{id}", id).then().statusCode(200)
                .body("sharedMailboxes[0].address", equalTo(shared))
                .body("sharedMailboxes[0].subscription", equalTo("active"))
                .body("sharedMailboxes[0].state", equalTo("pending"))
                .body("sharedMailboxes[0].completeness", org.hamcrest.Matchers.nullValue());

        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_STATUS, id, new SyncStatus(1, id, Source.OUTLOOK_MAIL, shared,
                    SyncStatus.State.INCOMPLETE, 30, null, now, "1 id still fails after repair", now,
                    new Completeness(now, 31, 30, 4, 3)));
            kafka.send(Topics.SYNC_STATUS, id, new SyncStatus(1, id, Source.OUTLOOK_MAIL, null,
                    SyncStatus.State.SYNCED, 12, null, now, null, now, new Completeness(now, 12, 12, 0, 0)));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts/{id}", id).then().statusCode(200)
                        .body("sources.outlook_mail.state", equalTo("synced"))
                        .body("sources.outlook_mail.completeness.providerCount", equalTo(12))
                        .body("sharedMailboxes[0].state", equalTo("incomplete"))
                        .body("sharedMailboxes[0].lastError", equalTo("1 id still fails after repair"))
                        .body("sharedMailboxes[0].lastSyncedAt", equalTo(now.toString()))
                        .body("sharedMailboxes[0].completeness.checkedAt", equalTo(now.toString()))
                        .body("sharedMailboxes[0].completeness.providerCount", equalTo(31))
                        .body("sharedMailboxes[0].completeness.ingestedCount", equalTo(30))
                        .body("sharedMailboxes[0].completeness.missing", equalTo(4))
                        .body("sharedMailboxes[0].completeness.repaired", equalTo(3)));
    }

    @Test
    void shouldShowEverySubscriberTheStateOfASharedMailboxReadByAnotherSubscribersJob() {
        String shared = sharedAddress();
        loadSharedMailbox(shared);
        String readerUpn = uniqueUpn("reader");
        String otherUpn = uniqueUpn("other");
        loadMicrosoftUser(readerUpn, Map.of("fullAccessTo", List.of(shared)));
        loadMicrosoftUser(otherUpn, Map.of("fullAccessTo", List.of(shared)));
        String readerJwt = userJwt("u-" + UUID.randomUUID());
        String otherJwt = userJwt("u-" + UUID.randomUUID());
        String reader = connect(readerJwt, readerUpn, "mail,sharedMail", 201).get("id").asText();
        String other = connect(otherJwt, otherUpn, "mail,sharedMail", 201).get("id").asText();
        add(readerJwt, reader, shared).then().statusCode(201);
        add(otherJwt, other, shared).then().statusCode(201);

        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            // the mailbox is read once, by the reader's job; the other subscriber was refused once, earlier
            kafka.send(Topics.SYNC_STATUS, reader, new SyncStatus(1, reader, Source.OUTLOOK_MAIL, shared,
                    SyncStatus.State.SYNCED, 40, null, now, null, now, new Completeness(now, 40, 40, 0, 0)));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(otherJwt).get("/api/v1/microsoft-accounts/{id}", other).then().statusCode(200)
                        .body("sharedMailboxes[0].state", equalTo("synced"))
                        .body("sharedMailboxes[0].subscription", equalTo("active"))
                        .body("sharedMailboxes[0].completeness.providerCount", equalTo(40)));

        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_STATUS, other, new SyncStatus(1, other, Source.OUTLOOK_MAIL, shared,
                    SyncStatus.State.ACCESS_DENIED, 0, null, null, "access_denied: no FullAccess", now.plusSeconds(1)));
        }
        // a subscriber's own refusal is never hidden by another subscriber's success
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(otherJwt).get("/api/v1/microsoft-accounts/{id}", other).then().statusCode(200)
                        .body("sharedMailboxes[0].state", equalTo("access_denied"))
                        .body("sharedMailboxes[0].subscription", equalTo("access_denied")));
        // the other subscriber's refusal is its own: the reader's subscription stays active
        given().auth().oauth2(readerJwt).get("/api/v1/microsoft-accounts/{id}", reader).then().statusCode(200)
                .body("sharedMailboxes[0].state", equalTo("synced"))
                .body("sharedMailboxes[0].subscription", equalTo("active"));
    }

    @Test
    void shouldRefuseAMailboxGraphDeniesOrDoesNotKnow() {
        String shared = sharedAddress();
        loadSharedMailbox(shared);
        String upn = uniqueUpn("nofullaccess");
        loadMicrosoftUser(upn);
        String jwt = userJwt("u-" + UUID.randomUUID());
        String id = connect(jwt, upn, "mail,sharedMail", 201).get("id").asText();

        add(jwt, id, shared).then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("shared_mailbox_access_denied"));
        add(jwt, id, "nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.test")
                .then().statusCode(422).body("code", equalTo("shared_mailbox_not_found"));
        add(jwt, id, "not an address").then().statusCode(400).body("code", equalTo("invalid_email"));
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("address", shared, "extra", 1))
                .post("/api/v1/microsoft-accounts/{id}/shared-mailboxes", id)
                .then().statusCode(400).body("code", equalTo("unknown_field"));
        given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts/{id}/shared-mailboxes", id)
                .then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void shouldRequireASharedScope() {
        String shared = sharedAddress();
        loadSharedMailbox(shared);
        String upn = uniqueUpn("noscope");
        loadMicrosoftUser(upn, Map.of("fullAccessTo", List.of(shared)));
        String jwt = userJwt("u-" + UUID.randomUUID());
        String id = connect(jwt, upn, "mail,calendar", 201).get("id").asText();

        add(jwt, id, shared).then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("shared_scope_missing"));
    }

    @Test
    void shouldStopAtFiftySharedMailboxes() throws Exception {
        String shared = sharedAddress();
        loadSharedMailbox(shared);
        String upn = uniqueUpn("limit");
        loadMicrosoftUser(upn, Map.of("fullAccessTo", List.of(shared)));
        String jwt = userJwt("u-" + UUID.randomUUID());
        String id = connect(jwt, upn, "mail,sharedMail", 201).get("id").asText();
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "insert into connector.shared_mailboxes (account_id, address, added_at) values (?, ?, ?)")) {
            for (int i = 0; i < 50; i++) {
                ps.setObject(1, UUID.fromString(id));
                ps.setString(2, "box" + i + "@contoso.test");
                ps.setTimestamp(3, Timestamp.from(Instant.now()));
                ps.addBatch();
            }
            ps.executeBatch();
        }

        add(jwt, id, shared).then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("shared_mailbox_limit"));
        add(jwt, id, "box7@contoso.test").then().statusCode(200); // an existing one is still idempotent
    }

    @Test
    void shouldHideAnotherUsersMicrosoftAccountBehind404OnEveryEndpoint() {
        String shared = sharedAddress();
        loadSharedMailbox(shared);
        String upn = uniqueUpn("iso");
        loadMicrosoftUser(upn, Map.of("fullAccessTo", List.of(shared)));
        String owner = userJwt("owner-" + UUID.randomUUID());
        String other = userJwt("other-" + UUID.randomUUID());
        String id = connect(owner, upn, "mail,sharedMail", 201).get("id").asText();
        add(owner, id, shared).then().statusCode(201);

        given().auth().oauth2(other).get("/api/v1/microsoft-accounts/{id}", id)
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("account_not_found"));
        given().auth().oauth2(other).get("/api/v1/microsoft-accounts").then().statusCode(200).body("size()", equalTo(0));
        given().auth().oauth2(other).delete("/api/v1/microsoft-accounts/{id}", id)
                .then().statusCode(404).body("code", equalTo("account_not_found"));
        given().auth().oauth2(other).get("/api/v1/microsoft-accounts/{id}/shared-mailboxes", id)
                .then().statusCode(404).body("code", equalTo("account_not_found"));
        add(other, id, shared).then().statusCode(404).body("code", equalTo("account_not_found"));
        given().auth().oauth2(other).delete("/api/v1/microsoft-accounts/{id}/shared-mailboxes/{address}", id, shared)
                .then().statusCode(404).body("code", equalTo("account_not_found"));
        // A Microsoft account is not reachable under the Google paths either.
        given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", id).then().statusCode(404);
        given().auth().oauth2(owner).get("/api/v1/microsoft-accounts/{id}/shared-mailboxes", "not-a-uuid")
                .then().statusCode(400).body("code", equalTo("invalid_account_id"));
        given().get("/api/v1/microsoft-accounts").then().statusCode(401).body("code", equalTo("unauthorized"));

        given().auth().oauth2(owner).get("/api/v1/microsoft-accounts/{id}", id)
                .then().statusCode(200).body("sharedMailboxes.address", equalTo(List.of(shared)));
    }
}

package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.accessToken;
import static io.interactionsync.connector.ConnectorTestSupport.assertValid;
import static io.interactionsync.connector.ConnectorTestSupport.connect;
import static io.interactionsync.connector.ConnectorTestSupport.db;
import static io.interactionsync.connector.ConnectorTestSupport.emulator;
import static io.interactionsync.connector.ConnectorTestSupport.json;
import static io.interactionsync.connector.ConnectorTestSupport.loadGoogleUser;
import static io.interactionsync.connector.ConnectorTestSupport.serviceJwt;
import static io.interactionsync.connector.ConnectorTestSupport.uniqueEmail;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.connector.ConnectorTestSupport;
import io.interactionsync.connector.service.SyncFanOutService;
import io.interactionsync.model.Completeness;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.Json;
import io.interactionsync.model.PushHealth;
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
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class SyncLifecycleTests {

    @Inject
    SyncFanOutService fanOut;

    private KafkaTestClient kafka;
    private String owner;
    private String email;
    private String accountId;

    @BeforeEach
    void connectAnAccount() {
        kafka = KafkaTestClient.connect();
        owner = userJwt("u-" + UUID.randomUUID());
        email = uniqueEmail("sync");
        loadGoogleUser(email);
        accountId = connect(owner, email, "gmail,calendar", 201).get("id").asText();
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void shouldPublishAManualSyncRequest() {
        given().auth().oauth2(owner).post("/api/v1/accounts/{id}/sync", accountId)
                .then().statusCode(202).body("accountId", equalTo(accountId));
        JsonNode request = json(kafka.awaitRecords(Topics.SYNC_REQUESTS,
                r -> accountId.equals(r.key()) && r.value().contains("\"manual\""), 1, Duration.ofSeconds(30)).get(0));
        assertValid(Contract.SYNC_REQUEST, request);
        assertThat(request.get("sources").toString()).contains("gmail", "google_calendar");
    }

    @Test
    void shouldPublishAFullResyncOnlyWhenAskedFor() {
        given().auth().oauth2(owner).contentType(ContentType.JSON).body(Map.of("mode", "full"))
                .post("/api/v1/accounts/{id}/sync", accountId)
                .then().statusCode(202).body("accountId", equalTo(accountId)).body("mode", equalTo("full"))
                .body("sources", equalTo(java.util.List.of("gmail", "google_calendar")));
        JsonNode full = json(kafka.awaitRecords(Topics.SYNC_REQUESTS,
                r -> accountId.equals(r.key()) && r.value().contains("\"full\""), 1, Duration.ofSeconds(30)).get(0));
        assertValid(Contract.SYNC_REQUEST, full);
        assertThat(full.get("reason").asText()).isEqualTo("manual");
        assertThat(full.get("sources").toString()).contains("gmail", "google_calendar");

        // no body, an empty object, or mode auto: an ordinary manual sync
        given().auth().oauth2(owner).post("/api/v1/accounts/{id}/sync", accountId)
                .then().statusCode(202).body("mode", equalTo("auto"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{}").post("/api/v1/accounts/{id}/sync", accountId)
                .then().statusCode(202).body("mode", equalTo("auto"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body(Map.of("mode", "auto"))
                .post("/api/v1/accounts/{id}/sync", accountId).then().statusCode(202).body("mode", equalTo("auto"));
        java.util.List<JsonNode> manual = kafka.awaitRecords(Topics.SYNC_REQUESTS,
                r -> accountId.equals(r.key()) && r.value().contains("\"manual\""), 4, Duration.ofSeconds(30))
                .stream().map(ConnectorTestSupport::json).toList();
        assertThat(manual).extracting(r -> r.get("mode").asText()).containsExactly("full", "auto", "auto", "auto");

        // anything else is refused before it costs rate-limit budget
        given().auth().oauth2(owner).contentType(ContentType.JSON).body(Map.of("mode", "incremental"))
                .post("/api/v1/accounts/{id}/sync", accountId)
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("invalid_mode"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body(Map.of("mode", "FULL"))
                .post("/api/v1/accounts/{id}/sync", accountId).then().statusCode(400).body("code", equalTo("invalid_mode"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body(Map.of("mode", "full", "now", true))
                .post("/api/v1/accounts/{id}/sync", accountId).then().statusCode(400).body("code", equalTo("unknown_field"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{mode: full")
                .post("/api/v1/accounts/{id}/sync", accountId).then().statusCode(400).body("code", equalTo("malformed_json"));
        given().auth().oauth2(userJwt("u-" + UUID.randomUUID())).contentType(ContentType.JSON).body(Map.of("mode", "full"))
                .post("/api/v1/accounts/{id}/sync", accountId).then().statusCode(404).body("code", equalTo("account_not_found"));
    }

    @Test
    void shouldNeverShowAnEstimateBelowWhatWasFetched() {
        Instant now = Instant.now();
        kafka.send(Topics.SYNC_STATUS, accountId, new SyncStatus(1, accountId, Source.GMAIL, null,
                SyncStatus.State.SYNCING, 120, 100L, null, null, now));
        kafka.send(Topics.SYNC_STATUS, accountId, new SyncStatus(1, accountId, Source.GOOGLE_CALENDAR, null,
                SyncStatus.State.SYNCING, 3, 40L, null, null, now));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId).then().statusCode(200)
                        .body("sources.gmail.fetched", equalTo(120))
                        .body("sources.gmail.estimatedTotal", equalTo(120))
                        .body("sources.google_calendar.fetched", equalTo(3))
                        .body("sources.google_calendar.estimatedTotal", equalTo(40)));
    }

    @Test
    void shouldPublishAnAuditRequestForTheOwnersAccountOnly() {
        given().auth().oauth2(owner).post("/api/v1/accounts/{id}/audit", accountId)
                .then().statusCode(202).body("accountId", equalTo(accountId))
                .body("sources", equalTo(java.util.List.of("gmail", "google_calendar")));
        JsonNode request = json(kafka.awaitRecords(Topics.SYNC_REQUESTS,
                r -> accountId.equals(r.key()) && r.value().contains("\"audit\":true"), 1, Duration.ofSeconds(30))
                .get(0));
        assertValid(Contract.SYNC_REQUEST, request);
        assertThat(request.get("reason").asText()).isEqualTo("manual");
        assertThat(request.get("mode").asText()).isEqualTo("auto");
        assertThat(request.get("sources").toString()).contains("gmail", "google_calendar");
        // a manual sync asks for no audit
        given().auth().oauth2(owner).post("/api/v1/accounts/{id}/sync", accountId).then().statusCode(202);
        JsonNode sync = json(kafka.awaitRecords(Topics.SYNC_REQUESTS,
                r -> accountId.equals(r.key()) && r.value().contains("\"manual\"")
                        && !r.value().contains("\"audit\":true"), 1, Duration.ofSeconds(30))
                .get(0));
        assertThat(sync.path("audit").asBoolean(false)).isFalse();

        // someone else's account, or none at all, is not found
        given().auth().oauth2(userJwt("u-" + UUID.randomUUID())).post("/api/v1/accounts/{id}/audit", accountId)
                .then().statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("account_not_found"));
        given().auth().oauth2(owner).post("/api/v1/accounts/{id}/audit", UUID.randomUUID().toString())
                .then().statusCode(404).body("code", equalTo("account_not_found"));
        given().auth().oauth2(owner).post("/api/v1/accounts/{id}/audit", "not-a-uuid")
                .then().statusCode(400).body("code", equalTo("invalid_account_id"));
        given().post("/api/v1/accounts/{id}/audit", accountId).then().statusCode(401);
    }

    @Test
    void shouldRefuseToAuditAnAccountThatMustBeReconnected() throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "update connector.accounts set status = 'REAUTH_REQUIRED' where id = ?")) {
            ps.setObject(1, UUID.fromString(accountId));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        given().auth().oauth2(owner).post("/api/v1/accounts/{id}/audit", accountId)
                .then().statusCode(409).body("code", equalTo("reauth_required"));
        // a disconnected account is gone for its owner, as for a manual sync
        given().auth().oauth2(owner).delete("/api/v1/google-accounts/{id}", accountId).then().statusCode(204);
        given().auth().oauth2(owner).post("/api/v1/accounts/{id}/audit", accountId)
                .then().statusCode(404).body("code", equalTo("account_not_found"));
    }

    @Test
    void shouldShowIncompleteWhileTheLastAuditLeftGapsAndSyncedAfterACleanOne() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant audited = now.minusSeconds(5);
        SyncStatus gmail = new SyncStatus(1, accountId, Source.GMAIL, null, SyncStatus.State.INCOMPLETE, 900, 900L,
                now, "2 ids still fail after repair: 18c2f, 18c30", now,
                new Completeness(audited, 1200, 1197, 5, 3));
        SyncStatus calendar = new SyncStatus(1, accountId, Source.GOOGLE_CALENDAR, null, SyncStatus.State.SYNCED, 40,
                40L, now, null, now, new Completeness(audited, 40, 40, 0, 0));
        assertValid(Contract.SYNC_STATUS, Json.mapper().valueToTree(gmail));
        kafka.send(Topics.SYNC_STATUS, accountId, gmail);
        kafka.send(Topics.SYNC_STATUS, accountId, calendar);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId).then().statusCode(200)
                        .body("syncStatus", equalTo("incomplete"))
                        .body("sources.gmail.state", equalTo("incomplete"))
                        .body("sources.gmail.lastError", equalTo("2 ids still fail after repair: 18c2f, 18c30"))
                        .body("sources.gmail.completeness.checkedAt", equalTo(audited.toString()))
                        .body("sources.gmail.completeness.providerCount", equalTo(1200))
                        .body("sources.gmail.completeness.ingestedCount", equalTo(1197))
                        .body("sources.gmail.completeness.missing", equalTo(5))
                        .body("sources.gmail.completeness.repaired", equalTo(3))
                        .body("sources.google_calendar.state", equalTo("synced"))
                        .body("sources.google_calendar.completeness.missing", equalTo(0)));

        // progress reports carry no audit: the last one stays, and syncing is worse than incomplete
        kafka.send(Topics.SYNC_STATUS, accountId, new SyncStatus(1, accountId, Source.GMAIL, null,
                SyncStatus.State.SYNCING, 10, null, now, null, now.plusSeconds(1)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId).then().statusCode(200)
                        .body("syncStatus", equalTo("syncing"))
                        .body("sources.gmail.completeness.missing", equalTo(5))
                        .body("sources.gmail.completeness.checkedAt", equalTo(audited.toString())));

        Instant reaudited = now.plusSeconds(2);
        kafka.send(Topics.SYNC_STATUS, accountId, new SyncStatus(1, accountId, Source.GMAIL, null,
                SyncStatus.State.SYNCED, 902, 902L, reaudited, null, reaudited,
                new Completeness(reaudited, 1200, 1200, 2, 2)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId).then().statusCode(200)
                        .body("syncStatus", equalTo("synced"))
                        .body("sources.gmail.state", equalTo("synced"))
                        .body("sources.gmail.lastError", org.hamcrest.Matchers.nullValue())
                        .body("sources.gmail.completeness.checkedAt", equalTo(reaudited.toString()))
                        .body("sources.gmail.completeness.ingestedCount", equalTo(1200))
                        .body("sources.gmail.completeness.missing", equalTo(2))
                        .body("sources.gmail.completeness.repaired", equalTo(2)));
        // the list shows the same
        given().auth().oauth2(owner).get("/api/v1/google-accounts").then().statusCode(200)
                .body("find { it.id == '" + accountId + "' }.sources.gmail.completeness.repaired", equalTo(2));
    }

    @Test
    void shouldReflectSyncStatusReportsInTheAccountJson() {
        Instant now = Instant.now();
        SyncStatus gmail = new SyncStatus(1, accountId, Source.GMAIL, null, SyncStatus.State.SYNCING, 120, 500L,
                null, null, now);
        SyncStatus calendar = new SyncStatus(1, accountId, Source.GOOGLE_CALENDAR, null, SyncStatus.State.SYNCED, 40,
                40L, now, null, now);
        assertValid(Contract.SYNC_STATUS, Json.mapper().valueToTree(gmail));
        kafka.send(Topics.SYNC_STATUS, accountId, gmail);
        kafka.send(Topics.SYNC_STATUS, accountId, calendar);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId).then().statusCode(200)
                        .body("syncStatus", equalTo("syncing"))
                        .body("sources.gmail.state", equalTo("syncing"))
                        .body("sources.gmail.fetched", equalTo(120))
                        .body("sources.gmail.estimatedTotal", equalTo(500))
                        .body("sources.google_calendar.state", equalTo("synced")));

        // An older report does not overwrite a newer one; a newer one does.
        kafka.send(Topics.SYNC_STATUS, accountId, new SyncStatus(1, accountId, Source.GMAIL, null,
                SyncStatus.State.PENDING, 0, null, null, null, now.minusSeconds(60)));
        kafka.send(Topics.SYNC_STATUS, accountId, new SyncStatus(1, accountId, Source.GMAIL, null,
                SyncStatus.State.SYNCED, 500, 500L, now.plusSeconds(1), null, now.plusSeconds(1)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId).then().statusCode(200)
                        .body("syncStatus", equalTo("synced"))
                        .body("sources.gmail.fetched", equalTo(500)));
    }

    @Test
    void shouldShowEachSourcesPushHealthAndKeepItAcrossProgressReports() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant expires = now.plus(7, ChronoUnit.DAYS);
        SyncStatus gmail = new SyncStatus(1, accountId, Source.GMAIL, null, SyncStatus.State.SYNCED, 10, 10L, now, null,
                now, null, new PushHealth(PushHealth.State.ACTIVE, expires, now.minusSeconds(5), null));
        SyncStatus calendar = new SyncStatus(1, accountId, Source.GOOGLE_CALENDAR, null, SyncStatus.State.SYNCED, 4, 4L,
                now, null, now, null, new PushHealth(PushHealth.State.FAILED, null, null, "Calendar answered 403"));
        assertValid(Contract.SYNC_STATUS, Json.mapper().valueToTree(gmail));
        kafka.send(Topics.SYNC_STATUS, accountId, gmail);
        kafka.send(Topics.SYNC_STATUS, accountId, calendar);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId).then().statusCode(200)
                        .body("sources.gmail.push.state", equalTo("active"))
                        .body("sources.gmail.push.expiresAt", equalTo(expires.toString()))
                        .body("sources.gmail.push.lastNotificationAt", equalTo(now.minusSeconds(5).toString()))
                        .body("sources.google_calendar.push.state", equalTo("failed"))
                        .body("sources.google_calendar.push.lastError", equalTo("Calendar answered 403")));
        // A progress report without push health keeps the last one.
        kafka.send(Topics.SYNC_STATUS, accountId, new SyncStatus(1, accountId, Source.GMAIL, null,
                SyncStatus.State.SYNCING, 11, null, null, null, now.plusSeconds(1)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId).then().statusCode(200)
                        .body("sources.gmail.state", equalTo("syncing"))
                        .body("sources.gmail.push.state", equalTo("active")));
    }

    @Test
    void shouldAnnounceDisconnectingBeforeDisconnectedWhenPushIsLive() throws Exception {
        Instant now = Instant.now();
        kafka.send(Topics.SYNC_STATUS, accountId, new SyncStatus(1, accountId, Source.GMAIL, null,
                SyncStatus.State.SYNCED, 1, 1L, now, null, now, null,
                new PushHealth(PushHealth.State.ACTIVE, now.plus(7, ChronoUnit.DAYS), null, null)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId).then().statusCode(200)
                        .body("sources.gmail.push.state", equalTo("active")));

        given().auth().oauth2(owner).queryParam("purge", true).delete("/api/v1/google-accounts/{id}", accountId)
                .then().statusCode(204);

        var records = kafka.awaitRecords(Topics.ACCOUNT_EVENTS, r -> accountId.equals(r.key())
                && (r.value().contains("\"disconnecting\"") || r.value().contains("\"disconnected\"")), 2,
                Duration.ofSeconds(30));
        JsonNode first = json(records.get(0));
        assertValid(Contract.ACCOUNT_EVENT, first);
        assertThat(first.get("type").asText()).isEqualTo("disconnecting");
        assertThat(json(records.get(1)).get("type").asText()).isEqualTo("disconnected");
    }

    @Test
    void shouldSkipAnUnreadableSyncStatusRecordAndKeepConsuming() {
        kafka.sendBytes(Topics.SYNC_STATUS, accountId, "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        kafka.send(Topics.SYNC_STATUS, accountId, new SyncStatus(1, accountId, Source.GMAIL, null,
                SyncStatus.State.ERROR, 3, null, null, "Gmail answered 500", Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId).then().statusCode(200)
                        .body("syncStatus", equalTo("error"))
                        .body("sources.gmail.lastError", equalTo("Gmail answered 500")));
    }

    @Test
    void shouldFanOutOncePerScheduledSlot() {
        Instant slot = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(UUID.randomUUID().hashCode() & 0xffff, ChronoUnit.DAYS);
        int sent = fanOut.fanOut(slot);
        assertThat(sent).isPositive();
        // Another replica (or a second call) for the same slot does nothing.
        assertThat(fanOut.fanOut(slot)).isEqualTo(-1);
        JsonNode request = json(kafka.awaitRecords(Topics.SYNC_REQUESTS,
                r -> accountId.equals(r.key()) && r.value().contains("\"schedule\""), 1, Duration.ofSeconds(30)).get(0));
        assertValid(Contract.SYNC_REQUEST, request);
    }

    @Test
    void shouldRevokeEraseTokensAndPublishDisconnected() throws Exception {
        String token = accessToken(accountId, null).get("accessToken").asText();
        given().auth().oauth2(owner).queryParam("purge", false).delete("/api/v1/google-accounts/{id}", accountId)
                .then().statusCode(204).header("Retention-Outcome", "kept").header("Retention-Reason", "requested");

        given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId).then().statusCode(404);
        given().auth().oauth2(serviceJwt()).post("/internal/v1/accounts/{id}/access-token", accountId)
                .then().statusCode(404);
        // Revoked at Google: the old access token no longer works.
        given().auth().oauth2(token).get(emulator() + "/gmail.googleapis.com/gmail/v1/users/me/profile")
                .then().statusCode(401);
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select status, access_token_enc, refresh_token_enc from connector.accounts where id = ?")) {
            ps.setObject(1, UUID.fromString(accountId));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("status")).isEqualTo("DISCONNECTED");
                assertThat(rs.getBytes("access_token_enc")).isNull();
                assertThat(rs.getBytes("refresh_token_enc")).isNull();
            }
        }
        JsonNode event = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                r -> accountId.equals(r.key()) && r.value().contains("disconnected"), 1, Duration.ofSeconds(30)).get(0));
        assertValid(Contract.ACCOUNT_EVENT, event);
        assertThat(event.get("purge").asBoolean()).isFalse();
    }

    @Test
    void shouldRemoveTheRowWhenPurging() throws Exception {
        given().auth().oauth2(owner).queryParam("purge", true)
                .delete("/api/v1/google-accounts/{id}", accountId).then().statusCode(204)
                .header("Retention-Outcome", "purged").header("Retention-Reason", "requested");
        assertThat(rows(accountId)).isZero();
        JsonNode event = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                r -> accountId.equals(r.key()) && r.value().contains("disconnected"), 1, Duration.ofSeconds(30)).get(0));
        assertThat(event.get("purge").asBoolean()).isTrue();
    }

    @Test
    void shouldPurgeByDefaultWhenDisconnecting() throws Exception {
        given().auth().oauth2(owner).delete("/api/v1/google-accounts/{id}", accountId).then().statusCode(204)
                .header("Retention-Outcome", "purged").header("Retention-Reason", "default_policy");
        assertThat(rows(accountId)).isZero();
        JsonNode event = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                r -> accountId.equals(r.key()) && r.value().contains("disconnected"), 1, Duration.ofSeconds(30)).get(0));
        assertValid(Contract.ACCOUNT_EVENT, event);
        assertThat(event.get("purge").asBoolean()).isTrue();
    }

    @Test
    void shouldRefuseAPurgeParameterThatIsNotABoolean() throws Exception {
        given().auth().oauth2(owner).queryParam("purge", "maybe").delete("/api/v1/google-accounts/{id}", accountId)
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("invalid_parameter"));
        assertThat(rows(accountId)).isOne();
    }

    @Test
    void shouldReconnectADisconnectedAccountAsANewAccount() throws Exception {
        // kept: the old row stays disconnected (history), the reconnect is a new account with a new id
        given().auth().oauth2(owner).queryParam("purge", false).delete("/api/v1/google-accounts/{id}", accountId)
                .then().statusCode(204);
        JsonNode again = connect(owner, email, "gmail", 201);
        String second = again.get("id").asText();
        assertThat(second).isNotEqualTo(accountId);
        given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", accountId).then().statusCode(404);
        given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", second).then().statusCode(200);
        assertThat(status(accountId)).isEqualTo("DISCONNECTED");
        assertThat(status(second)).isEqualTo("ACTIVE");
        // the new account is announced as connected and asks for a sync of its own
        JsonNode connected = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                r -> second.equals(r.key()) && r.value().contains("\"connected\""), 1, Duration.ofSeconds(30)).get(0));
        assertThat(connected.get("email").asText()).isEqualTo(email);
        kafka.awaitRecords(Topics.SYNC_REQUESTS, r -> second.equals(r.key()) && r.value().contains("\"connect\""), 1,
                Duration.ofSeconds(30));
        // a reconnect of the live account keeps its id
        assertThat(connect(owner, email, "gmail,calendar", 200).get("id").asText()).isEqualTo(second);

        // purged: no row left, and the next connect is new again
        given().auth().oauth2(owner).delete("/api/v1/google-accounts/{id}", second).then().statusCode(204)
                .header("Retention-Outcome", "purged");
        String third = connect(owner, email, "gmail", 201).get("id").asText();
        assertThat(third).isNotIn(accountId, second);
        assertThat(rows(second)).isZero();
        assertThat(rows(accountId)).isOne();
    }

    @Test
    void shouldLetAnotherUserConnectAMailboxWhoseOwnerDisconnected() {
        given().auth().oauth2(owner).queryParam("purge", false).delete("/api/v1/google-accounts/{id}", accountId)
                .then().statusCode(204);
        String other = userJwt("u-" + UUID.randomUUID());
        String id = connect(other, email, "gmail", 201).get("id").asText();
        assertThat(id).isNotEqualTo(accountId);
        given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", id).then().statusCode(404);
        // while it is live, nobody else can take it
        Map<String, String> cb = ConnectorTestSupport.authorize(owner, email, "gmail");
        given().auth().oauth2(owner).contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("code", cb.get("code"), "redirectUri", ConnectorTestSupport.CALLBACK, "state", cb.get("state")))
                .post("/api/v1/google-accounts").then().statusCode(409).body("code", equalTo("account_connected_by_another_user"));
    }

    private static int rows(String id) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select count(*) from connector.accounts where id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
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

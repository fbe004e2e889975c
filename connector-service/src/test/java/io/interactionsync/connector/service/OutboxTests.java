package io.interactionsync.connector.service;

import static io.interactionsync.connector.ConnectorTestSupport.db;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TopicReader;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transactional outbox (issue 18 item 6): records queued while nothing can be sent reach Kafka later, in order,
 * each once; rows committed by a process that died before sending them are sent by the next start.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class OutboxTests {

    @Inject
    EventPublisher publisher;

    @Inject
    OutboxRelay relay;

    @AfterEach
    void relayRunsAgain() {
        relay.resume();
        relay.start();
    }

    @Test
    void shouldDeliverEveryEventQueuedWhileTheRelayCannotSendLaterInOrder() throws Exception {
        String user = "u-" + UUID.randomUUID();
        relay.suspend(); // nothing reaches the broker from here on

        // An API call answers as usual (after its bounded wait); its blocklist is committed and its event queued.
        putBlocklist(user, "first@spam.test");
        // More changes of the same key, each in its own transaction, while the relay still cannot send.
        for (int i = 2; i <= 6; i++) {
            String entry = "entry" + i + "@spam.test";
            QuarkusTransaction.requiringNew().run(() -> publisher.publish(AccountEvent.blocklistChanged(
                    new AccountEvent.Blocklist(AccountEvent.Blocklist.Scope.USER, user, List.of(entry)), Instant.now())));
        }
        assertThat(queuedFor(user)).isEqualTo(6);
        assertThat(TopicReader.valuesWithKey(Topics.ACCOUNT_EVENTS, user)).isEmpty();
        given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("connector_outbox_pending"));

        relay.resume();

        await().atMost(Duration.ofSeconds(30)).until(() -> queuedFor(user) == 0);
        List<String> delivered = TopicReader.valuesWithKey(Topics.ACCOUNT_EVENTS, user).stream()
                .map(e -> e.get("blocklist").get("entries").get(0).asText()).toList();
        List<String> expected = new ArrayList<>(List.of("first@spam.test"));
        IntStream.rangeClosed(2, 6).forEach(i -> expected.add("entry" + i + "@spam.test"));
        assertThat(delivered).containsExactlyElementsOf(expected); // none lost, none twice, in commit order
        given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("connector_outbox_published_total{topic=\"account-events\"}"));
    }

    @Test
    void shouldAnswerAnApiCallOnlyOnceItsEventIsOnKafka() {
        String user = "u-" + UUID.randomUUID();
        putBlocklist(user, "now@spam.test");
        // Read right after the 200, without waiting: the record is already there.
        assertThat(TopicReader.valuesWithKey(Topics.ACCOUNT_EVENTS, user)).hasSize(1);
    }

    @Test
    void shouldLeaveTheRowsToTheReplicaThatHoldsTheRelayLock() throws Exception {
        String user = "u-" + UUID.randomUUID();
        try (Connection otherReplica = db()) {
            otherReplica.setAutoCommit(false);
            try (PreparedStatement lock = otherReplica.prepareStatement("select pg_advisory_xact_lock(?)")) {
                lock.setLong(1, OutboxRelay.RELAY_LOCK);
                lock.executeQuery().close();
            }
            CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> putBlocklist(user, "x@spam.test"));
            await().atMost(Duration.ofSeconds(10)).until(() -> queuedFor(user) == 1);
            // This replica does not send while the other one is the relay; its request keeps waiting.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> queuedFor(user) == 1);
            assertThat(answered).isNotDone();

            // The other replica's round sends the row and deletes it: the waiting request is released at once,
            // well before its 5 s bound.
            try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                    "delete from connector.event_outbox where record_key = ?")) {
                ps.setString(1, user);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            answered.get(2, TimeUnit.SECONDS);
            assertThat(TopicReader.valuesWithKey(Topics.ACCOUNT_EVENTS, user)).as("sent by this replica").isEmpty();
            otherReplica.rollback();
        }
    }

    @Test
    void shouldSendRowsThatAProcessCommittedButDidNotSendAfterTheRestart() throws Exception {
        relay.stop(); // the process that committed these rows "crashed" before its relay ran
        String accountId = UUID.randomUUID().toString();
        Instant at = Instant.now();
        AccountEvent reauth = AccountEvent.of(AccountEvent.Type.REAUTH_REQUIRED, accountId, "u-crash", Provider.GOOGLE,
                null, List.of(), List.of(Source.GMAIL), at);
        SyncRequest request = SyncRequest.of(accountId, Provider.GOOGLE, List.of(Source.GMAIL), SyncRequest.Mode.AUTO,
                SyncRequest.Reason.MANUAL, at);
        insertAsAnotherProcess(Topics.ACCOUNT_EVENTS, accountId, Json.mapper().writeValueAsString(reauth));
        insertAsAnotherProcess(Topics.SYNC_REQUESTS, accountId, Json.mapper().writeValueAsString(request));
        assertThat(queuedFor(accountId)).isEqualTo(2);

        relay.start(); // what the restarted process does at startup

        await().atMost(Duration.ofSeconds(30)).until(() -> queuedFor(accountId) == 0);
        List<JsonNode> events = TopicReader.valuesWithKey(Topics.ACCOUNT_EVENTS, accountId);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("type").asText()).isEqualTo("reauth_required");
        List<JsonNode> requests = TopicReader.valuesWithKey(Topics.SYNC_REQUESTS, accountId);
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).get("reason").asText()).isEqualTo("manual");
    }

    @Test
    void shouldDropARecordThatCanNeverBeSentWithoutBlockingItsKey() throws Exception {
        String key = "c-" + UUID.randomUUID().toString().substring(0, 8);
        relay.suspend();
        // Over the producer's max.request.size (1 MiB): Kafka refuses it for good.
        List<String> huge = IntStream.range(0, 60_000).mapToObj(i -> "member" + i + "@big-team.test").toList();
        List<Long> ids = QuarkusTransaction.requiringNew().call(() -> List.of(
                publisher.publish(directory(key, "before", List.of("a@team.test"))),
                publisher.publish(directory(key, "huge", huge)),
                publisher.publish(directory(key, "after", List.of("b@team.test")))));
        relay.resume();

        assertThat(publisher.awaitPublished(ids)).isTrue();
        List<String> names = TopicReader.valuesWithKey(Topics.ACCOUNT_EVENTS, key).stream()
                .map(e -> e.get("directory").get("name").asText()).toList();
        assertThat(names).containsExactly("before", "after");
        given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("connector_outbox_dropped_total{topic=\"account-events\"}"));
    }

    @Test
    void shouldRefuseToQueueOutsideATransaction() {
        AccountEvent event = directory("c-" + UUID.randomUUID(), "x", List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> publisher.publish(event))
                .isInstanceOf(IllegalStateException.class);
    }

    private static void putBlocklist(String user, String entry) {
        given().auth().oauth2(userJwt(user)).contentType(ContentType.JSON).body(Map.of("entries", List.of(entry)))
                .put("/api/v1/blocklist").then().statusCode(200);
    }

    private static AccountEvent directory(String id, String name, List<String> members) {
        return new AccountEvent(AccountEvent.SCHEMA_VERSION, AccountEvent.Type.DIRECTORY_CHANGED, id, null, null, null,
                null, null, null, null, new AccountEvent.Directory(id, name, members, List.of(), null), Instant.now());
    }

    private static void insertAsAnotherProcess(String topic, String key, String payload) throws SQLException {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "insert into connector.event_outbox (topic, record_key, payload, created_at) values (?, ?, ?, ?)")) {
            ps.setString(1, topic);
            ps.setString(2, key);
            ps.setString(3, payload);
            ps.setTimestamp(4, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        }
    }

    private static long queuedFor(String key) throws SQLException {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select count(*) from connector.event_outbox where record_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

package io.interactionsync.relationship.it;

import io.interactionsync.testsupport.StateTopic;
import static io.interactionsync.relationship.it.Api.get;
import static io.interactionsync.relationship.it.Api.token;
import static io.interactionsync.relationship.support.Events.meeting;
import static io.interactionsync.relationship.support.Events.received;
import static io.interactionsync.relationship.support.Events.sent;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.relationship.support.Events;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** One member's scores from the state topic: incremental updates, deletions, bad values, the API's contract. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(StateTopic.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class RelationshipScoringIT {

    private static final StateTopic TOPIC = new StateTopic();

    @AfterAll
    static void close() {
        TOPIC.close();
    }

    private static String user() {
        return "u-" + UUID.randomUUID();
    }

    private static void publish(InteractionEvent... events) {
        for (InteractionEvent e : events) {
            TOPIC.publish(e);
        }
        TOPIC.flush();
    }

    @Test
    void shouldScoreReciprocatedEmailsAndUpdateIncrementally() {
        String user = user();
        String bob = "bob@example.com";
        Instant now = Instant.now().minusSeconds(60);
        List<InteractionEvent> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(sent(user, "acc-" + user, bob, now, "<out-" + i + "@acme.test>"));
            events.add(received(user, "acc-" + user, bob, now, "<in-" + i + "@example.com>"));
        }
        publish(events.toArray(InteractionEvent[]::new));
        // E = 3 → 100·(1 − e^(−3/8)) = 31.27 (a minute of decay is invisible at one decimal)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Api.strength(user, bob)).isEqualTo(31.3));

        // one more reciprocated pair: E = 4 → 100·(1 − e^(−0.5)) = 39.35, from those two events alone (the latency,
        // p95 61 ms, is measured by RelationshipRebuildBenchmark, not asserted here)
        publish(sent(user, "acc-" + user, bob, now, "<out-3@acme.test>"),
                received(user, "acc-" + user, bob, now, "<in-3@example.com>"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(Api.strength(user, bob)).isEqualTo(39.3));

        JsonPath details = Api.relationship(user, bob);
        assertThat(details.getString("tier")).isEqualTo("known");
        assertThat(details.getInt("emailsSent")).isEqualTo(4);
        assertThat(details.getInt("emailsReceived")).isEqualTo(4);
        assertThat(details.getBoolean("twoWay")).isTrue();
        assertThat(details.getString("contactName")).isEqualTo("Name of " + bob);
        assertThat(details.getList("explanation")).hasSize(3);
        assertThat(details.getString("explanation[0].eventId")).isNotBlank();
        assertThat(details.getString("explanation[0].kind")).isEqualTo("email");
        assertThat(details.getString("explanation[0].source")).isEqualTo("gmail");
        assertThat(details.getDouble("explanation[0].contribution")).isEqualTo(1.0);
        assertThat(details.getString("explanation[0].internetMessageId")).isNotBlank();
        assertThat(details.getString("explanation[0].threadId")).isNotBlank();
        assertThat(details.getString("explanation[0].subject")).isNull();
    }

    @Test
    void oneWayContactsAreCappedAndOneMessageCountsOncePerContact() {
        String user = user();
        Instant now = Instant.now().minusSeconds(60);
        List<InteractionEvent> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(sent(user, "acc-" + user, "carol@example.com", now, "<c-" + i + "@acme.test>"));
        }
        // the same message through the own mailbox and a shared one: counted once, at its highest weight (To over Cc)
        events.add(sent(user, "acc-" + user, "dave@example.com", now, "<same@acme.test>"));
        events.add(Events.email(user, "acc-" + user, "dave@example.com", InteractionEvent.Direction.OUTBOUND,
                InteractionEvent.Role.CC, now, "<same@acme.test>", 1));
        publish(events.toArray(InteractionEvent[]::new));
        // O = 30 → E = 3 → 31.27, capped at 15 without a reply or a meeting
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(Api.strength(user, "carol@example.com")).isEqualTo(15.0);
            // O = 1 (not 1.5) → E = 0.1 → 100·(1 − e^(−0.0125)) = 1.24
            assertThat(Api.strength(user, "dave@example.com")).isEqualTo(1.2);
        });
        JsonPath carol = Api.relationship(user, "carol@example.com");
        assertThat(carol.getBoolean("capped")).isTrue();
        assertThat(carol.getString("tier")).isEqualTo("cold");
        assertThat(Api.relationship(user, "dave@example.com").getInt("emailsSent")).isEqualTo(1);
    }

    @Test
    void deletedEventsAndTombstonesRemoveTheirContribution() {
        String user = user();
        Instant now = Instant.now().minusSeconds(60);
        InteractionEvent out = sent(user, "acc-" + user, "erin@example.com", now, "<o@acme.test>");
        InteractionEvent in = received(user, "acc-" + user, "erin@example.com", now, "<i@example.com>");
        InteractionEvent meet = meeting(user, "acc-" + user, "erin@example.com", now, 3);
        publish(out, in, meet);
        // E = 1, M = 3 → 100·(1 − e^(−0.5)) = 39.35
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Api.strength(user, "erin@example.com")).isEqualTo(39.3));
        TOPIC.publish(meet.withDeleted(true)); // deleted=true removes at once
        TOPIC.flush();
        // E = 1 → 100·(1 − e^(−1/8)) = 11.75
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Api.strength(user, "erin@example.com")).isEqualTo(11.8));
        TOPIC.tombstone(in.id(), user);
        TOPIC.flush();
        // O = 1 alone → E = 0.1 → 1.24
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Api.strength(user, "erin@example.com")).isEqualTo(1.2));
        TOPIC.delete(out);
        TOPIC.flush();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                get(token(user), "/api/v1/relationships/{c}", "erin@example.com").statusCode(404)
                        .contentType(Api.PROBLEM).body("code", equalTo("relationship_not_found")));
    }

    @Test
    void badValuesAreSkippedAndCountedWithoutStoppingTheConsumer() {
        String user = user();
        TOPIC.raw(UUID.randomUUID().toString(), user, "{not json".getBytes(StandardCharsets.UTF_8));
        TOPIC.raw("not-a-uuid", user, "{}".getBytes(StandardCharsets.UTF_8));
        UUID id = UUID.randomUUID();
        TOPIC.raw(id.toString(), user, ("{\"schemaVersion\":1,\"id\":\"" + id + "\",\"userId\":\"" + user + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        publish(received(user, "acc-" + user, "frank@example.com", Instant.now().minusSeconds(5), "<f@x.com>"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Api.strength(user, "frank@example.com")).isPositive());
        String metrics = given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200).extract().asString();
        assertThat(metrics).contains("relationship_events_skipped_total{reason=\"unreadable\"")
                .contains("relationship_events_skipped_total{reason=\"invalid\"")
                .contains("relationship_events_applied_total")
                .contains("relationship_scoring_seconds")
                .contains("kafka_consumer_fetch_manager_records_lag_max");
    }

    @Test
    void meetingsCountOnceTheyHaveStarted() {
        String user = user();
        Api.strength(user, "gina@example.com"); // the token minted and the API warm before the clock runs
        Instant soon = Instant.now().plusSeconds(8);
        publish(meeting(user, "acc-" + user, "gina@example.com", soon, 2),
                sent(user, "acc-" + user, "gina@example.com", Instant.now().minusSeconds(5), "<g@acme.test>"));
        // both stored, only the email counts before the meeting starts: O = 1 → E = 0.1 → 1.24
        await().atMost(Duration.ofSeconds(6)).untilAsserted(() ->
                assertThat(Api.strength(user, "gina@example.com")).isEqualTo(1.2));
        assertThat(Instant.now()).as("checked before the meeting started").isBefore(soon);
        // promoted by the job once started, without another event: E + M = 0.1 + 3 → 100·(1 − e^(−3.1/8)) = 32.13
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(Api.strength(user, "gina@example.com")).isEqualTo(32.1));
    }

    @Test
    void listsStrongestFirstWithAStableCursor() {
        String user = user();
        Instant now = Instant.now().minusSeconds(60);
        List<InteractionEvent> events = new ArrayList<>();
        for (int c = 1; c <= 7; c++) { // contact c has c reciprocated pairs
            for (int i = 0; i < c; i++) {
                events.add(sent(user, "acc-" + user, "p" + c + "@example.com", now, "<o" + c + i + "@acme.test>"));
                events.add(received(user, "acc-" + user, "p" + c + "@example.com", now, "<i" + c + i + "@x.com>"));
            }
        }
        // three capped one-way contacts: equal strengths, ordered by address
        for (String c : List.of("q1@example.com", "q2@example.com", "q3@example.com")) {
            for (int i = 0; i < 40; i++) {
                events.add(sent(user, "acc-" + user, c, now, "<" + c + i + ">"));
            }
        }
        publish(events.toArray(InteractionEvent[]::new));
        String token = token(user);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                get(token, "/api/v1/relationships?limit=50").statusCode(200).body("items", hasSize(10)));
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var page = given().auth().oauth2(token).queryParam("limit", 3)
                    .queryParams(cursor == null ? java.util.Map.of() : java.util.Map.of("cursor", cursor))
                    .get("/api/v1/relationships").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.contactEmail"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertThat(seen).containsExactly("p7@example.com", "p6@example.com", "p5@example.com", "p4@example.com",
                "p3@example.com", "p2@example.com", "q1@example.com", "q2@example.com", "q3@example.com",
                "p1@example.com");
        // p2: E = 2 → 22.1 (known), p1: E = 1 → 11.8; minStrength 20 keeps p2 and up
        get(token, "/api/v1/relationships?minStrength=20").statusCode(200).body("items", hasSize(6))
                .body("items[5].contactEmail", equalTo("p2@example.com")).body("nextCursor", nullValue());
        get(token, "/api/v1/relationships?contact=P3@Example.com").statusCode(200)
                .body("items[0].contactEmail", equalTo("p3@example.com")).body("items", hasSize(1));
        get(token, "/api/v1/relationships?cursor=garbage").statusCode(400).contentType(Api.PROBLEM)
                .body("code", equalTo("invalid_cursor"));
        get(token, "/api/v1/relationships?limit=0").statusCode(400).body("code", equalTo("invalid_parameter"));
        get(token, "/api/v1/relationships?minStrength=101").statusCode(400).body("code", equalTo("invalid_parameter"));
        get(token, "/api/v1/relationships?contact=nobody").statusCode(400).body("code", equalTo("invalid_parameter"));
    }

    @Test
    void onlyPortalUserTokensAreAccepted() {
        given().get("/api/v1/relationships").then().statusCode(401).contentType(Api.PROBLEM)
                .body("code", equalTo("unauthorized"));
        String service = given().baseUri(EmulatorTestResource.baseUrl()).contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials").formParam("client_id", "google-sync-service")
                .formParam("client_secret", "local-service-secret")
                .post("/idp/token").then().statusCode(200).extract().path("access_token");
        given().auth().oauth2(service).get("/api/v1/relationships").then().statusCode(403)
                .contentType(Api.PROBLEM).body("code", equalTo("service_token_not_allowed"));
        given().get(ManagementInterface.url("/q/health/ready")).then().statusCode(200);
        // operations endpoints answer only on the management port, never on the API port an Ingress exposes
        for (String path : List.of("/q/health/ready", "/q/metrics")) {
            given().get(path).then().statusCode(404);
        }
    }
}

package io.interactionsync.normalizer.it;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.Json;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.retention.RetentionService;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The retention window (issue 17): a team's window reaches the normalizer with {@code directory_changed}; the daily
 * job deletes older events and publishes them deleted; ingest stores nothing older, so neither a late or redelivered
 * record nor a replay brings them back. The global window is off in the test profile (fixed fixture dates) and given
 * to the job explicitly here.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class RetentionIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static KafkaTestClient kafka;

    @Inject
    RetentionService retention;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    private record Who(String user, String account, String mailbox) {
        static Who fresh() {
            String n = UUID.randomUUID().toString().substring(0, 8);
            return new Who("user-" + n, "acc-" + n, "ret." + n + "@acme.test");
        }

        RawRecord upsert(String id, Instant at, String from) {
            JsonNode p = message(id).internalDate(Long.toString(at.toEpochMilli())).labels("INBOX").from(from)
                    .to(mailbox).json();
            return GmailFixtures.envelope(RawRecord.Op.UPSERT, id, p, mailbox, account, user);
        }

        void send(Object value) {
            kafka.send(Topics.RAW_RECORDS, account, value);
        }

        long events(String remoteId) {
            return Db.count("select count(*) from normalizer.interaction_events where user_id = ? and remote_id = ?",
                    user, remoteId);
        }

        /** A marker record after the others (same key, same partition): once it is stored, they were processed. */
        void sendMarkerAndAwait(String marker) {
            send(upsert(marker, Instant.now(), marker + "@marker.example"));
            await().atMost(WAIT).until(() -> events(marker) == 1);
        }
    }

    private static Instant monthsAgo(int months) {
        return Instant.now().atOffset(ZoneOffset.UTC).minusMonths(months).toInstant();
    }

    private static void connected(Who who) {
        kafka.send(Topics.ACCOUNT_EVENTS, who.account(), AccountEvent.of(AccountEvent.Type.CONNECTED, who.account(),
                who.user(), Provider.GOOGLE, who.mailbox(), List.of(), List.of(Source.GMAIL), Instant.now()));
    }

    private static void team(String collection, List<String> members, Integer eventMonths) {
        kafka.send(Topics.ACCOUNT_EVENTS, collection, new AccountEvent(1, AccountEvent.Type.DIRECTORY_CHANGED, collection,
                null, null, null, null, null, null, null,
                new AccountEvent.Directory(collection, "Team", members, List.of(), eventMonths), Instant.now()));
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.directory_collections "
                + "where collection_id = ? and event_months is not distinct from ?", collection, eventMonths) == 1);
    }

    private static List<ConsumerRecord<String, String>> deletedPublished(Who who, String remoteId, int atLeast) {
        return kafka.awaitRecords(Topics.INTERACTION_EVENTS, r -> who.user().equals(r.key())
                && r.value().contains("\"remoteId\":\"" + remoteId + "\"") && r.value().contains("\"deleted\":true"),
                atLeast, WAIT);
    }

    @Test
    void aTeamWindowIsEnforcedByTheDailyJobAndAtIngestSoNoReplayBringsEventsBack() {
        Who who = Who.fresh();
        connected(who);
        who.send(who.upsert("old-1", monthsAgo(30), "jane@client.example"));
        who.send(who.upsert("mid-1", monthsAgo(8), "joe@client.example"));
        who.send(who.upsert("new-1", Instant.now().minusSeconds(3600), "ann@client.example"));
        await().atMost(WAIT).until(() -> who.events("old-1") + who.events("mid-1") + who.events("new-1") == 3);

        // the team keeps 12 months: the job deletes the 30-month-old event and announces it deleted
        team("team-" + who.account(), List.of(who.mailbox()), 12);
        RetentionService.Result result = retention.run(Instant.now(), LocalDate.now(ZoneOffset.UTC), 0)
                .await().atMost(WAIT);
        assertThat(result.deleted()).isGreaterThanOrEqualTo(1);
        assertThat(who.events("old-1")).isZero();
        assertThat(who.events("mid-1") + who.events("new-1")).isEqualTo(2);
        JsonNode announced = readTree(deletedPublished(who, "old-1", 1).get(0).value());
        assertThat(ContractSchemas.validate(Contract.INTERACTION_EVENT, announced)).isEmpty();
        assertThat(announced.get("contactEmail").asText()).isEqualTo("jane@client.example");

        // a redelivered or late record older than the window stores nothing
        who.send(who.upsert("old-1", monthsAgo(30), "jane@client.example"));
        who.send(who.upsert("old-2", monthsAgo(13), "late@client.example"));
        who.sendMarkerAndAwait("marker-1");
        assertThat(who.events("old-1") + who.events("old-2")).isZero();

        // nor does a replay of the account's raw records
        String admin = TestJwts.user("ops-" + UUID.randomUUID(), "ops@acme.test", "admin");
        String id = given().auth().oauth2(admin).queryParam("accountId", who.account()).when()
                .post("/api/v1/admin/replays").then().statusCode(202).extract().path("id");
        await().atMost(WAIT).until(() -> "completed".equals(given().auth().oauth2(admin)
                .when().get("/api/v1/admin/replays/" + id).then().statusCode(200).extract().path("state")));
        assertThat(who.events("old-1") + who.events("old-2")).isZero();
        assertThat(who.events("mid-1") + who.events("new-1")).isEqualTo(2);

        // a shorter window later: the next run deletes what is now too old, ingest agrees at once
        team("team-" + who.account(), List.of(who.mailbox()), 6);
        retention.run(Instant.now(), LocalDate.now(ZoneOffset.UTC), 0).await().atMost(WAIT);
        assertThat(who.events("mid-1")).isZero();
        deletedPublished(who, "mid-1", 1);
        who.send(who.upsert("mid-1", monthsAgo(8), "joe@client.example"));
        who.sendMarkerAndAwait("marker-2");
        assertThat(who.events("mid-1")).isZero();
        assertThat(who.events("new-1")).isEqualTo(1);
    }

    @Test
    void theGlobalWindowAppliesToUsersWithoutATeamWindowAndATeamWindowOverridesIt() {
        Who loner = Who.fresh();
        Who member = Who.fresh();
        connected(loner);
        connected(member);
        team("team-" + member.account(), List.of(member.mailbox()), 48); // longer than the global window
        loner.send(loner.upsert("g-old", monthsAgo(30), "jane@client.example"));
        loner.send(loner.upsert("g-new", monthsAgo(2), "joe@client.example"));
        member.send(member.upsert("t-old", monthsAgo(30), "jane@client.example"));
        await().atMost(WAIT).until(() -> loner.events("g-old") + loner.events("g-new") + member.events("t-old") == 3);

        retention.run(Instant.now(), LocalDate.now(ZoneOffset.UTC), 24).await().atMost(WAIT);
        assertThat(loner.events("g-old")).isZero();
        assertThat(loner.events("g-new")).isEqualTo(1);
        assertThat(member.events("t-old")).as("the team keeps 48 months").isEqualTo(1);
        deletedPublished(loner, "g-old", 1);
    }

    @Test
    void oneReplicaRunsTheDayAndItsProgressIsRecorded() {
        Instant now = Instant.now();
        RetentionService.Result first = retention.runDaily(now, "replica-a").await().atMost(WAIT);
        assertThat(first).as("the first claim runs").isNotNull();
        assertThat(retention.runDaily(now, "replica-b").await().atMost(WAIT)).as("the day is taken").isNull();
        var row = Db.rows("select owner, finished_at, users, deleted from normalizer.retention_runs where run_date = ?",
                LocalDate.ofInstant(now, ZoneOffset.UTC)).get(0);
        assertThat(row.get("owner")).isEqualTo("replica-a");
        assertThat(row.get("finished_at")).isNotNull();
        assertThat(((Number) row.get("users")).intValue()).isEqualTo(first.users());
    }

    private static JsonNode readTree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}

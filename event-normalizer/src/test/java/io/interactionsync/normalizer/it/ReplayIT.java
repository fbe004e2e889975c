package io.interactionsync.normalizer.it;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The replay command: rebuilds events from raw-records after a rule change, idempotently, beside live traffic. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class ReplayIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KafkaTestClient kafka;

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
            return new Who("user-" + n, "acc-" + n, "alice." + n + "@acme.test");
        }

        RawRecord upsert(GmailFixtures.Message m) {
            JsonNode p = m.json();
            return GmailFixtures.envelope(RawRecord.Op.UPSERT, p.get("id").asText(), p, mailbox, account, user);
        }

        RawRecord delete(String id) {
            return GmailFixtures.envelope(RawRecord.Op.DELETE, id, Json.mapper().createObjectNode().put("id", id),
                    mailbox, account, user);
        }

        void send(RawRecord r) {
            kafka.send(Topics.RAW_RECORDS, account, r);
        }

        long live() {
            return Db.count("select count(*) from normalizer.interaction_events where user_id = ? and not deleted", user);
        }

        long all() {
            return Db.count("select count(*) from normalizer.interaction_events where user_id = ?", user);
        }
    }

    /**
     * Every interaction-event published for {@code who} so far: a live marker record is sent and awaited first; the
     * outbox publishes in commit order, so everything committed before the marker has been published.
     */
    private static List<ConsumerRecord<String, String>> publishedSoFar(Who who, String marker) {
        who.send(who.upsert(message(marker).labels("INBOX").from(marker + "@marker.example").to(who.mailbox())));
        kafka.awaitRecords(Topics.INTERACTION_EVENTS, r -> who.user().equals(r.key()) && r.value().contains(marker), 1, WAIT);
        return kafka.readAll(Topics.INTERACTION_EVENTS).stream()
                .filter(r -> who.user().equals(r.key()) && !r.value().contains("@marker.example")).toList();
    }

    private static String admin() {
        return TestJwts.user("ops-" + UUID.randomUUID(), "ops@acme.test", "admin");
    }

    private static void replayAndWait(String accountId) {
        String id = given().auth().oauth2(admin()).queryParam("accountId", accountId)
                .when().post("/api/v1/admin/replays")
                .then().statusCode(202).body("state", equalTo("running")).extract().path("id");
        await().atMost(WAIT).until(() -> "done".equals(given().auth().oauth2(admin())
                .when().get("/api/v1/admin/replays/" + id).then().statusCode(200).extract().path("state")));
    }

    @Test
    void replayAppliesARuleChangeIdempotentlyWithoutRevivingDeletedMessages() {
        Who who = Who.fresh();
        who.send(who.upsert(message("m1").labels("INBOX").from("x@client.example").to(who.mailbox())));
        who.send(who.upsert(message("m2").labels("INBOX").from("y@partner.example").to(who.mailbox())));
        who.send(who.delete("m1"));
        await().atMost(WAIT).until(() -> who.live() == 1 && who.all() == 2);
        assertThat(publishedSoFar(who, "mark1")).hasSize(3);

        // The rule input changes: partner.example becomes an internal domain of the user's team (R-B2).
        kafka.send(Topics.ACCOUNT_EVENTS, "team-" + who.account(), new AccountEvent(1, AccountEvent.Type.DIRECTORY_CHANGED,
                "team-" + who.account(), null, null, null, null, null, null, null,
                new AccountEvent.Directory("team-" + who.account(), "Team", List.of(who.mailbox()),
                        List.of("partner.example")), Instant.now()));
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.directory_collections "
                + "where collection_id = ?", "team-" + who.account()) == 1);
        assertThat(who.live()).as("the directory alone does not rewrite past events").isEqualTo(2); // m2 + mark1

        replayAndWait(who.account());
        // live traffic during and after the replay is processed as usual
        who.send(who.upsert(message("m3").labels("INBOX").from("z@client.example").to(who.mailbox())));
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.interaction_events where user_id = ? "
                + "and remote_id = 'm3' and not deleted", who.user()) == 1);

        assertThat(Db.rows("select remote_id, deleted from normalizer.interaction_events where user_id = ? "
                + "and remote_id in ('m1', 'm2') order by remote_id", who.user()))
                .extracting(r -> r.get("remote_id") + "/" + r.get("deleted"))
                .as("m2 retracted by the new rule; m1 stays deleted (its older upsert is not replayed over the delete)")
                .containsExactly("m1/true", "m2/true");
        List<ConsumerRecord<String, String>> published = publishedSoFar(who, "mark2");
        assertThat(published).extracting(r -> readTree(r.value()).get("remoteId").asText() + "/"
                + readTree(r.value()).get("deleted").asBoolean())
                .containsExactlyInAnyOrder("m1/false", "m2/false", "m1/true", "m2/true", "m3/false");

        // Idempotent: a second replay (now of every account) changes and publishes nothing.
        long rows = Db.count("select count(*) from normalizer.interaction_events");
        replayAndWait(null);
        assertThat(Db.count("select count(*) from normalizer.interaction_events where user_id = ?", who.user()))
                .isEqualTo(who.all());
        assertThat(publishedSoFar(who, "mark3")).hasSize(published.size());
        assertThat(Db.count("select count(*) from normalizer.interaction_events")).isGreaterThanOrEqualTo(rows);
    }

    @Test
    void onlyAdminsMayReplay() {
        given().auth().oauth2(TestJwts.user("u-" + UUID.randomUUID(), "u@acme.test"))
                .when().post("/api/v1/admin/replays").then().statusCode(403);
        given().when().post("/api/v1/admin/replays").then().statusCode(401);
        given().auth().oauth2(admin()).when().get("/api/v1/admin/replays/nope").then().statusCode(404)
                .body("code", equalTo("replay_not_found"));
    }

    private static JsonNode readTree(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

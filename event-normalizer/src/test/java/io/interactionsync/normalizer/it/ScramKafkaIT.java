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
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.ScramKafkaTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The normalizer on a broker that authenticates (SCRAM-SHA-512) and authorizes (KRaft ACLs) as production does: it
 * logs in as its {@code KafkaUser} of the Kubernetes manifest, with the ACLs written there and the
 * {@code kafka.security.protocol} / {@code kafka.sasl.*} settings Kubernetes passes by environment. Its channels
 * (raw-records and account-events in, interaction-events out), its startup catch-up (admin client) and a replay (its
 * own consumer, group event-normalizer-replay) all work within those ACLs, and so does the state topic
 * (interaction-events-state, Write). ScramKafkaTestResource creates the topics of its list; the state topic is created
 * here, as deployed, until that list has it.
 */
@QuarkusTest
@WithTestResource(value = ScramKafkaTestResource.class, initArgs = @ResourceArg(name = "user", value = "event-normalizer"))
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class ScramKafkaIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void createStateTopic() throws Exception {
        try (Admin admin = Admin.create(ScramKafkaTestResource.adminConfig())) {
            admin.createTopics(List.of(new NewTopic(Topics.INTERACTION_EVENTS_STATE, Topics.STATE_TOPIC_PARTITIONS,
                    (short) 1).configs(Topics.STATE_TOPIC_CONFIG))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    @Test
    void shouldNormalizePublishAndReplayAsItsOwnKafkaUser() throws Exception {
        String n = UUID.randomUUID().toString().substring(0, 8);
        String user = "user-" + n;
        String account = "acc-" + n;
        String mailbox = "alice." + n + "@acme.test";
        String team = "team-" + account;
        ScramKafkaTestResource.send(Topics.ACCOUNT_EVENTS, team, Json.mapper().writeValueAsString(new AccountEvent(1,
                AccountEvent.Type.DIRECTORY_CHANGED, team, null, null, null, null, null, null, null,
                new AccountEvent.Directory(team, "Team", List.of(mailbox), List.of()), Instant.now())));
        JsonNode payload = message("scram-1").labels("INBOX").from("jane@client.example").to(mailbox).json();
        ScramKafkaTestResource.send(Topics.RAW_RECORDS, account, Json.mapper().writeValueAsString(
                GmailFixtures.envelope(RawRecord.Op.UPSERT, "scram-1", payload, mailbox, account, user)));

        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.interaction_events "
                + "where user_id = ? and not deleted", user) == 1);
        await().atMost(WAIT).until(() -> published(Topics.INTERACTION_EVENTS, user) >= 1);
        await().atMost(WAIT).until(() -> published(Topics.INTERACTION_EVENTS_STATE, user) >= 1);

        String admin = TestJwts.user("ops-" + n, "ops@acme.test", "admin");
        String replay = given().auth().oauth2(admin).queryParam("accountId", account)
                .when().post("/api/v1/admin/replays").then().statusCode(202).extract().path("id");
        await().atMost(WAIT).until(() -> "completed".equals(given().auth().oauth2(admin)
                .when().get("/api/v1/admin/replays/" + replay).then().statusCode(200).extract().path("state")));
        given().auth().oauth2(admin).when().get("/api/v1/admin/replays/" + replay).then()
                .body("replayed", equalTo(1));
        assertThat(Db.count("select count(*) from normalizer.interaction_events where user_id = ? and not deleted", user))
                .isEqualTo(1);
    }

    /** Records of {@code userId} (the key on interaction-events, the userId header on the state topic), read as the super user. */
    private static long published(String topic, String userId) {
        Map<String, Object> config = new HashMap<>(ScramKafkaTestResource.adminConfig());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long found = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    String user = Topics.INTERACTION_EVENTS.equals(topic) ? r.key()
                            : StateTopicRebuildIT.header(r, "userId");
                    found += userId.equals(user) ? 1 : 0;
                }
            }
            return found;
        }
    }
}

package io.interactionsync.normalizer.it;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.fixtures.GraphMailFixtures;
import io.interactionsync.testsupport.DataKeyServerTestResource;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jpountz.lz4.LZ4Factory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** From raw-records on the real broker to normalizer.interaction_events, interaction-events and the DLQ. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
@WithTestResource(DataKeyServerTestResource.class)
class NormalizerPipelineIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static KafkaTestClient kafka;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    /** A fresh user and account per test, so tests share one app and one database. */
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
    }

    private static void send(Who who, Object value) {
        kafka.send(Topics.RAW_RECORDS, who.account(), value);
    }

    /** Sends the records in order and waits until {@code who} has {@code live} live events. */
    private static void sendAndAwait(Who who, long live, RawRecord... records) {
        for (RawRecord r : records) {
            send(who, r);
        }
        await().atMost(WAIT).until(() -> liveEvents(who) == live);
    }

    private static long liveEvents(Who who) {
        return Db.count("select count(*) from normalizer.interaction_events where user_id = ? and not deleted", who.user());
    }

    private static List<ConsumerRecord<String, String>> published(Who who, int atLeast) {
        return kafka.awaitRecords(Topics.INTERACTION_EVENTS, r -> who.user().equals(r.key()), atLeast, WAIT);
    }

    @Test
    void shouldAnswerOperationsEndpointsOnlyOnTheManagementPort() {
        for (String path : java.util.List.of("/q/health", "/q/health/ready", "/q/metrics")) {
            given().get(path).then().statusCode(404); // the API port
            given().get(ManagementInterface.url(path)).then().statusCode(200);
        }
        // The outbox backlog gauges are exported (read from the table every 15 s; NaN until then and when a read fails).
        assertThat(given().get(ManagementInterface.url("/q/metrics")).asString())
                .containsPattern("(?m)^normalizer_outbox_pending ")
                .containsPattern("(?m)^normalizer_outbox_oldest_age_seconds ");
    }

    @Test
    void gmailRecordsBecomeRowsAndPublishedEventsThatMatchTheSchema() {
        Who who = Who.fresh();
        kafka.send(Topics.ACCOUNT_EVENTS, "team-" + who.account(), new AccountEvent(1, AccountEvent.Type.DIRECTORY_CHANGED,
                "team-" + who.account(), null, null, null, null, null, null, null,
                new AccountEvent.Directory("team-" + who.account(), "Team", List.of(who.mailbox(), "Bob@Acme.test"),
                        List.of("acme.io")), Instant.now()));
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.directory_collections "
                + "where collection_id = ?", "team-" + who.account()) == 1);

        send(who, who.upsert(message("in-1").labels("INBOX").from("\"Doe, Jane\" <Jane@Client.example>")
                .to(who.mailbox() + ", jorg@partner.example").cc("bob@acme.test, carol@acme.io")));
        send(who, who.upsert(message("out-1").labels("SENT").from("Alice <" + who.mailbox() + ">")
                .to("jane@client.example").bcc("lp@fund.example")));
        send(who, who.upsert(message("internal-1").labels("INBOX").from("bob@acme.test").to(who.mailbox())));

        await().atMost(WAIT).until(() -> liveEvents(who) == 4);
        List<Map<String, Object>> rows = Db.rows("select remote_id, direction, role, contact_email, contact_name, "
                + "occurred_at, internet_message_id, classification, provider, source, kind from normalizer.interaction_events "
                + "where user_id = ? order by remote_id, role, contact_email", who.user());
        assertThat(rows).extracting(r -> r.get("remote_id") + "/" + r.get("direction") + "/" + r.get("role") + "/"
                + r.get("contact_email")).containsExactly(
                "in-1/inbound/from/jane@client.example",
                "in-1/inbound/to/jorg@partner.example",
                "out-1/outbound/bcc/lp@fund.example",
                "out-1/outbound/to/jane@client.example");
        assertThat(rows.get(0).get("contact_name")).isEqualTo("Doe, Jane");
        assertThat(rows.get(0).get("internet_message_id")).isEqualTo("in-1@mail.example.com");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.get("provider")).isEqualTo("google");
            assertThat(r.get("source")).isEqualTo("gmail");
            assertThat(r.get("kind")).isEqualTo("email");
            assertThat(r.get("classification")).isEqualTo("person");
        });

        List<ConsumerRecord<String, String>> out = published(who, 4);
        assertThat(out).hasSize(4).allSatisfy(r -> {
            JsonNode json = readTree(r.value());
            assertThat(ContractSchemas.validate(Contract.INTERACTION_EVENT, json)).isEmpty();
            assertThat(json.get("userId").asText()).isEqualTo(who.user());
        });
    }

    /**
     * R-B2 after the fact: a directory change retracts past events whose contact is now a colleague (a new member, or
     * a subdomain of a new internal domain) for the collection's members, publishes them deleted, and leaves other
     * users' events with the same contacts alone.
     */
    @Test
    void aDirectoryChangeRetractsPastEventsWithNewColleagues() {
        Who who = Who.fresh();
        Who outsider = Who.fresh();
        sendAndAwait(who, 3, who.upsert(message("dc-1").labels("INBOX").from("jane@client.example").to(who.mailbox())
                .cc("newbie@partner.example, x@eu.newco.example")));
        sendAndAwait(outsider, 1, outsider.upsert(message("dc-2").labels("INBOX").from("newbie@partner.example")
                .to(outsider.mailbox())));

        String collection = "team-dc-" + who.account();
        kafka.send(Topics.ACCOUNT_EVENTS, collection, new AccountEvent(1, AccountEvent.Type.DIRECTORY_CHANGED, collection,
                null, null, null, null, null, null, null, new AccountEvent.Directory(collection, "Team",
                List.of(who.mailbox(), "Newbie@Partner.example"), List.of("newco.example")), Instant.now()));

        await().atMost(WAIT).until(() -> liveEvents(who) == 1);
        assertThat(Db.rows("select contact_email from normalizer.interaction_events where user_id = ? and not deleted",
                who.user())).extracting(r -> r.get("contact_email")).containsExactly("jane@client.example");
        assertThat(liveEvents(outsider)).as("not a member: newbie is still a contact").isEqualTo(1);
        assertThat(published(who, 5)).filteredOn(r -> readTree(r.value()).get("deleted").asBoolean())
                .extracting(r -> readTree(r.value()).get("contactEmail").asText())
                .containsExactlyInAnyOrder("newbie@partner.example", "x@eu.newco.example");
    }

    @Test
    void kafkasLz4UsesTheNativeLibraryUnderQuarkusClassLoader() {
        // lz4-java picks its pure-Java codec under a non-system class loader unless NativeLz4 loaded the library
        assertThat(getClass().getClassLoader()).isNotSameAs(ClassLoader.getSystemClassLoader());
        assertThat(LZ4Factory.fastestInstance()).hasToString("LZ4Factory:JNI");
    }

    /**
     * Issue 18 item 5 (R-B3 fan-out cap, default 100): a message to 10,000 recipients becomes the sender's event and
     * the first 100 recipients', classified bulk and flagged truncated with the full count; the partition goes on.
     */
    @Test
    void aMessageToTenThousandRecipientsBecomesAtMostTheCapPlusOneEvents() {
        Who who = Who.fresh();
        StringBuilder to = new StringBuilder(who.mailbox());
        for (int i = 1; i < 10_000; i++) {
            to.append(", r").append(i).append("@broadcast.example");
        }
        send(who, who.upsert(message("mass-1").labels("INBOX").from("Sender <sender@broadcast.example>").to(to.toString())));
        // same key, same partition: the record after it is processed too
        send(who, who.upsert(message("after-1").labels("INBOX").from("jane@client.example").to(who.mailbox())));

        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.interaction_events "
                + "where user_id = ? and remote_id = 'after-1'", who.user()) == 1);
        List<Map<String, Object>> mass = Db.rows("select role, contact_email, classification, newsletter, "
                + "recipient_count, recipients_truncated from normalizer.interaction_events where user_id = ? "
                + "and remote_id = 'mass-1' and not deleted order by role, contact_email", who.user());
        assertThat(mass).hasSize(101); // ≤ cap + 1: the sender and the first 100 To (the user's own address is not one)
        assertThat(mass).filteredOn(r -> "from".equals(r.get("role"))).singleElement()
                .satisfies(r -> assertThat(r.get("contact_email")).isEqualTo("sender@broadcast.example"));
        assertThat(mass).filteredOn(r -> "to".equals(r.get("role"))).extracting(r -> r.get("contact_email"))
                .contains("r1@broadcast.example", "r100@broadcast.example").doesNotContain("r101@broadcast.example");
        assertThat(mass).allSatisfy(r -> {
            assertThat(r.get("classification")).isEqualTo("bulk");
            assertThat(r.get("newsletter")).isEqualTo(true);
            assertThat(r.get("recipient_count")).isEqualTo(10_000);
            assertThat(r.get("recipients_truncated")).isEqualTo(true);
        });
        assertThat(Db.rows("select classification, recipient_count, recipients_truncated from normalizer.interaction_events "
                + "where user_id = ? and remote_id = 'after-1'", who.user())).singleElement().satisfies(r -> {
            assertThat(r.get("classification")).isEqualTo("person");
            assertThat(r.get("recipient_count")).isEqualTo(1);
            assertThat(r.get("recipients_truncated")).isEqualTo(false);
        });

        List<JsonNode> out = published(who, 102).stream().map(r -> readTree(r.value())).toList();
        assertThat(out).hasSize(102).allSatisfy(json ->
                assertThat(ContractSchemas.validate(Contract.INTERACTION_EVENT, json)).isEmpty());
        assertThat(out).filteredOn(json -> "mass-1".equals(json.get("remoteId").asText())).hasSize(101)
                .allSatisfy(json -> {
                    assertThat(json.get("recipientsTruncated").asBoolean()).isTrue();
                    assertThat(json.get("recipientCount").asInt()).isEqualTo(10_000);
                    assertThat(json.get("newsletter").asBoolean()).isTrue();
                });
        await().atMost(WAIT).untilAsserted(() -> assertThat(given().get(ManagementInterface.url("/q/metrics")).asString())
                .containsPattern("(?m)^normalizer_fan_out_truncated_total(\\{[^}]*})? [1-9]"));
    }

    @Test
    void redeliveredRecordsCreateNoDuplicateRowsOrEvents() {
        Who who = Who.fresh();
        RawRecord a = who.upsert(message("r-1").labels("INBOX").from("x@client.example").to(who.mailbox()));
        RawRecord b = who.upsert(message("r-2").labels("SENT").from(who.mailbox()).to("y@client.example, z@client.example"));
        sendAndAwait(who, 3, a, b);
        published(who, 3);

        // A marker after the redeliveries: once it is written, the redeliveries have been processed.
        sendAndAwait(who, 4, a, b, a,
                who.upsert(message("marker").labels("INBOX").from("m@client.example").to(who.mailbox())));

        assertThat(Db.count("select count(*) from normalizer.interaction_events where user_id = ?", who.user())).isEqualTo(4);
        List<ConsumerRecord<String, String>> out = published(who, 4);
        assertThat(out).as("unchanged rows are not republished").hasSize(4);
    }

    /**
     * Issue 18, order independence live: list posts from a stranger are {@code bulk}; the user's first mail to her makes
     * them {@code list} (R-C6: the user wrote to the sender), re-derived without a replay, and the changed events are
     * published on {@code interaction-events} — the same ids, now {@code list}.
     */
    @Test
    void theFirstMailToASenderReclassifiesHerEarlierMailAndPublishesTheChange() {
        Who who = Who.fresh();
        String carol = "carol@lists.example";
        RawRecord[] posts = java.util.stream.Stream.of("lp-1", "lp-2").map(id -> who.upsert(message(id)
                .labels("INBOX").from("Carol <" + carol + ">").to(who.mailbox()).header("List-Id", "<team.lists.example>")
                .header("List-Unsubscribe", "<mailto:unsubscribe@lists.example>"))).toArray(RawRecord[]::new);
        sendAndAwait(who, 2, posts);
        assertThat(classifications(who, carol)).containsExactly("bulk", "bulk");
        published(who, 2);

        sendAndAwait(who, 3, who.upsert(message("to-carol").labels("SENT").from(who.mailbox()).to(carol)));
        await().atMost(WAIT).until(() -> classifications(who, carol).equals(List.of("list", "list")));
        List<String> ids = Db.rows("select id from normalizer.interaction_events where user_id = ? and contact_email = ? "
                + "and direction = 'inbound' order by remote_id", who.user(), carol).stream()
                .map(r -> String.valueOf(r.get("id"))).toList();
        List<JsonNode> relisted = kafka.awaitRecords(Topics.INTERACTION_EVENTS, r -> who.user().equals(r.key())
                        && "list".equals(readTree(r.value()).path("classification").asText()), 2, WAIT).stream()
                .map(r -> readTree(r.value())).toList();
        assertThat(relisted).extracting(e -> e.get("id").asText()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(relisted).allSatisfy(e -> {
            assertThat(e.get("direction").asText()).isEqualTo("inbound");
            assertThat(e.get("contactEmail").asText()).isEqualTo(carol);
            assertThat(e.get("deleted").asBoolean()).isFalse();
        });
    }

    /** The classifications of {@code who}'s inbound events from {@code contact}, by remote id. */
    private static List<String> classifications(Who who, String contact) {
        return Db.rows("select classification from normalizer.interaction_events where user_id = ? and contact_email = ? "
                + "and direction = 'inbound' order by remote_id", who.user(), contact).stream()
                .map(r -> String.valueOf(r.get("classification"))).toList();
    }

    /**
     * The consumer reads {@code read_committed}: a producer transaction's records are normalized only once it commits,
     * all at once, and an aborted transaction's never (the benchmark's second backlog relies on the first).
     */
    @Test
    void recordsOfAProducerTransactionAreNormalizedWhenItCommitsAndNeverWhenItAborts() {
        Who who = Who.fresh();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-" + who.account()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(rawRecord(who, who.upsert(message("aborted").labels("INBOX").from("gone@client.example")
                    .to(who.mailbox()))));
            producer.flush(); // in the log, then aborted
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(rawRecord(who, who.upsert(message("t-1").labels("INBOX").from("a@client.example").to(who.mailbox()))));
            producer.send(rawRecord(who, who.upsert(message("t-2").labels("INBOX").from("b@client.example").to(who.mailbox()))));
            producer.flush();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> Db.count("select count(*) from normalizer.interaction_events where user_id = ?",
                            who.user()) == 0);
            producer.commitTransaction();
        }
        await().atMost(WAIT).until(() -> liveEvents(who) == 2);
        assertThat(Db.count("select count(*) from normalizer.interaction_events where user_id = ? and remote_id = 'aborted'",
                who.user())).as("the aborted record, before the committed ones in the partition").isZero();
    }

    private static ProducerRecord<String, byte[]> rawRecord(Who who, RawRecord r) {
        try {
            return new ProducerRecord<>(Topics.RAW_RECORDS, who.account(), Json.mapper().writeValueAsBytes(r));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Resources seen for the first time are written with plain inserts. Rows without a stored version (written before
     * versions were kept) make that insert fail; the batch is then written again with upserts: no duplicate, no
     * dead letter, the changed row updated and published, the unchanged one not.
     */
    @Test
    void rowsOfResourcesWithoutAStoredVersionAreUpdatedNotDuplicatedOrDeadLettered() {
        Who who = Who.fresh();
        RawRecord a = who.upsert(message("nv-1").labels("INBOX").from("Xavier <x@client.example>").to(who.mailbox()));
        RawRecord b = who.upsert(message("nv-2").labels("SENT").from(who.mailbox()).to("y@client.example"));
        sendAndAwait(who, 2, a, b);
        published(who, 2);
        assertThat(Db.update("delete from normalizer.record_versions where account_id = ?", who.account())).isEqualTo(2);
        long deadBefore = kafka.recordCount(Topics.RAW_RECORDS_DLQ);

        sendAndAwait(who, 3,
                who.upsert(message("nv-1").labels("INBOX").from("Xavier Renamed <x@client.example>").to(who.mailbox())), b,
                who.upsert(message("nv-marker").labels("INBOX").from("m@client.example").to(who.mailbox())));

        assertThat(Db.count("select count(*) from normalizer.interaction_events where user_id = ?", who.user())).isEqualTo(3);
        assertThat(Db.rows("select contact_name from normalizer.interaction_events where user_id = ? and remote_id = ?",
                who.user(), "nv-1")).extracting(r -> r.get("contact_name")).containsExactly("Xavier Renamed");
        assertThat(Db.count("select count(*) from normalizer.record_versions where account_id = ?", who.account()))
                .isEqualTo(3);
        // Version rows are keyed as PostgreSQL computes the key (V10 migrated the old rows with it).
        assertThat(Db.count("select count(*) from normalizer.record_versions where resource_id in (select (left(md5(?), 8) "
                + "|| substr(md5(? || E'\\n' || 'gmail' || E'\\n' || r), 9))::uuid "
                + "from unnest(array['nv-1', 'nv-2', 'nv-marker']) r)", who.account(), who.account())).isEqualTo(3);
        assertThat(kafka.recordCount(Topics.RAW_RECORDS_DLQ)).as("nothing dead-lettered").isEqualTo(deadBefore);
        kafka.awaitRecords(Topics.INTERACTION_EVENTS, r -> who.user().equals(r.key()) && r.value().contains("nv-marker"),
                1, WAIT); // published after the batches before it
        assertThat(kafka.readAll(Topics.INTERACTION_EVENTS)).filteredOn(r -> who.user().equals(r.key()))
                .as("the renamed and the new event; the unchanged one is not republished").hasSize(4);
    }

    @Test
    void deleteMarksEventsDeletedAndALaterUpsertRevivesThem() {
        Who who = Who.fresh();
        RawRecord up = who.upsert(message("d-1").labels("INBOX").from("x@client.example").to(who.mailbox()));
        send(who, up);
        await().atMost(WAIT).until(() -> liveEvents(who) == 1);
        send(who, who.delete("d-1"));
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.interaction_events "
                + "where user_id = ? and deleted", who.user()) == 1);
        send(who, up);
        await().atMost(WAIT).until(() -> liveEvents(who) == 1);
        List<ConsumerRecord<String, String>> out = published(who, 3);
        assertThat(out).extracting(r -> readTree(r.value()).get("deleted").asBoolean()).containsExactly(false, true, false);
        // Moving to TRASH counts as a delete (R-F2).
        send(who, who.upsert(message("d-1").labels("TRASH").from("x@client.example").to(who.mailbox())));
        await().atMost(WAIT).until(() -> liveEvents(who) == 0);
    }

    @Test
    void thousandsOfPoisonRecordsInABatchAllReachTheDlq() {
        // Found by the chaos soak: 2,000 dead letters in one relay round once nested 2,000 Unis deep and overflowed the
        // stack; the dead letters stayed in the outbox, unpublished, while the consumer lag read 0.
        String key = "poison-" + UUID.randomUUID();
        int n = 3_000;
        for (int i = 0; i < n; i++) {
            kafka.send(Topics.RAW_RECORDS, key, "{\"broken\": " + i);
        }
        List<ConsumerRecord<String, String>> dead = kafka.awaitRecords(Topics.RAW_RECORDS_DLQ,
                r -> key.equals(r.key()), n, Duration.ofSeconds(90));
        assertThat(dead).hasSize(n).allSatisfy(r -> assertThat(readTree(r.value()).get("code").asText())
                .isEqualTo("invalid_json"));
    }

    @Test
    void malformedRecordsGoToTheDlqWithReasonsAndValidRecordsAroundThemAreWritten() {
        Who who = Who.fresh();
        List<String> poisonKeys = new ArrayList<>();
        int valid = 0;
        for (int i = 0; i < 20; i++) {
            String key = who.account() + "-p" + i;
            switch (i % 5) {
                case 0 -> kafka.send(Topics.RAW_RECORDS, key, "{\"broken\": ");
                case 1 -> kafka.sendBytes(Topics.RAW_RECORDS, key, new byte[] {(byte) 0xFF, (byte) 0xFE, 0x00, 0x41});
                case 2 -> kafka.send(Topics.RAW_RECORDS, key, "{\"schemaVersion\":1,\"source\":\"gmail\",\"op\":\"upsert\"}");
                case 3 -> kafka.send(Topics.RAW_RECORDS, key, new RawRecord(1, Source.GMAIL, RawRecord.Op.UPSERT,
                        who.account(), who.user(), who.mailbox(), false, "np-" + i, Instant.now(), "r",
                        Json.mapper().createObjectNode().put("id", "np-" + i).put("payload", 42)));
                default -> kafka.sendBytes(Topics.RAW_RECORDS, key, null);
            }
            poisonKeys.add(key);
            send(who, who.upsert(message("v-" + i).labels("INBOX").from("sender" + i + "@client.example").to(who.mailbox())));
            valid++;
        }
        int expected = valid;
        await().atMost(WAIT).until(() -> liveEvents(who) == expected);
        List<ConsumerRecord<String, String>> dead = kafka.awaitRecords(Topics.RAW_RECORDS_DLQ,
                r -> poisonKeys.contains(r.key()), poisonKeys.size(), WAIT);
        assertThat(dead).hasSize(poisonKeys.size()).allSatisfy(r -> {
            JsonNode dl = readTree(r.value());
            assertThat(ContractSchemas.validate(Contract.DEAD_LETTER, dl)).isEmpty();
            assertThat(dl.get("reason").asText()).isNotBlank();
            assertThat(dl.get("sourceTopic").asText()).isEqualTo(Topics.RAW_RECORDS);
        });
        assertThat(dead).extracting(r -> readTree(r.value()).get("code").asText())
                .containsOnly("invalid_json", "schema_violation", "unparseable_payload", "null_value");
        given().when().get(ManagementInterface.url("/q/metrics")).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("normalizer_dead_letters_total{code=\"invalid_json\""));
        given().when().get(ManagementInterface.url("/q/health/ready")).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("kafka-consumers-assigned"));
        JsonNode firstBroken = readTree(dead.stream().filter(r -> r.key().equals(who.account() + "-p0")).findFirst()
                .orElseThrow().value());
        assertThat(new String(java.util.Base64.getDecoder().decode(firstBroken.get("originalBase64").asText()),
                StandardCharsets.UTF_8)).isEqualTo("{\"broken\": ");
    }

    @Test
    void calendarMeetingsAreWrittenAndCancellationRetractsThem() {
        Who who = Who.fresh();
        com.fasterxml.jackson.databind.node.ObjectNode event = io.interactionsync.normalizer.fixtures.CalendarFixtures
                .googleMeeting("ev-" + who.account());
        event.putObject("organizer").put("email", who.mailbox()).put("self", true);
        ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("attendees").get(0)).put("email", who.mailbox());
        send(who, io.interactionsync.normalizer.fixtures.CalendarFixtures.record(Source.GOOGLE_CALENDAR,
                RawRecord.Op.UPSERT, event, who.mailbox(), false, who.account(), who.user()));
        com.fasterxml.jackson.databind.node.ObjectNode graph = io.interactionsync.normalizer.fixtures.CalendarFixtures
                .graphMeeting("AAMk-" + who.account());
        ((com.fasterxml.jackson.databind.node.ObjectNode) graph.get("organizer").get("emailAddress")).put("address", who.mailbox());
        ((com.fasterxml.jackson.databind.node.ObjectNode) graph.get("attendees").get(0).get("emailAddress"))
                .put("address", who.mailbox());
        send(who, io.interactionsync.normalizer.fixtures.CalendarFixtures.record(Source.OUTLOOK_CALENDAR,
                RawRecord.Op.UPSERT, graph, who.mailbox(), false, who.account(), who.user()));
        // jane (and bob, not a colleague here) in each calendar
        await().atMost(WAIT).until(() -> liveEvents(who) == 4);
        List<Map<String, Object>> rows = Db.rows("select source, kind, direction, role, meeting_attendee_count, "
                + "meeting_start_at from normalizer.interaction_events where user_id = ? and contact_email = ? "
                + "order by source", who.user(), "jane@client.example");
        assertThat(rows).extracting(r -> r.get("source") + "/" + r.get("kind") + "/" + r.get("direction") + "/"
                + r.get("role")).containsExactly("google_calendar/meeting/meeting/attendee",
                "outlook_calendar/meeting/meeting/attendee");
        published(who, 4).forEach(r -> assertThat(ContractSchemas.validate(Contract.INTERACTION_EVENT,
                readTree(r.value()))).isEmpty());
        // R-D1: google-sync publishes a cancelled event as op delete; Graph reports isCancelled on an upsert
        send(who, io.interactionsync.normalizer.fixtures.CalendarFixtures.record(Source.GOOGLE_CALENDAR,
                RawRecord.Op.DELETE, Json.mapper().createObjectNode().put("id", event.get("id").asText())
                        .put("status", "cancelled"), who.mailbox(), false, who.account(), who.user()));
        send(who, io.interactionsync.normalizer.fixtures.CalendarFixtures.record(Source.OUTLOOK_CALENDAR,
                RawRecord.Op.UPSERT, graph.deepCopy().put("isCancelled", true), who.mailbox(), false, who.account(),
                who.user()));
        await().atMost(WAIT).until(() -> liveEvents(who) == 0);
        assertThat(Db.count("select count(*) from normalizer.interaction_events where user_id = ? and deleted",
                who.user())).isEqualTo(4);
    }

    @Test
    void sharedMailboxRecordsAreAttributedToEverySubscriber() {
        Who alice = Who.fresh();
        Who bob = Who.fresh();
        String shared = "dealflow." + alice.account() + "@acme.test";
        for (Who w : List.of(alice, bob)) {
            kafka.send(Topics.ACCOUNT_EVENTS, w.account(), new AccountEvent(1, AccountEvent.Type.SHARED_MAILBOX_ADDED,
                    w.account(), w.user(), io.interactionsync.model.Provider.MICROSOFT, w.mailbox(), null, null, shared,
                    null, null, Instant.now()));
        }
        // R-B2 before any of their own mail was read: the connector announced the accounts and the team
        String carol = "carol." + alice.account() + "@acme.test";
        for (Who w : List.of(alice, bob)) {
            kafka.send(Topics.ACCOUNT_EVENTS, w.account(), new AccountEvent(1, AccountEvent.Type.CONNECTED,
                    w.account(), w.user(), io.interactionsync.model.Provider.MICROSOFT, w.mailbox(), null, null, null,
                    null, null, Instant.now()));
        }
        kafka.send(Topics.ACCOUNT_EVENTS, "team-" + alice.account(), new AccountEvent(1,
                AccountEvent.Type.DIRECTORY_CHANGED, "team-" + alice.account(), null, null, null, null, null, null, null,
                new AccountEvent.Directory("team-" + alice.account(), "Team", List.of(alice.mailbox(), bob.mailbox(),
                        carol), List.of()), Instant.now()));
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.shared_mailbox_subscribers "
                + "where address = ?", shared) == 2
                && Db.count("select count(*) from normalizer.owner_aliases where account_id in (?, ?)", alice.account(),
                        bob.account()) == 2
                && Db.count("select count(*) from normalizer.directory_collections where collection_id = ?",
                        "team-" + alice.account()) == 1);
        com.fasterxml.jackson.databind.node.ObjectNode msg = io.interactionsync.normalizer.fixtures.GraphMailFixtures
                .add(io.interactionsync.normalizer.fixtures.GraphMailFixtures.from(
                        io.interactionsync.normalizer.fixtures.GraphMailFixtures.message("sm-" + alice.account()),
                        "founder@startup.example", "Fay"), "toRecipients", shared, "Deal Flow");
        io.interactionsync.normalizer.fixtures.GraphMailFixtures.add(msg, "ccRecipients", bob.mailbox(), "Bob");
        io.interactionsync.normalizer.fixtures.GraphMailFixtures.add(msg, "ccRecipients", carol, "Carol");
        // fetched once, with alice's token
        send(alice, io.interactionsync.normalizer.fixtures.CalendarFixtures.record(Source.OUTLOOK_MAIL,
                RawRecord.Op.UPSERT, msg, shared, true, alice.account(), alice.user()));
        await().atMost(WAIT).until(() -> liveEvents(alice) >= 1 && liveEvents(bob) >= 1);
        assertThat(Db.rows("select account_id, via_shared_mailbox, mailbox, direction, contact_email "
                + "from normalizer.interaction_events where user_id = ?", bob.user())).singleElement().satisfies(r -> {
                    assertThat(r.get("contact_email")).isEqualTo("founder@startup.example"); // not bob, not carol
                    assertThat(r.get("account_id")).isEqualTo(bob.account());
                    assertThat(r.get("via_shared_mailbox")).isEqualTo(true);
                    assertThat(r.get("mailbox")).isEqualTo(shared);
                    assertThat(r.get("direction")).isEqualTo("inbound");
                });
        // bob unsubscribes: his events from that mailbox are retracted, alice's stay
        kafka.send(Topics.ACCOUNT_EVENTS, bob.account(), new AccountEvent(1, AccountEvent.Type.SHARED_MAILBOX_REMOVED,
                bob.account(), bob.user(), io.interactionsync.model.Provider.MICROSOFT, bob.mailbox(), null, null, shared,
                null, null, Instant.now()));
        await().atMost(WAIT).until(() -> liveEvents(bob) == 0);
        assertThat(liveEvents(alice)).isEqualTo(1);
        assertThat(published(bob, 2)).extracting(r -> readTree(r.value()).get("deleted").asBoolean())
                .containsExactly(false, true);
    }

    @Test
    void anOutboxRowThisReplicaDidNotWriteIsRenderedFromTheTableExactlyAsFromMemory() {
        Who who = Who.fresh();
        send(who, who.upsert(message("o-1").labels("INBOX").from("\"Doe, Jane\" <jane@client.example>")
                .to(who.mailbox()).internalDate("1764000000123")));
        await().atMost(WAIT).until(() -> liveEvents(who) == 1);
        String fromMemory = published(who, 1).get(0).value();
        // as if another replica (or this one before a restart) had committed it: not in this relay's memory
        Db.rows("insert into normalizer.outbox (event_ids) select array_agg(id) from normalizer.interaction_events "
                + "where user_id = ? returning id", who.user());
        List<ConsumerRecord<String, String>> out = published(who, 2);
        assertThat(out).hasSize(2);
        assertThat(readTree(out.get(1).value())).isEqualTo(readTree(fromMemory));
    }

    /** An Outlook message of {@code who}'s mailbox in {@code folder}. */
    private static RawRecord outlook(Who who, String id, String folder, String from, String to) {
        var m = GraphMailFixtures.add(GraphMailFixtures.from(GraphMailFixtures.message(id), from, null),
                "toRecipients", to, null);
        m.put("parentFolderId", folder);
        return io.interactionsync.normalizer.fixtures.CalendarFixtures.record(Source.OUTLOOK_MAIL, RawRecord.Op.UPSERT,
                m, who.mailbox(), false, who.account(), who.user());
    }

    /**
     * R-B1 for Outlook: the folder holding the owner's sent copies is learned and stored; mail From another address in
     * it reveals an alias, in this batch and later ones; a purge forgets both.
     */
    @Test
    void outlookAliasesAreLearnedFromTheSentFolderAndPurgedWithTheAccount() {
        Who who = Who.fresh();
        String sent = "AQMkAD-sent-" + who.account(), inbox = "AQMkAD-inbox-" + who.account();
        String alias = "a.lias." + who.account() + "@acme-alias.example";
        sendAndAwait(who, 2, outlook(who, "os-1", sent, who.mailbox(), "jane@client.example"),
                outlook(who, "os-2", sent, who.mailbox(), "joe@client.example"));
        assertThat(Db.count("select owner_messages from normalizer.mail_folders where account_id = ? and folder_id = ?",
                who.account(), sent)).isEqualTo(2);

        sendAndAwait(who, 3, outlook(who, "os-3", sent, alias, "zed@client.example"));
        assertThat(Db.count("select count(*) from normalizer.interaction_events where user_id = ? and remote_id = 'os-3' "
                + "and direction = 'outbound' and contact_email = 'zed@client.example'", who.user())).isEqualTo(1);
        assertThat(Db.count("select count(*) from normalizer.owner_aliases where account_id = ? and address = ?",
                who.account(), alias)).isEqualTo(1);

        // A later reply to the alias: the alias is the owner, never a contact.
        sendAndAwait(who, 4, outlook(who, "oi-1", inbox, "zed@client.example", alias));
        assertThat(Db.count("select count(*) from normalizer.interaction_events where user_id = ? and contact_email = ?",
                who.user(), alias)).isZero();

        kafka.send(Topics.ACCOUNT_EVENTS, who.account(), new AccountEvent(1, AccountEvent.Type.DISCONNECTED,
                who.account(), who.user(), io.interactionsync.model.Provider.MICROSOFT, who.mailbox(), null, null, null,
                true, null, Instant.now()));
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.mail_folders where account_id = ?",
                who.account()) == 0 && Db.count("select count(*) from normalizer.owner_aliases where account_id = ?",
                who.account()) == 0);
    }

    @Test
    void purgeOnDisconnectDeletesTheAccountsEvents() {
        Who who = Who.fresh();
        send(who, who.upsert(message("p-1").labels("INBOX").from("x@client.example").to(who.mailbox())));
        await().atMost(WAIT).until(() -> liveEvents(who) == 1);
        kafka.send(Topics.ACCOUNT_EVENTS, who.account(), new AccountEvent(1, AccountEvent.Type.DISCONNECTED,
                who.account(), who.user(), io.interactionsync.model.Provider.GOOGLE, who.mailbox(), null, null, null,
                true, null, Instant.now()));
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.interaction_events where account_id = ?",
                who.account()) == 0);
    }

    @Test
    void queryApiReturnsOnlyTheCallersEventsNewestFirstWithACursor() {
        Who who = Who.fresh();
        Who other = Who.fresh();
        for (int i = 0; i < 5; i++) {
            send(who, who.upsert(message("q-" + i).labels("INBOX").internalDate(String.valueOf(1764000000000L + i * 60_000L))
                    .from("c" + i + "@client.example").to(who.mailbox())));
        }
        send(other, other.upsert(message("q-x").labels("INBOX").from("c0@client.example").to(other.mailbox())));
        await().atMost(WAIT).until(() -> liveEvents(who) == 5 && liveEvents(other) == 1);
        String token = TestJwts.user(who.user(), who.mailbox());

        String cursor = given().auth().oauth2(token).queryParam("limit", 3)
                .when().get("/api/v1/interaction-events")
                .then().statusCode(200)
                .body("items", hasSize(3))
                .body("items[0].contactEmail", equalTo("c4@client.example"))
                .body("items[2].contactEmail", equalTo("c2@client.example"))
                .body("nextCursor", notNullValue())
                .extract().path("nextCursor");
        given().auth().oauth2(token).queryParam("limit", 3).queryParam("cursor", cursor)
                .when().get("/api/v1/interaction-events")
                .then().statusCode(200)
                .body("items.contactEmail", org.hamcrest.Matchers.contains("c1@client.example", "c0@client.example"))
                .body("nextCursor", nullValue());
        given().auth().oauth2(token).queryParam("contact", "C0@Client.example").queryParam("source", "gmail")
                .queryParam("kind", "email").queryParam("since", "2025-11-24T16:00:00Z")
                .when().get("/api/v1/interaction-events")
                .then().statusCode(200).body("items", hasSize(1)).body("items[0].userId", equalTo(who.user()));
        given().auth().oauth2(token).queryParam("since", "yesterday")
                .when().get("/api/v1/interaction-events")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("invalid_parameter"));
        given().when().get("/api/v1/interaction-events").then().statusCode(401);
    }

    private static JsonNode readTree(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

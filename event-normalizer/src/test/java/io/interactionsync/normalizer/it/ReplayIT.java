package io.interactionsync.normalizer.it;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.replay.ReplayRepository;
import io.interactionsync.normalizer.replay.ReplayService;
import io.interactionsync.normalizer.replay.ReplayService.Status;
import io.interactionsync.normalizer.rest.Problem;
import io.interactionsync.testsupport.DataKeyServerTestResource;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replay command: rebuilds events from raw-records after a rule change, idempotently, beside live traffic; its
 * runs are stored in {@code normalizer.replays}, one at a time across replicas, a dead replica's run interrupted.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
@WithTestResource(DataKeyServerTestResource.class)
class ReplayIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KafkaTestClient kafka;

    @Inject
    ReplayService replays;

    @Inject
    ReplayRepository repository;

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

    /** The user's team collection with these internal domains (R-B2). */
    private static void directory(Who who, List<String> internalDomains) {
        kafka.send(Topics.ACCOUNT_EVENTS, "team-" + who.account(), new AccountEvent(1, AccountEvent.Type.DIRECTORY_CHANGED,
                "team-" + who.account(), null, null, null, null, null, null, null,
                new AccountEvent.Directory("team-" + who.account(), "Team", List.of(who.mailbox()), internalDomains),
                Instant.now()));
    }

    private static String admin() {
        return TestJwts.user("ops-" + UUID.randomUUID(), "ops@acme.test", "admin");
    }

    private static String replayAndWait(String accountId) {
        String id = given().auth().oauth2(admin()).queryParam("accountId", accountId)
                .when().post("/api/v1/admin/replays")
                .then().statusCode(202).body("state", equalTo("running")).extract().path("id");
        await().atMost(WAIT).until(() -> "completed".equals(given().auth().oauth2(admin())
                .when().get("/api/v1/admin/replays/" + id).then().statusCode(200).extract().path("state")));
        return id;
    }

    /** The replay's row in {@code normalizer.replays}. */
    private static Map<String, Object> stored(String id) {
        List<Map<String, Object>> rows = Db.rows("select account_id, state, read, replayed, finished_at, error, owner, resumes "
                + "from normalizer.replays where id = ?::uuid", id);
        assertThat(rows).as("replay %s is stored", id).hasSize(1);
        return rows.get(0);
    }

    /** A replay row as another replica would have written it, with its last heartbeat {@code age} ago. */
    private static String insertRunning(String owner, Duration age) {
        String id = UUID.randomUUID().toString();
        Db.rows("insert into normalizer.replays (id, state, owner, started_at, heartbeat_at) "
                + "values (?::uuid, 'running', ?, now() - ?::interval, now() - ?::interval) returning id",
                id, owner, age.toSeconds() + " seconds", age.toSeconds() + " seconds");
        return id;
    }

    @Test
    void replayAppliesARuleChangeIdempotentlyWithoutRevivingDeletedMessages() {
        Who who = Who.fresh();
        // partner.example is an internal domain of the user's team (R-B2): y@partner.example is no contact yet.
        directory(who, List.of("partner.example"));
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.directory_collections "
                + "where collection_id = ?", "team-" + who.account()) == 1);
        who.send(who.upsert(message("m1").labels("INBOX").from("x@client.example").to(who.mailbox())));
        who.send(who.upsert(message("m2").labels("INBOX").from("y@partner.example").to(who.mailbox())));
        who.send(who.delete("m1"));
        await().atMost(WAIT).until(() -> who.all() == 1 && Db.count("select count(*) from normalizer.record_versions "
                + "where account_id = ?", who.account()) == 2);
        assertThat(who.live()).isZero();
        assertThat(publishedSoFar(who, "mark1")).hasSize(2);

        // The rule input changes: the team no longer owns partner.example. The directory change re-derives the team's
        // mail by itself (issue 18: the record follows the directory whatever came first): m2 is a contact again.
        directory(who, List.of());
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.directory_collections "
                + "where collection_id = ? and cardinality(internal_domains) = 0", "team-" + who.account()) == 1);
        await().atMost(WAIT).until(() -> who.live() == 2); // mark1 and m2

        String first = replayAndWait(who.account());
        // The outcome is stored (any replica can answer for it, a restart keeps it), counters included.
        Map<String, Object> row = stored(first);
        assertThat(row.get("state")).isEqualTo("completed");
        assertThat(row.get("account_id")).isEqualTo(who.account());
        assertThat(row.get("finished_at")).isNotNull();
        assertThat(row.get("error")).isNull();
        assertThat(row.get("owner")).isEqualTo(replays.owner());
        assertThat(row.get("replayed")).as("the account's records: m1, m2, the delete of m1, mark1").isEqualTo(4L);
        assertThat((Long) row.get("read")).as("every partition's records are read, only the account's replayed")
                .isGreaterThanOrEqualTo((Long) row.get("replayed"));
        // live traffic during and after the replay is processed as usual
        who.send(who.upsert(message("m3").labels("INBOX").from("z@client.example").to(who.mailbox())));
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.interaction_events where user_id = ? "
                + "and remote_id = 'm3' and not deleted", who.user()) == 1);

        assertThat(Db.rows("select remote_id, deleted from normalizer.interaction_events where user_id = ? "
                + "and remote_id in ('m1', 'm2') order by remote_id", who.user()))
                .extracting(r -> r.get("remote_id") + "/" + r.get("deleted"))
                .as("m2 a contact under the new rule, unchanged by the replay; m1 stays deleted (its older upsert is not "
                        + "replayed over the delete)")
                .containsExactly("m1/true", "m2/false");
        List<ConsumerRecord<String, String>> published = publishedSoFar(who, "mark2");
        assertThat(published).extracting(r -> readTree(r.value()).get("remoteId").asText() + "/"
                + readTree(r.value()).get("deleted").asBoolean())
                .containsExactlyInAnyOrder("m1/false", "m1/true", "m2/false", "m3/false");

        // Idempotent: a second replay (now of every account) changes and publishes nothing.
        long rows = Db.count("select count(*) from normalizer.interaction_events");
        String second = replayAndWait(null);
        assertThat(stored(second).get("account_id")).isNull();
        assertThat((Long) stored(second).get("replayed")).as("all accounts: every record read is replayed")
                .isEqualTo((Long) stored(second).get("read"));
        assertThat(given().auth().oauth2(admin()).when().get("/api/v1/admin/replays")
                .then().statusCode(200).extract().<List<String>>path("items.id"))
                .as("newest first").containsSubsequence(second, first);
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
        given().auth().oauth2(TestJwts.user("u-" + UUID.randomUUID(), "u@acme.test"))
                .when().get("/api/v1/admin/replays").then().statusCode(403);
        given().auth().oauth2(admin()).when().get("/api/v1/admin/replays/nope").then().statusCode(404)
                .body("code", equalTo("replay_not_found"));
        given().auth().oauth2(admin()).when().get("/api/v1/admin/replays/" + UUID.randomUUID()).then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("replay_not_found")).body("status", equalTo(404));
    }

    @Test
    void oneReplayRunsAcrossReplicasAndADeadReplicasReplayIsInterrupted() {
        // Another replica runs a replay (heartbeat just now): this replica answers for it and refuses a second one.
        String other = insertRunning("replica-b", Duration.ZERO);
        try {
            given().auth().oauth2(admin()).when().get("/api/v1/admin/replays/" + other).then().statusCode(200)
                    .body("state", equalTo("running")).body("owner", equalTo("replica-b"));
            given().auth().oauth2(admin()).when().post("/api/v1/admin/replays").then().statusCode(409)
                    .contentType(Problem.MEDIA_TYPE).body("code", equalTo("replay_running"))
                    .body("title", equalTo("Conflict")).body("status", equalTo(409))
                    .body("detail", startsWith("Replay " + other + " is already running on replica-b since "));
            assertThat(Db.count("select count(*) from normalizer.replays where state = 'running'")).isEqualTo(1);

            // replica-b dies: its heartbeat gets older than stale-after (30 s) → the next replay may start.
            Db.rows("update normalizer.replays set heartbeat_at = now() - interval '10 minutes' where id = ?::uuid "
                    + "returning id", other);
            String next = replayAndWait(null);
            Map<String, Object> dead = Db.rows("select state, finished_at, error from normalizer.replays "
                    + "where id = ?::uuid", other).get(0);
            assertThat(dead.get("state")).isEqualTo("interrupted");
            assertThat(dead.get("finished_at")).isNotNull();
            assertThat((String) dead.get("error")).contains("no heartbeat from replica-b");
            assertThat(stored(next).get("state")).isEqualTo("completed");
            given().auth().oauth2(admin()).when().get("/api/v1/admin/replays").then().statusCode(200)
                    .body("items[0].id", equalTo(next)).body("items[1].id", equalTo(other))
                    .body("items[1].state", equalTo("interrupted"));
        } finally {
            Db.rows("update normalizer.replays set state = 'interrupted', finished_at = now() "
                    + "where id = ?::uuid and state = 'running' returning id", other);
        }
    }

    @Test
    void aRunningReplayHeartbeatsAndRefusesASecondOne() throws Exception {
        Who who = Who.fresh();
        who.send(who.upsert(message("h1").labels("INBOX").from("x@client.example").to(who.mailbox())));
        await().atMost(WAIT).until(() -> who.live() == 1);
        String id;
        // Holding the events table keeps the replay's first batch waiting, so it is deterministically still running.
        try (Connection hold = DriverManager.getConnection(PostgresTestResource.jdbcUrl(PostgresTestResource.DATABASE),
                PostgresTestResource.user(), "")) {
            hold.setAutoCommit(false);
            hold.createStatement().execute("lock table normalizer.interaction_events in access exclusive mode");
            id = given().auth().oauth2(admin()).queryParam("accountId", who.account())
                    .when().post("/api/v1/admin/replays").then().statusCode(202).extract().path("id");
            given().auth().oauth2(admin()).when().post("/api/v1/admin/replays").then().statusCode(409)
                    .contentType(Problem.MEDIA_TYPE).body("code", equalTo("replay_running"));
            // the owner refreshes its heartbeat (every 5 s) while the replay runs
            await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.replays where id = ?::uuid "
                    + "and state = 'running' and heartbeat_at > started_at + interval '1 second'", id) == 1);
            given().auth().oauth2(admin()).when().get("/api/v1/admin/replays/" + id).then().statusCode(200)
                    .body("state", equalTo("running")).body("owner", equalTo(replays.owner()));
            hold.rollback();
        }
        await().atMost(WAIT).until(() -> "completed".equals(stored(id).get("state")));
        assertThat(stored(id).get("replayed")).isEqualTo(1L);
    }

    @Test
    void aReplayThisReplicaRanBeforeARestartIsInterruptedAtStartup() {
        // What the startup check finds after a crash: a running row under this replica's name, heartbeat recent.
        String orphan = insertRunning(replays.owner(), Duration.ofSeconds(2));
        try {
            assertThatThrownBy(() -> insertRunning("replica-c", Duration.ZERO))
                    .as("a second running row is refused by the table itself, whoever writes it")
                    .hasStackTraceContaining("replays_one_running");
            assertThat(replays.interruptOrphans().await().atMost(WAIT)).isEqualTo(1);
            Map<String, Object> row = stored(orphan);
            assertThat(row.get("state")).isEqualTo("interrupted");
            assertThat((String) row.get("error")).contains("restarted");
            replayAndWait(null); // nothing blocks a new one
        } finally {
            Db.rows("update normalizer.replays set state = 'interrupted', finished_at = now() "
                    + "where id = ?::uuid and state = 'running' returning id", orphan);
        }
    }

    @Test
    void anInterruptedReplayResumesFromItsOwnCommittedOffsetsUpToTheEndItRecorded() {
        Who who = Who.fresh();
        for (String m : List.of("rs1", "rs2", "rs3")) {
            who.send(who.upsert(message(m).labels("INBOX").from(m + "@client.example").to(who.mailbox())));
        }
        await().atMost(WAIT).until(() -> who.live() == 3);
        String id = replayAndWait(null); // every partition read and committed up to the end it recorded
        Map<Integer, Long> end = endOffsets(id);
        int partition = partitionOf(who);
        assertThat(end.get(partition)).as("the recorded end %s covers this test's records in partition %d", end, partition).isGreaterThanOrEqualTo(3);
        given().auth().oauth2(admin()).when().post("/api/v1/admin/replays/" + id + "/resume").then().statusCode(409)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("replay_not_resumable"));

        // Interrupted two records before its end in this partition: it reads exactly those two, then completes.
        long read = (Long) stored(id).get("read");
        long replayed = (Long) stored(id).get("replayed");
        interrupt(id);
        given().auth().oauth2(admin()).when().get("/api/v1/admin/replays/" + id).then().statusCode(200)
                .body("resumable", equalTo(true));
        commitReplayOffset(partition, end.get(partition) - 2, id);
        resumeAndWait(id);
        assertThat(stored(id).get("read")).isEqualTo(read + 2);
        assertThat(stored(id).get("replayed")).as("every account: each record read is replayed").isEqualTo(replayed + 2);

        // An offset another replay committed is not this one's progress: that partition is read from the start.
        read = (Long) stored(id).get("read");
        interrupt(id);
        commitReplayOffset(partition, end.get(partition) - 1, UUID.randomUUID().toString());
        resumeAndWait(id);
        assertThat(stored(id).get("read")).isEqualTo(read + committedRecords(partition, end.get(partition)));
        assertThat(who.live()).isEqualTo(3);

        given().auth().oauth2(admin()).when().post("/api/v1/admin/replays/" + UUID.randomUUID() + "/resume")
                .then().statusCode(404).body("code", equalTo("replay_not_found"));
        String old = insertRunning("replica-d", Duration.ZERO); // from before end offsets were recorded
        interrupt(old);
        given().auth().oauth2(admin()).when().post("/api/v1/admin/replays/" + old + "/resume").then().statusCode(409)
                .body("code", equalTo("replay_not_resumable"));
    }

    @Test
    void theNewestInterruptedReplayIsTakenUpAgainByItselfUpToTheLimitAndOnlyByOneReplica() {
        Who who = Who.fresh();
        for (String m : List.of("ar1", "ar2")) {
            who.send(who.upsert(message(m).labels("INBOX").from(m + "@client.example").to(who.mailbox())));
        }
        await().atMost(WAIT).until(() -> who.live() == 2);
        String id = replayAndWait(null);
        int partition = partitionOf(who);
        long end = endOffsets(id).get(partition);
        long read = (Long) stored(id).get("read");
        assertThat(replays.resumeNewestInterrupted(10).await().atMost(WAIT)).as("completed: nothing to resume").isEmpty();

        // Its replica shut down one record before the end in this partition: a live replica goes on by itself.
        interrupt(id);
        commitReplayOffset(partition, end - 1, id);
        assertThat(replays.resumeNewestInterrupted(0).await().atMost(WAIT)).as("auto-resume off").isEmpty();
        Status resumed = replays.resumeNewestInterrupted(2).await().atMost(WAIT).orElseThrow();
        assertThat(resumed.id()).isEqualTo(id);
        assertThat(resumed.resumes()).isEqualTo(1);
        assertThat(resumed.owner()).isEqualTo(replays.owner());
        await().atMost(WAIT).until(() -> "completed".equals(stored(id).get("state")));
        assertThat(stored(id).get("read")).isEqualTo(read + 1);
        given().auth().oauth2(admin()).when().get("/api/v1/admin/replays/" + id).then().statusCode(200)
                .body("resumes", equalTo(1)).body("resumable", equalTo(false));

        // The limit counts every resume; at the limit it waits for an operator, who may still resume it.
        interrupt(id);
        Db.update("update normalizer.replays set resumes = 2 where id = ?::uuid", id);
        assertThat(replays.resumeNewestInterrupted(2).await().atMost(WAIT)).as("resumed twice already").isEmpty();
        resumeAndWait(id);
        assertThat(stored(id).get("resumes")).isEqualTo(3);

        // Only the newest replay: an older interrupted one was superseded by the operator's later one.
        interrupt(id);
        String newer = insertRunning("replica-f", Duration.ZERO);
        Db.update("update normalizer.replays set state = 'completed', finished_at = now() where id = ?::uuid", newer);
        assertThat(replays.resumeNewestInterrupted(10).await().atMost(WAIT)).as("superseded").isEmpty();
        assertThat(stored(id).get("state")).isEqualTo("interrupted");
    }

    @Test
    void aReplicaWhoseReplayWasTakenOverByAnotherStopsAtItsNextHeartbeat() {
        // replica-g ran it, lost PostgreSQL long enough to be judged stale; this replica resumed it under its own name.
        String id = insertRunning("replica-g", Duration.ZERO);
        Db.update("update normalizer.replays set state = 'interrupted', finished_at = now(), end_offsets = '{}', "
                + "started_at = now() + interval '1 hour' where id = ?::uuid", id); // the newest, and resumable
        try {
            assertThat(replays.resumeNewestInterrupted(10).await().atMost(WAIT)).isPresent();
            await().atMost(WAIT).until(() -> "completed".equals(stored(id).get("state")));
            // replica-g comes back: neither its heartbeat nor its final state lands on the row it no longer owns
            assertThat(repository.heartbeat(UUID.fromString(id), "replica-g", 7, 7).await().atMost(WAIT)).isFalse();
            Db.update("update normalizer.replays set state = 'running', finished_at = null where id = ?::uuid", id);
            assertThat(repository.heartbeat(UUID.fromString(id), "replica-g", 7, 7).await().atMost(WAIT)).isFalse();
            assertThat(repository.finish(UUID.fromString(id), "replica-g", "failed", 7, 7, "late").await().atMost(WAIT))
                    .isFalse();
            assertThat(repository.heartbeat(UUID.fromString(id), replays.owner(), 0, 0).await().atMost(WAIT)).isTrue();
        } finally {
            Db.update("update normalizer.replays set state = 'completed', finished_at = now(), "
                    + "started_at = now() - interval '1 hour' where id = ?::uuid", id);
        }
    }

    /** The end offsets a replay recorded when it started, by raw-records partition. */
    private static Map<Integer, Long> endOffsets(String id) {
        Map<Integer, Long> end = new HashMap<>();
        readTree((String) Db.rows("select end_offsets::text as e from normalizer.replays where id = ?::uuid", id)
                .get(0).get("e")).fields().forEachRemaining(f -> end.put(Integer.valueOf(f.getKey()), f.getValue().asLong()));
        return end;
    }

    /** The raw-records partition of {@code who}'s records (keyed by account). */
    private static int partitionOf(Who who) {
        return kafka.readAll(Topics.RAW_RECORDS).stream().filter(r -> who.account().equals(r.key()))
                .findFirst().orElseThrow().partition();
    }

    /**
     * The records a {@code read_committed} consumer (the replay's) reads from the start of {@code partition} up to
     * {@code end}: other tests' producer transactions leave control records and aborted records in the log.
     */
    private static long committedRecords(int partition, long end) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition tp = new TopicPartition(Topics.RAW_RECORDS, partition);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long[] n = {0};
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    n[0] += r.offset() < end ? 1 : 0;
                }
                return c.position(tp) >= end;
            });
            return n[0];
        }
    }

    private static void interrupt(String id) {
        assertThat(Db.update("update normalizer.replays set state = 'interrupted', finished_at = now(), "
                + "error = 'test: replica gone' where id = ?::uuid", id)).isEqualTo(1);
    }

    private static void resumeAndWait(String id) {
        given().auth().oauth2(admin()).when().post("/api/v1/admin/replays/" + id + "/resume").then().statusCode(202)
                .body("id", equalTo(id)).body("state", equalTo("running"));
        await().atMost(WAIT).until(() -> "completed".equals(stored(id).get("state")));
        assertThat(stored(id).get("error")).isNull();
    }

    /** What the replay consumer group would have committed: {@code offset} in a raw-records partition, tagged. */
    private static void commitReplayOffset(int partition, long offset, String replayId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "event-normalizer-replay");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.commitSync(Map.of(new TopicPartition(Topics.RAW_RECORDS, partition), new OffsetAndMetadata(offset, replayId)));
        }
    }

    private static JsonNode readTree(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

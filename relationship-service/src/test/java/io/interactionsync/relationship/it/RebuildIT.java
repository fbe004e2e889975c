package io.interactionsync.relationship.it;

import io.interactionsync.testsupport.StateTopic;
import static io.interactionsync.relationship.it.Api.token;
import static io.interactionsync.relationship.support.Events.email;
import static io.interactionsync.relationship.support.Events.meeting;
import static io.interactionsync.relationship.support.Events.received;
import static io.interactionsync.relationship.support.Events.sent;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.InteractionEvent.Direction;
import io.interactionsync.model.InteractionEvent.Role;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A rebuild from offset 0 gives the same ties as the incremental run (Done-when of issue 22). */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(StateTopic.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class RebuildIT {

    private static final StateTopic TOPIC = new StateTopic();

    @AfterAll
    static void close() {
        TOPIC.close();
    }

    /** Every tie as a comparable line (sums rounded to 1e-9 of their size: summation order may differ). */
    private static List<String> ties() throws SQLException {
        try (Connection c = DriverManager.getConnection(PostgresTestResource.jdbcUrl(PostgresTestResource.DATABASE)
                + "?currentSchema=relationship", PostgresTestResource.user(), "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     select user_id, contact_email, contact_name, out_sum, in_sum, meet_sum, score_key, uncapped,
                            emails_sent, emails_received, meetings, last_interaction_at, next_event_at
                     from ties order by user_id, contact_email""")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                StringBuilder line = new StringBuilder();
                for (int i = 1; i <= 13; i++) {
                    Object v = rs.getObject(i);
                    line.append(v instanceof Double d ? String.format("%.9e", d) : String.valueOf(v)).append('|');
                }
                out.add(line.toString());
            }
            return out;
        }
    }

    @Test
    void aRebuildFromOffsetZeroGivesTheIncrementalScores() throws SQLException {
        Random random = new Random(22);
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        List<String> users = List.of("rb1-" + run, "rb2-" + run, "rb3-" + run, "rb4-" + run);
        for (String user : users) {
            List<InteractionEvent> mine = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                String contact = "c" + random.nextInt(12) + "@example.com";
                Instant at = now.minus(Duration.ofDays(random.nextInt(700)));
                String id = "<" + run + "-" + random.nextInt(60) + ">"; // shared ids: per-contact dedup at work
                InteractionEvent e = switch (random.nextInt(5)) {
                    case 0 -> sent(user, "acc-" + user, contact, at, id);
                    case 1 -> received(user, "acc-" + user, contact, at, id);
                    case 2 -> email(user, "acc-" + user, contact, Direction.OUTBOUND, Role.CC, at, id,
                            1 + random.nextInt(20));
                    case 3 -> email(user, "acc-" + user, contact, Direction.INBOUND, Role.CC, at, null, 3);
                    default -> meeting(user, "acc-" + user, contact, at, 2 + random.nextInt(60));
                };
                mine.add(e);
                TOPIC.publish(e);
            }
            // updates (a newer version under the same key), deletions, tombstones
            for (int i = 0; i < 20; i++) {
                InteractionEvent e = mine.get(random.nextInt(mine.size()));
                switch (i % 3) {
                    case 0 -> TOPIC.publish(new InteractionEvent(e.schemaVersion(), e.id(), e.userId(), e.accountId(),
                            e.provider(), e.source(), e.kind(), e.direction(), e.contactEmail(), "Renamed",
                            e.role(), e.occurredAt().plusSeconds(3600), e.remoteId(), e.internetMessageId(),
                            e.threadId(), e.mailbox(), e.viaSharedMailbox(), e.classification(), e.newsletter(),
                            e.meeting(), false, e.recipientCount(), false));
                    case 1 -> TOPIC.publish(e.withDeleted(true));
                    default -> TOPIC.tombstone(e.id(), user);
                }
            }
            // a future meeting stays out of the sums either way
            TOPIC.publish(meeting(user, "acc-" + user, "future@example.com", now.plus(Duration.ofDays(3)), 3));
            // the sentinel: once it shows, every earlier record of this user (same partition) is applied
            TOPIC.publish(received(user, "acc-" + user, "sentinel@example.com", now.minusSeconds(1),
                    "<s" + user + ">"));
        }
        TOPIC.flush();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String user : users) {
                assertThat(Api.strength(user, "sentinel@example.com")).isPositive();
            }
        });
        List<String> incremental = ties();
        double before = Api.strength(users.getFirst(), "c1@example.com");

        given().auth().oauth2(token("plain-" + run)).post("/api/v1/admin/rebuild").then().statusCode(403);
        long records = given().auth().oauth2(TestJwts.user("admin-" + run, "admin-" + run + "@acme.test", "admin"))
                .post("/api/v1/admin/rebuild").then().statusCode(200).extract().jsonPath().getLong("records");
        assertThat(records).isGreaterThanOrEqualTo(users.size() * 172L);

        assertThat(ties()).hasSize(incremental.size()).containsExactlyElementsOf(incremental);
        assertThat(Api.strength(users.getFirst(), "c1@example.com")).isCloseTo(before, within(0.1));
    }

    /**
     * Another replica's batch holds the shared write lock: the rebuild waits for it (and, holding the lock
     * exclusively for its whole run, makes every replica's later batches wait for it).
     */
    @Test
    void aRebuildWaitsForAnotherReplicasWritesAndHoldsThemOffWhileItRuns() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String admin = TestJwts.user("admin-" + run, "admin-" + run + "@acme.test", "admin");
        try (Connection otherReplica = database(); Connection observer = database();
             KafkaTestClient kafka = KafkaTestClient.connect()) {
            // both consumers idle first: a batch or a directory change queued behind the held lock would hold this
            // replica's ingest lock, which the rebuild takes before the database lock
            Api.connected(kafka, "acc-idle-" + run, "idle-" + run, "idle-" + run + "@acme.test");
            TOPIC.publish(received("idle-" + run, "acc-idle-" + run, "sentinel@example.com", Instant.now(),
                    "<idle-" + run + ">"));
            TOPIC.flush();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(Api.strength("idle-" + run, "sentinel@example.com")).isPositive();
                assertThat(count(observer, "select count(*) from accounts where account_id = 'acc-idle-" + run + "'"))
                        .isOne();
            });
            otherReplica.setAutoCommit(false);
            try (Statement s = otherReplica.createStatement()) {
                s.execute("select pg_advisory_xact_lock_shared(" + WRITE_LOCK + ")");
            }
            CompletableFuture<Integer> rebuild = CompletableFuture.supplyAsync(
                    () -> given().auth().oauth2(admin).post("/api/v1/admin/rebuild").then().extract().statusCode());
            await().atMost(Duration.ofSeconds(20)).until(() -> waitingForTheWriteLock(observer) == 1);
            assertThat(rebuild).isNotDone();
            // a batch arriving now queues behind the rebuild: it may not slip in between its transactions
            try (Statement s = observer.createStatement(); ResultSet rs = s.executeQuery(
                    "select pg_try_advisory_lock_shared(" + WRITE_LOCK + ")")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("a shared lock granted past the waiting rebuild").isFalse();
            }
            otherReplica.commit();
            assertThat(rebuild.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(waitingForTheWriteLock(observer)).isZero();
        }
    }

    /** Db's write lock ("REL"). */
    private static final long WRITE_LOCK = 0x52454CL;

    private static Connection database() throws SQLException {
        return DriverManager.getConnection(PostgresTestResource.jdbcUrl(PostgresTestResource.DATABASE)
                + "?currentSchema=relationship", PostgresTestResource.user(), "");
    }

    /** Sessions waiting for the write lock as a rebuild takes it (directory changes may wait for it too). */
    private static int waitingForTheWriteLock(Connection c) throws SQLException {
        return count(c, "select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid"
                + " where l.locktype = 'advisory' and l.objid = " + WRITE_LOCK + " and not l.granted"
                + " and a.query like '%pg_advisory_lock(%'");
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

package io.interactionsync.googlesync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.googlesync.support.TestMailbox;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.ConsumerAssignments;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.smallrye.common.annotation.Identifier;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Failover of the real service (its worker pool, lease settings, Kafka consumers and PostgreSQL): the job a dead
 * replica left running is taken over once its lease expires, a dead group member's partitions come back after its
 * session, and readiness reports the consumers' group membership under the instance id.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class FailoverIT {

    private static final String CHECK = "checks.find { it.name == 'google-sync-working' }";

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @ConfigProperty(name = "interaction-sync.instance-id")
    String instanceId;

    @ConfigProperty(name = "google-sync.worker.lease-duration")
    Duration lease;

    @ConfigProperty(name = "google-sync.worker.poll-interval")
    Duration poll;

    @ConfigProperty(name = "mp.messaging.incoming.sync-requests.session.timeout.ms")
    int sessionMs;

    @ConfigProperty(name = "mp.messaging.incoming.sync-requests.heartbeat.interval.ms")
    int heartbeatMs;

    @Inject
    SyncJobRepository jobs;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    @Identifier(ConsumerAssignments.NAME)
    ConsumerAssignments assignments;

    @Test
    void shouldBeReadyWithStaticCooperativeConsumersUnderTheInstanceId() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get(ManagementInterface.url("/q/health/ready"))
                .then().statusCode(200)
                .body(CHECK + ".status", equalTo("UP"))
                .body(CHECK + ".data.instance", equalTo(instanceId))
                .body(CHECK + ".data.jobsClaimable", equalTo(true)));
        String readiness = given().get(ManagementInterface.url("/q/health/ready")).asString();
        assertThat(readiness).contains("\"sync-requests\"").contains("\"account-events\"");

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestResource.bootstrapServers()))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("google-sync-service")).all().get()
                    .get("google-sync-service");
            assertThat(group.partitionAssignor()).isEqualTo("cooperative-sticky");
            assertThat(group.members()).extracting(MemberDescription::groupInstanceId).contains(
                    Optional.of(instanceId + "-sync-requests"), Optional.of(instanceId + "-account-events"));
        }
    }

    @Test
    void shouldTakeOverTheJobOfADeadReplicaOnceItsLeaseExpires() throws SQLException {
        TestMailbox box = TestMailbox.create();
        for (int i = 0; i < 12; i++) {
            box.add(Instant.now().minus(Duration.ofDays(i + 1)), true, "INBOX");
        }
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.email);

        // What a replica killed mid-backfill leaves: its job running under its id, renewed by its last heartbeat now.
        long killedAt = System.nanoTime();
        Instant killedAtWall = Instant.now();
        leaveRunningJob(accountId, "google-sync-dead-replica", lease);

        await().atMost(lease.plus(poll).plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> owner(accountId).filter(instanceId::equals).isPresent());
        Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
        Duration done = Duration.ofNanos(System.nanoTime() - killedAt);
        long firstPublished;
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            firstPublished = kafka.awaitRecords(Topics.RAW_RECORDS, r -> accountId.equals(r.key()), 12, Duration.ofSeconds(30))
                    .stream().mapToLong(r -> r.timestamp()).min().orElseThrow();
        }
        Duration firstRecord = Duration.between(killedAtWall, Instant.ofEpochMilli(firstPublished));
        System.out.printf("google-sync failover: lease %s, poll %s; dead replica's job claimed after %d ms, first raw "
                + "record after %d ms, job done after %d ms%n", lease, poll, takeover.toMillis(), firstRecord.toMillis(),
                done.toMillis());
        assertThat(takeover).as("not before the dead replica's lease expired").isGreaterThanOrEqualTo(lease.minusMillis(100))
                .as("within lease + poll").isLessThanOrEqualTo(lease.plus(poll).plusMillis(700))
                .isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldTakeBackThePartitionsOfAGroupMemberThatDied() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> assignments.joined(Topics.SYNC_REQUESTS));
        // Another replica's consumer, configured like the service's: it takes a share of sync-requests' 3 partitions.
        Properties other = new Properties();
        other.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        other.put(ConsumerConfig.GROUP_ID_CONFIG, "google-sync-service");
        other.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "google-sync-other-replica-sync-requests");
        other.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(sessionMs));
        other.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Integer.toString(heartbeatMs));
        other.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        other.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        int total;
        KafkaConsumer<String, String> otherReplica = new KafkaConsumer<>(other, new StringDeserializer(), new StringDeserializer());
        try {
            otherReplica.subscribe(List.of(Topics.SYNC_REQUESTS));
            Instant deadline = Instant.now().plusSeconds(60);
            while (otherReplica.assignment().isEmpty() || assignments.partitions(Topics.SYNC_REQUESTS)
                    + otherReplica.assignment().size() != otherReplica.partitionsFor(Topics.SYNC_REQUESTS).size()) {
                assertThat(Instant.now()).as("the other replica got its share").isBefore(deadline);
                otherReplica.poll(Duration.ofMillis(100)); // never commits: what it reads is read again by the service
            }
            total = otherReplica.partitionsFor(Topics.SYNC_REQUESTS).size();
        } finally {
            otherReplica.close(); // a static member leaves no LeaveGroup behind, like a killed process
        }
        long killedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> assignments.partitions(Topics.SYNC_REQUESTS) == total);
        Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
        Duration session = Duration.ofMillis(sessionMs);
        Duration heartbeat = Duration.ofMillis(heartbeatMs);
        System.out.printf("google-sync failover: a dead member's sync-requests partitions back on the service after %d ms "
                + "(session %d ms, heartbeat %d ms)%n", takeover.toMillis(), sessionMs, heartbeatMs);
        // The broker expires the member one session after its last heartbeat, which was up to one heartbeat interval
        // before the close; the service's consumer hears of the rebalance at its next heartbeat, then rejoins.
        assertThat(takeover).as("not before the session expired")
                .isGreaterThan(session.minus(heartbeat).minusMillis(500))
                .as("session + a heartbeat + the rebalance, with slack for a loaded machine")
                .isLessThan(session.plusSeconds(6));
    }

    private void leaveRunningJob(String accountId, String deadOwner, Duration lease) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                insert into google_sync.sync_jobs (account_id, state, mode, sources, requested_at, not_before, lease_owner,
                                                   lease_until, attempts)
                values (?, 'running', 'auto', 'gmail', now(), now(), ?, now() + make_interval(secs => ?), 1)
                """)) {
            ps.setString(1, accountId);
            ps.setString(2, deadOwner);
            ps.setDouble(3, lease.toMillis() / 1000.0);
            ps.executeUpdate();
        }
    }

    private Optional<String> owner(String accountId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select lease_owner from google_sync.sync_jobs where account_id = ?")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }
}

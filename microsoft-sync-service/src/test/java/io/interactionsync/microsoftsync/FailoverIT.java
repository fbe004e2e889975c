package io.interactionsync.microsoftsync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.SyncJobRepository;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Failover of the real service (its worker pool, lease settings, Kafka consumers and PostgreSQL): the job a dead
 * replica left running is taken over once its lease expires, and readiness reports the consumers' group membership
 * under the instance id.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class FailoverIT {

    private static final String CHECK = "checks.find { it.name == 'microsoft-sync-working' }";

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @ConfigProperty(name = "interaction-sync.instance-id")
    String instanceId;

    @ConfigProperty(name = "microsoft-sync.worker.lease-duration")
    Duration lease;

    @ConfigProperty(name = "microsoft-sync.worker.poll-interval")
    Duration poll;

    @Inject
    SyncJobRepository jobs;

    @Inject
    AgroalDataSource dataSource;

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
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("microsoft-sync-service")).all().get()
                    .get("microsoft-sync-service");
            assertThat(group.partitionAssignor()).isEqualTo("cooperative-sticky");
            assertThat(group.members()).extracting(MemberDescription::groupInstanceId).contains(
                    Optional.of(instanceId + "-sync-requests"), Optional.of(instanceId + "-account-events"));
        }
    }

    @Test
    void shouldTakeOverTheJobOfADeadReplicaOnceItsLeaseExpires() throws SQLException {
        Outlook box = Outlook.standard(8, 4).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);

        // What a replica killed mid-backfill leaves: its job running under its id, renewed by its last heartbeat now.
        long killedAt = System.nanoTime();
        Instant killedAtWall = Instant.now();
        leaveRunningJob(accountId, "microsoft-sync-dead-replica", lease);

        await().atMost(lease.plus(poll).plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> owner(accountId).filter(instanceId::equals).isPresent());
        Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
        Duration done = Duration.ofNanos(System.nanoTime() - killedAt);
        long firstPublished;
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            firstPublished = kafka.awaitRecords(Topics.RAW_RECORDS, r -> accountId.equals(r.key()), 1, Duration.ofSeconds(30))
                    .stream().mapToLong(r -> r.timestamp()).min().orElseThrow();
        }
        Duration firstRecord = Duration.between(killedAtWall, Instant.ofEpochMilli(firstPublished));
        System.out.printf("microsoft-sync failover: lease %s, poll %s; dead replica's job claimed after %d ms, first raw "
                + "record after %d ms, job done after %d ms%n", lease, poll, takeover.toMillis(), firstRecord.toMillis(),
                done.toMillis());
        assertThat(takeover).as("not before the dead replica's lease expired").isGreaterThanOrEqualTo(lease.minusMillis(100))
                .as("within lease + poll").isLessThanOrEqualTo(lease.plus(poll).plusMillis(700))
                .isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    private void leaveRunningJob(String accountId, String deadOwner, Duration lease) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                insert into microsoft_sync.sync_jobs (account_id, state, mode, sources, requested_at, not_before, lease_owner,
                                                   lease_until, attempts)
                values (?, 'running', 'auto', 'outlook_mail', now(), now(), ?, now() + make_interval(secs => ?), 1)
                """)) {
            ps.setString(1, accountId);
            ps.setString(2, deadOwner);
            ps.setDouble(3, lease.toMillis() / 1000.0);
            ps.executeUpdate();
        }
    }

    private Optional<String> owner(String accountId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select lease_owner from microsoft_sync.sync_jobs where account_id = ?")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }
}

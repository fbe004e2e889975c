package io.interactionsync.microsoftsync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.microsoftsync.service.SharedMailboxLeases;
import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.ConsumerAssignments;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.TopicReader;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
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
 * replica left running is taken over once its lease expires, with the shared mailbox it was reading; a shared
 * mailbox's lease is renewed by a heartbeat and a dead replica's runs out within the short lease; a dead group
 * member's partitions come back after its session; readiness reports the consumers' group membership under the
 * instance id.
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

    @ConfigProperty(name = "microsoft-sync.worker.heartbeat-interval")
    Duration heartbeat;

    @ConfigProperty(name = "mp.messaging.incoming.sync-requests.session.timeout.ms")
    int sessionTimeoutMs;

    @ConfigProperty(name = "mp.messaging.incoming.sync-requests.heartbeat.interval.ms")
    int heartbeatIntervalMs;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SharedMailboxRepository sharedMailboxes;

    @Inject
    SharedMailboxLeases leases;

    @Inject
    MicrosoftSyncConfig config;

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

    @Test
    void shouldReadTheSharedMailboxADeadReplicaWasReadingRightAfterTakingOverItsJob() throws SQLException {
        String shared = "desk-" + UUID.randomUUID().toString().substring(0, 6) + "@contoso.test";
        Set<String> sharedIds = Outlook.sharedMailbox(emulator, shared, 9);
        Outlook alice = Outlook.standard(1, 0).fullAccessTo(shared).load(emulator);
        String a = FakeConnectorResource.register(alice.upn);
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.ACCOUNT_EVENTS, a, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                    AccountEvent.Type.SHARED_MAILBOX_ADDED, a, FakeConnectorResource.userId(a), Provider.MICROSOFT, null,
                    null, null, shared, null, null, Instant.now()));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> sharedMailboxes.subscribers(shared).size() == 1);

        // A replica killed while its job read the shared mailbox, under another instance id (a new pod name): its job
        // row and its lease on the mailbox, here 5 minutes long as the step lease used to be, so that only the
        // same-account takeover can explain a read before it runs out.
        long killedAt = System.nanoTime();
        String dead = "microsoft-sync-dead-replica";
        leaveRunningJob(a, dead, lease);
        leaveSharedLease(shared, dead + "/" + a, Duration.ofMinutes(5));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> sharedLease(shared).filter(l -> l.owner().equals(instanceId + "/" + a) || l.read()).isPresent());
        Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
        await().atMost(Duration.ofSeconds(60)).until(() -> jobs.state(a).filter("done"::equals).isPresent());
        assertThat(sharedLease(shared)).hasValueSatisfying(l -> {
            assertThat(l.read()).as("read completely by the taken-over job").isTrue();
            assertThat(l.owner()).as("released").isEmpty();
        });
        assertThat(TopicReader.rawRecords(a).stream().filter(r -> r.path("mailbox").asText().equals(shared))
                .map(r -> r.get("remoteId").asText()).toList()).containsExactlyInAnyOrderElementsOf(sharedIds);
        System.out.printf("microsoft-sync failover: a dead replica's shared-mailbox read taken over after %d ms (job lease %s, "
                + "poll %s)%n", takeover.toMillis(), lease, poll);
        assertThat(takeover).as("the job's takeover, then at once the mailbox's lease: not its 5 minutes")
                .isLessThan(lease.plus(poll).plusSeconds(5));
    }

    @Test
    void shouldRenewASharedMailboxLeaseByHeartbeatAndHandItOverWithinTheShortLeaseWhenItsReplicaDies() throws SQLException {
        String shared = "team-" + UUID.randomUUID().toString().substring(0, 6) + "@contoso.test";
        // Another replica in this JVM: its own heartbeat, its own instance id.
        SharedMailboxLeases otherReplica = new SharedMailboxLeases(sharedMailboxes, config);
        otherReplica.start();
        SharedMailboxLeases.Lease held = otherReplica.tryAcquire(shared, "microsoft-sync-other-replica", "account-b")
                .orElseThrow();
        try {
            assertThat(leases.tryAcquire(shared, instanceId, "account-c")).as("held by the other replica").isEmpty();
            // No step renews it: the heartbeat keeps it past its lease, and its row never further ahead than the lease.
            await().during(lease.plus(heartbeat)).atMost(lease.plus(heartbeat).plusSeconds(10))
                    .until(() -> held.valid() && sharedLease(shared).filter(l -> l.owner().equals(held.owner())
                            && l.remaining().compareTo(Duration.ZERO) > 0
                            && l.remaining().compareTo(lease.plusSeconds(1)) <= 0).isPresent());
        } finally {
            otherReplica.haltAsIfKilled();
        }
        long killedAt = System.nanoTime();
        AtomicReference<SharedMailboxLeases.Lease> mine = new AtomicReference<>();
        await().atMost(lease.plusSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> leases.tryAcquire(shared, instanceId, "account-c").map(l -> {
                    mine.set(l);
                    return true;
                }).orElse(false));
        Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
        mine.get().release(null);
        assertThat(held.valid()).as("the dead replica's job would stop at its next step").isFalse();
        System.out.printf("microsoft-sync failover: a dead replica's shared-mailbox lease taken by another account's job "
                + "after %d ms (lease %s, heartbeat %s)%n", takeover.toMillis(), lease, heartbeat);
        // Its last heartbeat was at most one interval before the kill: the lease ran out lease - heartbeat … lease later.
        assertThat(takeover).as("not before its lease ran out").isGreaterThanOrEqualTo(lease.minus(heartbeat).minusMillis(500))
                .as("within the short lease").isLessThanOrEqualTo(lease.plusSeconds(2));
    }

    @Test
    void shouldTakeBackThePartitionsOfAGroupMemberThatDied() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> assignments.joined(Topics.SYNC_REQUESTS));
        // Another replica's consumer, configured like the service's: it takes a share of sync-requests' partitions.
        Properties other = new Properties();
        other.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        other.put(ConsumerConfig.GROUP_ID_CONFIG, "microsoft-sync-service");
        other.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "microsoft-sync-other-replica-sync-requests");
        other.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(sessionTimeoutMs));
        other.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Integer.toString(heartbeatIntervalMs));
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
        System.out.printf("microsoft-sync failover: a dead member's sync-requests partitions back on the service after %d ms "
                + "(session %d ms, heartbeat %d ms)%n", takeover.toMillis(), sessionTimeoutMs, heartbeatIntervalMs);
        assertThat(heartbeatIntervalMs).as("heartbeat at most a third of the session").isLessThanOrEqualTo(sessionTimeoutMs / 3);
        // The broker expires the member one session after its last heartbeat, which was up to one interval before the close.
        assertThat(takeover).as("not before the session expired")
                .isGreaterThan(Duration.ofMillis(sessionTimeoutMs - heartbeatIntervalMs - 500))
                .as("session + the rebalance, under 10 s").isLessThan(Duration.ofSeconds(10));
    }

    private void leaveSharedLease(String address, String owner, Duration lease) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                update microsoft_sync.shared_mailboxes set lease_owner = ?, lease_until = now() + make_interval(secs => ?)
                where address = ?
                """)) {
            ps.setString(1, owner);
            ps.setDouble(2, lease.toMillis() / 1000.0);
            ps.setString(3, address);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** A shared mailbox's lease row: owner ("" when free), time left on the database's clock, read completely once. */
    private record SharedLease(String owner, Duration remaining, boolean read) {
    }

    private Optional<SharedLease> sharedLease(String address) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select coalesce(lease_owner, ''), coalesce(extract(epoch from lease_until - now()), 0),
                       last_synced_at is not null
                from microsoft_sync.shared_mailboxes where address = ?
                """)) {
            ps.setString(1, address);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new SharedLease(rs.getString(1), Duration.ofMillis(Math.round(rs.getDouble(2) * 1000)),
                        rs.getBoolean(3))) : Optional.empty();
            }
        }
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

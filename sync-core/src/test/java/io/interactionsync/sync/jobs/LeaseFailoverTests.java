package io.interactionsync.sync.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.sync.JobControl;
import io.interactionsync.sync.JobResult;
import io.interactionsync.sync.SyncJob;
import io.interactionsync.sync.SyncJobRunner;
import io.interactionsync.sync.SyncCoreSchema;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.SyncSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Job leases across replicas against the machine's PostgreSQL, with the shipped lease settings (lease 8 s,
 * heartbeat 2 s, poll 1 s): a dead replica's jobs are taken over within lease + poll, a replica restarted with the
 * same instance id resumes its own at once, a lost lease stops the job, a replica cut off from the database stops
 * before its lease runs out, and no account ever runs on two owners at once. And readiness: only while the pool
 * claims and the consumers hold an assignment.
 */
class LeaseFailoverTests {

    private static final String SCHEMA = "sync_core_lease_tests";
    private static final Duration LEASE = Duration.ofSeconds(8);
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofSeconds(1);
    /** The claim statement and the first step after it (the measured takeover ends at the new owner's first step). */
    private static final Duration CLAIM_SLACK = Duration.ofMillis(700);
    private static final Duration STEP = Duration.ofMillis(100);

    private static AgroalDataSource dataSource;
    private static SyncJobRepository repository;
    private static SyncServiceDefinition service;

    /** Steps in progress per account, over every pool: more than one is two owners running one account. */
    private final Map<String, AtomicInteger> stepsInProgress = new ConcurrentHashMap<>();
    private final AtomicInteger overlappingSteps = new AtomicInteger();
    private final List<SyncWorkerPool> pools = new ArrayList<>();

    @BeforeAll
    static void database() throws Exception {
        dataSource = SyncCoreSchema.dataSource(12);
        SyncCoreSchema.recreate(dataSource, SCHEMA, "V0_1__sync_jobs.sql", "V0_2__source_audits.sql");
        service = new SyncServiceDefinition("lease-test", Provider.GOOGLE, Set.of(Source.GMAIL), SCHEMA, "leasetest",
                List.of(), settings());
        repository = new SyncJobRepository(dataSource, service);
    }

    @AfterAll
    static void close() {
        dataSource.close();
    }

    @BeforeEach
    void emptyQueue() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("truncate " + SCHEMA + ".sync_jobs");
        }
    }

    @AfterEach
    void stopPools() {
        pools.forEach(SyncWorkerPool::stop);
        assertThat(overlappingSteps).as("steps of one account running on two owners at once").hasValue(0);
    }

    @Test
    void anotherReplicaTakesOverADeadReplicasJobsWithinLeasePlusPoll() {
        List<String> accounts = enqueue("acc-1", "acc-2", "acc-3");
        SteppingRunner a = new SteppingRunner();
        SyncWorkerPool replicaA = start("replica-a", a);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.stepped(accounts));
        SteppingRunner b = new SteppingRunner();
        SyncWorkerPool replicaB = start("replica-b", b);
        await().atMost(Duration.ofSeconds(5)).until(replicaB::polled);
        assertThat(b.firstSteps).as("idle: every job is leased to A").isEmpty();

        long killedAt = System.nanoTime();
        replicaA.haltAsIfKilled(); // no release, no more heartbeats: the rows stay running under A's leases
        Map<String, Instant> leasesUntil = leaseUntil(accounts);

        Duration bound = LEASE.plus(POLL).plus(CLAIM_SLACK);
        await().atMost(bound.plusSeconds(3)).until(() -> b.stepped(accounts));
        List<Duration> takeovers = accounts.stream().map(id -> b.firstStepAfter(id, killedAt)).sorted().toList();
        System.out.printf("lease failover: lease %s, heartbeat %s, poll %s; takeover after kill: %s (bound %s)%n",
                LEASE, HEARTBEAT, POLL, takeovers, bound);
        assertThat(takeovers.getLast()).as("slowest takeover").isLessThanOrEqualTo(bound)
                .isLessThanOrEqualTo(Duration.ofSeconds(10));
        for (String id : accounts) {
            assertThat(b.firstStepAt.get(id)).as("B's first step of %s, after A's lease ran out", id)
                    .isAfter(leasesUntil.get(id));
        }
        assertThat(a.results(accounts)).as("A's runs ended at their next step, their leases gone")
                .containsOnly(JobResult.Aborted.class);
        assertThat(owners(accounts)).containsOnly("replica-b");
    }

    @Test
    void aReplicaRestartedWithTheSameInstanceIdResumesItsJobsAtOnce() {
        List<String> accounts = enqueue("acc-4", "acc-5");
        SteppingRunner first = new SteppingRunner();
        SyncWorkerPool crashed = start("google-sync-0", first);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.stepped(accounts));
        crashed.haltAsIfKilled();
        Map<String, Instant> crashedLeasesUntil = leaseUntil(accounts);

        long restartedAt = System.nanoTime();
        SteppingRunner restarted = new SteppingRunner();
        start("google-sync-0", restarted);
        await().atMost(LEASE).until(() -> restarted.stepped(accounts));
        List<Duration> resumed = accounts.stream().map(id -> restarted.firstStepAfter(id, restartedAt)).sorted().toList();
        System.out.printf("lease failover: restarted with the same instance id, own jobs resumed after %s "
                + "(first claim 1 s after start; lease %s)%n", resumed, LEASE);
        assertThat(resumed.getLast()).as("resumed long before the old leases expire").isLessThan(LEASE.dividedBy(2));
        for (String id : accounts) {
            assertThat(restarted.firstStepAt.get(id)).as("%s resumed while its old lease still ran", id)
                    .isBefore(crashedLeasesUntil.get(id));
        }
        assertThat(attempts(accounts)).as("one claim by the crashed process, one by the restarted one").containsOnly(2);
    }

    @Test
    void anotherInstanceIdDoesNotReclaimLeasesThatAreStillValid() {
        List<String> accounts = enqueue("acc-6");
        SteppingRunner a = new SteppingRunner();
        start("replica-a", a);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.stepped(accounts));
        SteppingRunner b = new SteppingRunner();
        SyncWorkerPool replicaB = start("replica-b", b);

        // A lives and heartbeats: B polls for longer than a lease and never claims A's job.
        await().pollDelay(LEASE.plus(HEARTBEAT)).atMost(LEASE.plus(HEARTBEAT).plusSeconds(1)).until(replicaB::polled);
        assertThat(b.firstSteps).isEmpty();
        assertThat(owners(accounts)).containsOnly("replica-a");
        assertThat(a.results(accounts)).as("still running").isEmpty();
    }

    @Test
    void aLostLeaseStopsTheJobAtItsNextStep() throws SQLException {
        List<String> accounts = enqueue("acc-7");
        SteppingRunner a = new SteppingRunner();
        start("replica-a", a);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.stepped(accounts));

        takeLease("acc-7", "intruder");
        await().atMost(HEARTBEAT.plus(STEP).plusSeconds(1)).until(() -> a.results.containsKey("acc-7"));
        assertThat(a.results(accounts)).containsOnly(JobResult.Aborted.class);
        assertThat(owners(accounts)).as("the end of A's run does not touch the new owner's row").containsOnly("intruder");
    }

    @Test
    void aReplicaCutOffFromTheDatabaseStopsItsJobsBeforeTheirLeasesExpire() throws SQLException {
        List<String> accounts = enqueue("acc-8", "acc-9");
        AgroalDataSource ownConnections = SyncCoreSchema.dataSource(12);
        SteppingRunner a = new SteppingRunner();
        SyncWorkerPool replicaA = new SyncWorkerPool(new SyncJobRepository(ownConnections, service), a,
                new SimpleMeterRegistry(), service, "replica-a");
        pools.add(replicaA);
        replicaA.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.stepped(accounts));
        SteppingRunner b = new SteppingRunner();
        start("replica-b", b);

        ownConnections.close(); // A can no longer renew, nor record anything
        await().atMost(LEASE).until(() -> a.results.size() == accounts.size());
        Map<String, Instant> leaseUntil = leaseUntil(accounts);
        for (String id : accounts) {
            assertThat(a.endedAt.get(id)).as("A stopped %s before its lease ran out", id).isBefore(leaseUntil.get(id));
        }
        assertThat(a.results(accounts)).containsOnly(JobResult.Aborted.class);
        await().atMost(LEASE.plus(POLL).plusSeconds(2)).until(() -> b.stepped(accounts));
        assertThat(owners(accounts)).containsOnly("replica-b");
    }


    @Test
    void aReplicaIsReadyOnlyWhileItClaimsJobsAndItsConsumersHoldAnAssignment() {
        SyncWorkerPool pool = new SyncWorkerPool(repository, new SteppingRunner(), new SimpleMeterRegistry(), service,
                "replica-r");
        pools.add(pool);
        ConsumerAssignments assignments = new ConsumerAssignments();
        SyncReadinessCheck readiness = new SyncReadinessCheck(pool, assignments, service, new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of(
                        "mp.messaging.incoming.sync-requests.consumer-rebalance-listener.name", ConsumerAssignments.NAME,
                        "mp.messaging.incoming.account-events.consumer-rebalance-listener.name", ConsumerAssignments.NAME,
                        "mp.messaging.incoming.account-events.topic", "account-events",
                        "mp.messaging.incoming.raw-records-in.consumer-rebalance-listener.name", "someone-else"),
                        "test", 100)).build());
        assertThat(readiness.call().getName()).isEqualTo("lease-test-working");
        assertThat(readiness.call().getStatus()).as("started, idle").isEqualTo(HealthCheckResponse.Status.DOWN);

        MockConsumer<String, String> requests = consumerOf("sync-requests");
        MockConsumer<String, String> events = consumerOf("account-events");
        assignments.onPartitionsAssigned(requests, List.of(new TopicPartition("sync-requests", 2)));
        assignments.onPartitionsAssigned(events, List.of()); // more replicas than partitions: still in the group
        assertThat(readiness.call().getStatus()).as("in its groups, not claiming yet").isEqualTo(HealthCheckResponse.Status.DOWN);

        pool.claimDueJobs();
        HealthCheckResponse ready = readiness.call();
        assertThat(ready.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(ready.getData().orElseThrow()).containsEntry("sync-requests", "1 partitions")
                .containsEntry("account-events", "0 partitions").containsEntry("instance", "replica-r")
                .doesNotContainKey("raw-records-in");

        assignments.onPartitionsLost(requests, List.of(new TopicPartition("sync-requests", 2)));
        assertThat(readiness.call().getStatus()).as("session lost").isEqualTo(HealthCheckResponse.Status.DOWN);
        assignments.onPartitionsAssigned(requests, List.of(new TopicPartition("sync-requests", 0)));
        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        pool.stop();
        assertThat(readiness.call().getStatus()).as("stopping").isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    private static MockConsumer<String, String> consumerOf(String topic) {
        MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    // ---- helpers

    private SyncWorkerPool start(String instanceId, SteppingRunner runner) {
        SyncWorkerPool pool = new SyncWorkerPool(repository, runner, new SimpleMeterRegistry(), service, instanceId);
        pools.add(pool);
        pool.start();
        return pool;
    }

    @Test
    void theBacklogCountsWhatAFreeWorkerCouldClaimNow() throws SQLException {
        assertThat(repository.backlog()).isEqualTo(new SyncJobRepository.Backlog(0, 0, 0));
        enqueue("acc-20", "acc-21", "acc-22", "acc-23");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("update " + SCHEMA + ".sync_jobs set not_before = now() - interval '90 seconds' where account_id = 'acc-20'");
            s.execute("update " + SCHEMA + ".sync_jobs set not_before = now() + interval '1 hour' where account_id = 'acc-21'");
            // acc-22 runs under a live lease; acc-23 under one that expired 30 s ago (its replica died).
            s.execute("update " + SCHEMA + ".sync_jobs set state = 'running', lease_owner = 'a', "
                    + "lease_until = now() + interval '1 minute' where account_id = 'acc-22'");
            s.execute("update " + SCHEMA + ".sync_jobs set state = 'running', lease_owner = 'dead', "
                    + "lease_until = now() - interval '30 seconds' where account_id = 'acc-23'");
        }
        SyncJobRepository.Backlog backlog = repository.backlog();
        assertThat(backlog.claimable()).as("acc-20 due, acc-23 expired; acc-21 not due, acc-22 leased").isEqualTo(2);
        assertThat(backlog.running()).isEqualTo(1);
        assertThat(backlog.oldestClaimableAgeSeconds()).as("acc-20 waited 90 s").isBetween(89.0, 120.0);

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BacklogGauges gauges = new BacklogGauges(repository, registry, service);
        gauges.register(null);
        assertThat(registry.get("sync.jobs.claimable").gauge().value()).isEqualTo(2.0);
        assertThat(registry.get("sync.jobs.running").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("sync.worker.slots").gauge().value())
                .isEqualTo(service.settings().worker().concurrency());
    }

    private static List<String> enqueue(String... accountIds) {
        for (String id : accountIds) {
            repository.enqueue(SyncRequest.of(id, Provider.GOOGLE, List.of(Source.GMAIL), SyncRequest.Mode.AUTO,
                    SyncRequest.Reason.MANUAL, Instant.now()), Set.of(Source.GMAIL));
        }
        return List.of(accountIds);
    }

    private static void takeLease(String accountId, String owner) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("update " + SCHEMA
                + ".sync_jobs set lease_owner = ?, lease_until = now() + interval '1 minute' where account_id = ?")) {
            ps.setString(1, owner);
            ps.setString(2, accountId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static List<String> owners(List<String> accountIds) {
        return column(accountIds, "coalesce(lease_owner, state)", String.class).values().stream().toList();
    }

    private static List<Integer> attempts(List<String> accountIds) {
        return column(accountIds, "attempts", Integer.class).values().stream().toList();
    }

    private static Map<String, Instant> leaseUntil(List<String> accountIds) {
        Map<String, Instant> until = new ConcurrentHashMap<>();
        column(accountIds, "lease_until", java.sql.Timestamp.class).forEach((id, t) -> until.put(id, t.toInstant()));
        return until;
    }

    private static <T> Map<String, T> column(List<String> accountIds, String expression, Class<T> type) {
        Map<String, T> values = new ConcurrentHashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("select account_id, "
                + expression + " from " + SCHEMA + ".sync_jobs where account_id = any(?)")) {
            ps.setArray(1, c.createArrayOf("text", accountIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.put(rs.getString(1), rs.getObject(2, type));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(values).hasSize(accountIds.size());
        return values;
    }



    private static SyncSettings settings() {
        SyncSettings.Worker worker = new SyncSettings.Worker() {
            public int concurrency() { return 4; }
            public Duration pollInterval() { return POLL; }
            public Duration leaseDuration() { return LEASE; }
            public Duration heartbeatInterval() { return HEARTBEAT; }
            public Duration retryDelay() { return Duration.ofSeconds(30); }
            public Duration shutdownGrace() { return Duration.ofSeconds(2); }
            public Duration rerunDelay() { return Duration.ZERO; }
        };
        return new SyncSettings() {
            public Retry retry() { return null; }
            public Worker worker() { return worker; }
            public Status status() { return null; }
            public Audit audit() { return null; }
            public RawRecords rawRecords() { return null; }
            public Push push() { return null; }
        };
    }

    /**
     * A job that never finishes on its own: short steps, checking the lease and the shutdown between them like the
     * services' coordinators. Records each account's first step and how its run ended.
     */
    private final class SteppingRunner implements SyncJobRunner {
        final Map<String, Long> firstSteps = new ConcurrentHashMap<>();
        final Map<String, Instant> firstStepAt = new ConcurrentHashMap<>();
        final Map<String, JobResult> results = new ConcurrentHashMap<>();
        final Map<String, Instant> endedAt = new ConcurrentHashMap<>();

        @Override
        public JobResult run(SyncJob job, JobControl control) {
            String id = job.accountId();
            while (true) {
                if (control.stopRequested()) {
                    return end(id, new JobResult.Stopped());
                }
                if (!control.renewLease()) {
                    return end(id, new JobResult.Aborted());
                }
                AtomicInteger inProgress = stepsInProgress.computeIfAbsent(id, k -> new AtomicInteger());
                if (inProgress.incrementAndGet() > 1) {
                    overlappingSteps.incrementAndGet();
                }
                if (firstSteps.putIfAbsent(id, System.nanoTime()) == null) {
                    firstStepAt.put(id, Instant.now());
                }
                try {
                    Thread.sleep(STEP); // the step's work
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return end(id, new JobResult.Stopped());
                } finally {
                    inProgress.decrementAndGet();
                }
            }
        }

        private JobResult end(String id, JobResult result) {
            endedAt.put(id, Instant.now());
            results.put(id, result);
            return result;
        }

        boolean stepped(List<String> accountIds) {
            return firstSteps.keySet().containsAll(accountIds);
        }

        Duration firstStepAfter(String accountId, long sinceNanos) {
            return Duration.ofNanos(firstSteps.get(accountId) - sinceNanos);
        }

        List<Class<?>> results(List<String> accountIds) {
            return accountIds.stream().filter(results::containsKey).<Class<?>>map(id -> results.get(id).getClass()).toList();
        }
    }
}

package io.interactionsync.sync.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.model.Provider;
import io.interactionsync.model.PushHealth;
import io.interactionsync.model.Source;
import io.interactionsync.sync.JobResult;
import io.interactionsync.sync.SyncCoreSchema;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.SyncSettings;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.sync.jobs.SyncWorkerPool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * push_channels against the machine's PostgreSQL (schema {@code sync_core_push_tests}): what the safety net finds due
 * (renewals, polls of healthy and unhealthy push), health states, secrets kept only as hashes, and a burst of
 * notifications coalesced by the job table into a handful of runs that start at once (the pool is woken).
 */
class PushChannelsTests {

    private static final String SCHEMA = "sync_core_push_tests";
    private static final Duration POLL_EVERY = Duration.ofMinutes(15);
    private static final Duration UNHEALTHY_POLL_EVERY = Duration.ofMinutes(2);
    private static final Duration SILENT_AFTER = Duration.ofHours(6);

    private static AgroalDataSource dataSource;
    private static SyncServiceDefinition service;
    private static PushChannelRepository channels;
    private static SyncJobRepository jobs;

    @BeforeAll
    static void database() throws Exception {
        dataSource = SyncCoreSchema.dataSource(8);
        SyncCoreSchema.recreate(dataSource, SCHEMA, "V0_1__sync_jobs.sql", "V0_2__source_audits.sql",
                "V0_3__push_channels.sql");
        service = new SyncServiceDefinition("push-test", Provider.GOOGLE, Set.of(Source.GMAIL, Source.GOOGLE_CALENDAR),
                SCHEMA, "pushtest", List.of(), settings());
        channels = new PushChannelRepository(dataSource, service);
        jobs = new SyncJobRepository(dataSource, service);
    }

    @AfterAll
    static void close() {
        dataSource.close();
    }

    @BeforeEach
    void empty() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("truncate " + SCHEMA + ".push_channels, " + SCHEMA + ".sync_jobs");
        }
    }

    @Test
    void aChannelRoundTripsAndItsSecretIsStoredOnlyAsAHash() throws SQLException {
        String secret = PushSecrets.newSecret();
        assertThat(secret).hasSize(43).matches("[A-Za-z0-9_-]+");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        channels.save(PushChannel.active("acc-1", Source.GOOGLE_CALENDAR, null, "chan-1", "res-1",
                PushSecrets.hash(secret), now.plus(7, ChronoUnit.DAYS), now.plus(6, ChronoUnit.DAYS), now));

        PushChannel found = channels.byChannelId("chan-1").orElseThrow();
        assertThat(found.accountId()).isEqualTo("acc-1");
        assertThat(found.mailbox()).isEmpty();
        assertThat(found.expiresAt()).isEqualTo(now.plus(7, ChronoUnit.DAYS));
        assertThat(PushSecrets.matches(secret, found.secretHash())).isTrue();
        assertThat(PushSecrets.matches(secret + "x", found.secretHash())).isFalse();
        assertThat(PushSecrets.matches(null, found.secretHash())).isFalse();
        assertThat(channels.find("acc-1", Source.GOOGLE_CALENDAR, "")).contains(found);
        assertThat(channels.byChannelId("nope")).isEmpty();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("select * from " + SCHEMA + ".push_channels")) {
            rs.next();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                assertThat(String.valueOf(rs.getObject(i))).as("column %s", rs.getMetaData().getColumnName(i))
                        .doesNotContain(secret);
            }
        }

        channels.save(PushChannel.active("acc-2", Source.GMAIL, null, "gmail:acc-2", "user@example.com", null,
                now.plus(7, ChronoUnit.DAYS), now.plus(1, ChronoUnit.DAYS), now));
        channels.save(PushChannel.active("acc-3", Source.GMAIL, null, "gmail:acc-3", "user@example.com", null,
                now.plus(7, ChronoUnit.DAYS), now.plus(1, ChronoUnit.DAYS), now));
        assertThat(channels.byResource(Source.GMAIL, "user@example.com")).extracting(PushChannel::accountId)
                .containsExactlyInAnyOrder("acc-2", "acc-3");
    }

    @Test
    void theSafetyNetFindsRenewalsAndPollsHealthyPushRarelyAndUnhealthyPushOften() throws SQLException {
        Instant now = Instant.now();
        Instant week = now.plus(7, ChronoUnit.DAYS);
        // healthy, checked 5 minutes ago: nothing due
        channels.save(PushChannel.active("fresh", Source.GMAIL, null, "gmail:fresh", "a", null, week, now.plus(1, ChronoUnit.DAYS), now));
        checkedAgo("fresh", Duration.ofMinutes(5));
        // healthy, checked 20 minutes ago: its poll is due
        channels.save(PushChannel.active("stale", Source.GMAIL, null, "gmail:stale", "b", null, week, now.plus(1, ChronoUnit.DAYS), now));
        checkedAgo("stale", Duration.ofMinutes(20));
        // failed 5 minutes ago: polled as unhealthy, and its retry (renew_at) is due
        channels.failed("failed", Source.GOOGLE_CALENDAR, "", "Calendar answered 403", now.minusSeconds(1));
        checkedAgo("failed", Duration.ofMinutes(5));
        // renewal due
        channels.save(PushChannel.active("renew", Source.GOOGLE_CALENDAR, null, "chan-r", "r", null, week, now.minusSeconds(5), now));
        // valid but silent for 7 hours, checked 5 minutes ago: unhealthy poll due
        channels.save(PushChannel.active("silent", Source.GMAIL, null, "gmail:silent", "c", null, week, now.plus(1, ChronoUnit.DAYS),
                now.minus(7, ChronoUnit.HOURS)));
        sql("update " + SCHEMA + ".push_channels set created_at = now() - interval '7 hours' where account_id = 'silent'");
        checkedAgo("silent", Duration.ofMinutes(5));
        // silent too, but checked a minute ago: not yet
        channels.save(PushChannel.active("silent-recent", Source.GMAIL, null, "gmail:silent-recent", "d", null, week,
                now.plus(1, ChronoUnit.DAYS), now.minus(7, ChronoUnit.HOURS)));
        sql("update " + SCHEMA + ".push_channels set created_at = now() - interval '7 hours' where account_id = 'silent-recent'");
        checkedAgo("silent-recent", Duration.ofMinutes(1));

        List<PushChannelRepository.Due> due = channels.due(POLL_EVERY, UNHEALTHY_POLL_EVERY, SILENT_AFTER, 100);

        assertThat(due).extracting(PushChannelRepository.Due::accountId)
                .containsExactlyInAnyOrder("stale", "failed", "renew", "silent");
        assertThat(due).filteredOn(PushChannelRepository.Due::renewal).extracting(PushChannelRepository.Due::accountId)
                .containsExactlyInAnyOrder("failed", "renew");

        assertThat(channels.find("silent", Source.GMAIL, "").orElseThrow().health(Instant.now(), SILENT_AFTER).state())
                .isEqualTo(PushHealth.State.SILENT);
        assertThat(channels.find("fresh", Source.GMAIL, "").orElseThrow().health(Instant.now(), SILENT_AFTER).state())
                .isEqualTo(PushHealth.State.ACTIVE);
        PushHealth failed = channels.find("failed", Source.GOOGLE_CALENDAR, "").orElseThrow().health(Instant.now(), SILENT_AFTER);
        assertThat(failed.state()).isEqualTo(PushHealth.State.FAILED);
        assertThat(failed.lastError()).isEqualTo("Calendar answered 403");
        assertThat(channels.healthCounts(SILENT_AFTER)).contains(
                new PushChannelRepository.HealthCount(Source.GMAIL, PushHealth.State.ACTIVE, 2),
                new PushChannelRepository.HealthCount(Source.GMAIL, PushHealth.State.SILENT, 2),
                new PushChannelRepository.HealthCount(Source.GOOGLE_CALENDAR, PushHealth.State.FAILED, 1));

        // A notification makes a silent channel healthy again; a stopped one is polled as unhealthy.
        channels.notified("silent", Source.GMAIL, "", Instant.now());
        channels.stopped("fresh", Source.GMAIL, "", "account disconnected");
        checkedAgo("fresh", Duration.ofMinutes(3));
        assertThat(channels.due(POLL_EVERY, UNHEALTHY_POLL_EVERY, SILENT_AFTER, 100))
                .extracting(PushChannelRepository.Due::accountId).contains("fresh").doesNotContain("silent");
    }

    @Test
    void anExpiredChannelIsReportedExpiredAndRenewed() {
        Instant now = Instant.now();
        channels.save(PushChannel.active("old", Source.GMAIL, null, "gmail:old", "e", null, now.minusSeconds(1),
                now.plus(1, ChronoUnit.DAYS), now.minus(8, ChronoUnit.DAYS)));
        PushChannel old = channels.find("old", Source.GMAIL, "").orElseThrow();
        assertThat(old.health(now, SILENT_AFTER).state()).isEqualTo(PushHealth.State.EXPIRED);
        assertThat(old.needsRenewal(now)).isTrue();
    }

    @Test
    void aBurstOfNotificationsGivesAHandfulOfRunsThatStartAtOnce() {
        AtomicInteger runs = new AtomicInteger();
        AtomicLong firstRunAt = new AtomicLong();
        SyncWorkerPool pool = new SyncWorkerPool(jobs, (job, control) -> {
            firstRunAt.compareAndSet(0, System.nanoTime());
            runs.incrementAndGet();
            try {
                Thread.sleep(150); // a delta run
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new JobResult.Completed();
        }, new SimpleMeterRegistry(), service, "push-test-replica");
        pool.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(pool::polled);
            Instant now = Instant.now();
            PushChannel channel = PushChannel.active("burst", Source.GMAIL, null, "gmail:burst", "f", null,
                    now.plus(7, ChronoUnit.DAYS), now.plus(1, ChronoUnit.DAYS), now);
            channels.save(channel);
            PushNotifications notifications = new PushNotifications(channels, jobs, pool, service, new SimpleMeterRegistry());

            long first = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                notifications.accept(channel);
            }
            // the pool polls every 5 s: only the wake-up starts the run this soon
            await().atMost(Duration.ofSeconds(5)).until(() -> firstRunAt.get() != 0);
            assertThat(Duration.ofNanos(firstRunAt.get() - first)).isLessThan(Duration.ofMillis(1500));
            await().atMost(Duration.ofSeconds(30)).until(() -> jobs.state("burst").orElse("").equals("done"));
            assertThat(runs.get()).as("delta runs for 1,000 notifications").isBetween(1, 12);
            assertThat(channels.find("burst", Source.GMAIL, "").orElseThrow().lastNotificationAt()).isNotNull();
        } finally {
            pool.stop();
        }
    }

    private static void checkedAgo(String accountId, Duration ago) throws SQLException {
        sql("update " + SCHEMA + ".push_channels set checked_at = now() - make_interval(secs => " + ago.toSeconds()
                + ") where account_id = '" + accountId + "'");
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static SyncSettings settings() {
        SyncSettings.Worker worker = new SyncSettings.Worker() {
            public int concurrency() { return 2; }
            public Duration pollInterval() { return Duration.ofSeconds(5); }
            public Duration leaseDuration() { return Duration.ofSeconds(8); }
            public Duration heartbeatInterval() { return Duration.ofSeconds(2); }
            public Duration retryDelay() { return Duration.ofSeconds(30); }
            public Duration shutdownGrace() { return Duration.ofSeconds(2); }
            public Duration rerunDelay() { return Duration.ofSeconds(1); }
        };
        SyncSettings.Push push = new SyncSettings.Push() {
            public boolean enabled() { return true; }
            public String publicBaseUrl() { return "http://127.0.0.1:1"; }
            public Duration checkEvery() { return Duration.ofSeconds(15); }
            public Duration pollEvery() { return POLL_EVERY; }
            public Duration unhealthyPollEvery() { return UNHEALTHY_POLL_EVERY; }
            public Duration silentAfter() { return SILENT_AFTER; }
        };
        return new SyncSettings() {
            public Retry retry() { return null; }
            public Worker worker() { return worker; }
            public Status status() { return null; }
            public Audit audit() { return null; }
            public RawRecords rawRecords() { return null; }
            public Push push() { return push; }
        };
    }
}

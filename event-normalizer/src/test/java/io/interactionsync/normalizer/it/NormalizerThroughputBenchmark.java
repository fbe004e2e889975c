package io.interactionsync.normalizer.it;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.RawRecordSeal;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.repository.EventRows;
import io.interactionsync.normalizer.service.IncomingRecord;
import io.interactionsync.normalizer.service.NormalizerService;
import io.interactionsync.testsupport.DataKeyServer;
import io.interactionsync.testsupport.DataKeyServerTestResource;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Write throughput of the normalizer against a plain PostgreSQL COPY of the same rows — a measurement, not a test:
 * its name matches neither *Tests nor *IT, so it only runs when asked for:
 * <pre>
 * mvn -B -pl event-normalizer verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=NormalizerThroughputBenchmark -Dbench.records=1000000 [-Dbench.batch=500] [-Dbench.users=1000] \
 *     [-Dbench.sealed=true]
 * </pre>
 * Generated Gmail raw records (as google-sync publishes them, serialized to bytes) go through
 * {@link NormalizerService#process} in batches of 2,000 (or {@code bench.batch}) — what the raw-records listener hands over: decode, schema
 * validation, parsing, rules, one transaction with the set-based upserts and the outbox rows; the outbox relay
 * publishes to Kafka concurrently. Kafka consumption itself is not part of it. Then the rows written are copied out
 * (untimed), deleted and vacuumed (untimed), and COPYed back into the same table with the same indexes (timed).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
@WithTestResource(DataKeyServerTestResource.class)
class NormalizerThroughputBenchmark {

    /** Records per process() call: the listener's max.poll.records (2,000 by default). */
    private static final int BATCH = Integer.getInteger("bench.batch", 2000);

    /** Concurrent batches: the listener's consumers per replica ({@code NORMALIZER_CONSUMERS}, 2 by default). */
    private static final int STREAMS = Integer.getInteger("bench.streams", 2);

    @Inject
    NormalizerService service;

    /**
     * {@code -Dbench.sealed=true}: every record sealed with its account's data key (as the sync services publish them;
     * 1,000 keys from test-support's DataKeyServer, fetched and cached by the normalizer like the connector's). The
     * sealing runs inline with the generation, as the generation does: SealingCostBenchmark separates the two sides.
     */
    private static final boolean SEALED = Boolean.getBoolean("bench.sealed");
    private static final java.util.Map<String, DataKeyServer.Issued> KEYS = new java.util.concurrent.ConcurrentHashMap<>();

    /** One generated record, serialized: plaintext, or sealed with {@code -Dbench.sealed=true}. */
    static byte[] benchRecord(String run, long i, int users) {
        if (!SEALED) {
            return record(run, i, users);
        }
        RawRecord r = envelope(run, i, users);
        DataKeyServer.Issued key = KEYS.computeIfAbsent(r.accountId(), a -> DataKeyServer.issue("account:" + a));
        try {
            return Json.mapper().writeValueAsBytes(RawRecordSeal.seal(r, key.kid(), RawRecordSeal.key(key.key())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One generated record: a mix of received mail (1–2 events), sent mail (3 events) and newsletters (1 event). */
    static byte[] record(String run, long i, int users) {
        try {
            return Json.mapper().writeValueAsBytes(envelope(run, i, users));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static RawRecord envelope(String run, long i, int users) {
        long u = i % users;
        String user = run + "-u" + u;
        String account = run + "-a" + u;
        String mailbox = "owner" + u + "@" + run + "-team.example";
        String contact = "Contact " + (i % 9973) + " <c" + (i % 9973) + "@client" + (i % 97) + ".example>";
        GmailFixtures.Message m = message(run + "-m" + i).thread(run + "-t" + (i / 3))
                .internalDate(String.valueOf(1_700_000_000_000L + i * 1_000L))
                .header("Subject", "Re: deal " + i).header("Message-ID", "<" + run + "." + i + "@mail.example.com>")
                .header("Date", "Tue, 14 Nov 2023 22:13:20 +0000");
        int kind = (int) (i % 10);
        if (kind < 6) {
            m.labels("INBOX", "UNREAD").from(contact).to("\"Owner, The\" <" + mailbox + ">");
            if (i % 3 == 0) {
                m.cc("\"Doe, Jane\" <jane" + (i % 501) + "@partner" + (i % 31) + ".example>");
            }
        } else if (kind < 9) {
            m.labels("SENT").from("Owner <" + mailbox + ">").to(contact + ", =?UTF-8?Q?J=C3=B6rg?= <jorg" + (i % 313)
                    + "@fund.example>").cc("lp" + (i % 89) + "@lp.example");
        } else {
            m.labels("INBOX", "CATEGORY_PROMOTIONS").from("News <newsletter@brand" + (i % 53) + ".example>")
                    .to(mailbox).header("List-Unsubscribe", "<mailto:u@brand.example>")
                    .header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click").header("Precedence", "bulk");
        }
        JsonNode payload = m.json();
        return GmailFixtures.envelope(RawRecord.Op.UPSERT, payload.get("id").asText(), payload, mailbox, account, user);
    }

    private static Connection jdbc() throws Exception {
        return DriverManager.getConnection(PostgresTestResource.jdbcUrl(PostgresTestResource.DATABASE),
                PostgresTestResource.user(), "");
    }

    /** CPU seconds used so far by all PostgreSQL server processes (utime + stime from /proc). */
    static double postgresCpuSeconds() {
        double ticks = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (!d.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String comm = Files.readString(d.resolve("comm")).strip();
                    if (!comm.startsWith("postgres")) {
                        continue;
                    }
                    String stat = Files.readString(d.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (Exception e) {
                    // the process ended meanwhile
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return ticks / 100.0; // USER_HZ
    }

    static double jvmCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    /** Pushes {@code n} generated records through {@link NormalizerService#process}, one stream per consumer. */
    private void push(String run, long n, int users) {
        AtomicLong progress = new AtomicLong();
        long wallStart = System.nanoTime();
        List<java.util.concurrent.CompletableFuture<Void>> streams = new ArrayList<>();
        for (int stream = 0; stream < STREAMS; stream++) {
            int me = stream;
            streams.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                long offset = 0;
                List<IncomingRecord> batch = new ArrayList<>(BATCH);
                for (long i = 0; i < n; i++) {
                    if ((i % users) % STREAMS != me) {
                        continue;
                    }
                    batch.add(new IncomingRecord(Topics.RAW_RECORDS, me, offset++, run + "-a" + (i % users),
                            benchRecord(run, i, users)));
                    if (batch.size() == BATCH || i == n - 1) {
                        service.process(batch).await().atMost(Duration.ofMinutes(5));
                        long done = progress.addAndGet(batch.size());
                        if (done % 100_000 < batch.size()) {
                            System.out.printf(Locale.ROOT, "BENCH progress %,d records, %.0f records/s%n", done,
                                    done / ((System.nanoTime() - wallStart) / 1e9));
                        }
                        batch = new ArrayList<>(BATCH);
                    }
                }
                if (!batch.isEmpty()) {
                    service.process(batch).await().atMost(Duration.ofMinutes(5));
                }
            }, Executors.newVirtualThreadPerTaskExecutor()));
        }
        streams.forEach(java.util.concurrent.CompletableFuture::join);
    }

    /** A user blocklist of 20 addresses and domains for each of the run's users (issue 17 item 2). */
    private static void blocklists(String run, int users) throws Exception {
        try (Connection c = jdbc(); Statement st = c.createStatement()) {
            st.execute("insert into normalizer.blocklists (scope, owner_id, entries) select 'user', '" + run
                    + "-u' || u, array(select case when j % 2 = 0 then 'nobody' || j || '@blocked.example' "
                    + "else '@blocked' || j || '.example' end from generate_series(1, 20) j) "
                    + "from generate_series(0, " + (users - 1) + ") u on conflict do nothing");
        }
    }

    private static void cleanUp(String run) throws Exception {
        try (Connection c = jdbc(); Statement st = c.createStatement()) {
            st.execute("delete from normalizer.blocklists where owner_id like '" + run + "-%'");
            st.execute("delete from normalizer.interaction_events where user_id like '" + run + "-%'");
            st.execute("delete from normalizer.record_versions where account_id like '" + run + "-%'");
            st.execute("delete from normalizer.owner_aliases where account_id like '" + run + "-%'");
        }
    }

    @Test
    void measureWriteThroughputAgainstCopy() throws Exception {
        long n = Long.getLong("bench.records", 1_000_000L);
        int users = Integer.getInteger("bench.users", 1000);
        String run = "bench" + Long.toString(System.nanoTime() % 1_000_000, 36);
        AtomicLong maxHeap = new AtomicLong();
        AtomicLong maxRss = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            maxHeap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
            maxRss.accumulateAndGet(rssKb(), Math::max);
        }, 0, 200, TimeUnit.MILLISECONDS);

        // -Dbench.blocklists=true: every user has a blocklist of 20 entries none of the records match, so each event
        // is checked against it (the lookup per batch and the matcher per event) and the event count stays the same
        boolean blocklists = Boolean.getBoolean("bench.blocklists");
        if (blocklists) {
            blocklists(run, users);
            blocklists(run + "w", users);
        }
        // 0. warm-up (JIT, caches, connections), not timed: a throughput benchmark measures the steady state
        long warmup = Long.getLong("bench.warmup", 20_000L);
        if (warmup > 0) {
            push(run + "w", warmup, users);
            cleanUp(run + "w");
        }

        // 1. the normalizer's write path: one stream per consumer (each its own accounts, as Kafka partitions give)
        double jvmCpu0 = jvmCpuSeconds(), pgCpu0 = postgresCpuSeconds();
        long wallStart = System.nanoTime();
        push(run, n, users);
        long inNormalizer = System.nanoTime() - wallStart;
        double jvmCpu = jvmCpuSeconds() - jvmCpu0, pgCpu = postgresCpuSeconds() - pgCpu0;
        long events = Db.count("select count(*) from normalizer.interaction_events where user_id like ?", run + "-%");
        long outboxDrainStart = System.nanoTime();
        // the relay publishing what was committed
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> Db.count("select count(*) from normalizer.outbox") == 0);
        long drain = System.nanoTime() - outboxDrainStart;
        sampler.shutdown();

        // 2. the same rows, COPY out (untimed), delete + vacuum (untimed), COPY in (timed)
        Path file = Files.createTempFile("normalizer-bench", ".copy");
        String columns = EventRows.COLUMNS + ", created_at, updated_at";
        long copyNanos;
        double copyPgCpu;
        try (Connection c = jdbc()) {
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                copy.copyOut("copy (select " + columns + " from normalizer.interaction_events where user_id like '"
                        + run + "-%') to stdout (format binary)", out);
            }
            try (Statement st = c.createStatement()) {
                st.execute("delete from normalizer.interaction_events where user_id like '" + run + "-%'");
                st.execute("vacuum analyze normalizer.interaction_events");
            }
            double copyPg0 = postgresCpuSeconds();
            long t0 = System.nanoTime();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
                copy.copyIn("copy normalizer.interaction_events (" + columns + ") from stdin (format binary)", in);
            }
            copyNanos = System.nanoTime() - t0;
            copyPgCpu = postgresCpuSeconds() - copyPg0;
        } finally {
            Files.deleteIfExists(file);
        }
        long copied = Db.count("select count(*) from normalizer.interaction_events where user_id like ?", run + "-%");

        double normalizerEps = events / (inNormalizer / 1e9);
        double copyRps = copied / (copyNanos / 1e9);
        System.out.printf(Locale.ROOT, """
                BENCH ================= NormalizerThroughputBenchmark =================
                BENCH raw records           %,d (%d users, batches of %d%s%s)
                BENCH events written        %,d (%.2f per record)
                BENCH normalizer            %.1f s wall (%d concurrent streams, each generating its records inline)
                BENCH normalizer            %,.0f records/s, %,.0f events/s
                BENCH outbox drained        %.1f s after the last commit (relay publishing to Kafka concurrently)
                BENCH plain COPY            %,d rows in %.1f s = %,.0f rows/s (same table, same indexes, binary)
                BENCH CPU during normalizer test JVM %.1f s (app, record generation, Kafka broker), PostgreSQL %.1f s
                BENCH CPU during COPY       PostgreSQL %.1f s
                BENCH ratio                 %.2f (normalizer events/s ÷ COPY rows/s)
                BENCH test JVM (app + Kafka broker + emulator): max heap used %,d MiB, max RSS %,d MiB (Xmx %,d MiB)
                """, n, users, BATCH, SEALED ? ", SEALED (AES-256-GCM, one data key per account)" : "", blocklists ? ", each user a 20-entry blocklist" : "", events, events / (double) n, inNormalizer / 1e9, STREAMS, n / (inNormalizer / 1e9),
                normalizerEps, drain / 1e9, copied, copyNanos / 1e9, copyRps, jvmCpu, pgCpu, copyPgCpu,
                normalizerEps / copyRps,
                maxHeap.get() >> 20, maxRss.get() >> 10, Runtime.getRuntime().maxMemory() >> 20);
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            System.out.printf("GC %s count %d time %.1f s%n", gc.getName(), gc.getCollectionCount(), gc.getCollectionTime() / 1e3);
        }
        System.out.printf("JIT total %.1f s%n", ManagementFactory.getCompilationMXBean().getTotalCompilationTime() / 1e3);
        var tmx = ManagementFactory.getThreadMXBean();
        java.util.Map<String, Double> byGroup = new java.util.TreeMap<>();
        for (long id : tmx.getAllThreadIds()) {
            var info = tmx.getThreadInfo(id);
            if (info == null) continue;
            String g = info.getThreadName().replaceAll("[-#]?\\d+$", "").replaceAll("\\d+", "N");
            byGroup.merge(g, tmx.getThreadCpuTime(id) / 1e9, Double::sum);
        }
        byGroup.entrySet().stream().sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed()).limit(25)
                .forEach(e -> System.out.printf("THREADCPU %-60s %6.1f s%n", e.getKey(), e.getValue()));
        cleanUp(run);
    }
}

package io.interactionsync.normalizer.it;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.repository.EventRows;
import io.interactionsync.normalizer.service.IncomingRecord;
import io.interactionsync.normalizer.service.NormalizerService;
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
 *     -Dit.test=NormalizerThroughputBenchmark -Dbench.records=1000000 [-Dbench.batch=500] [-Dbench.users=1000]
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
class NormalizerThroughputBenchmark {

    /** Records per process() call: the listener's max.poll.records (2,000 by default). */
    private static final int BATCH = Integer.getInteger("bench.batch", 2000);

    /** Concurrent batches: the listener's consumers per replica ({@code NORMALIZER_CONSUMERS}, 2 by default). */
    private static final int STREAMS = Integer.getInteger("bench.streams", 2);

    @Inject
    NormalizerService service;

    /** One generated record: a mix of received mail (1–2 events), sent mail (3 events) and newsletters (1 event). */
    static byte[] record(String run, long i, int users) {
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
        RawRecord r = GmailFixtures.envelope(RawRecord.Op.UPSERT, payload.get("id").asText(), payload, mailbox, account,
                user);
        try {
            return Json.mapper().writeValueAsBytes(r);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection jdbc() throws Exception {
        return DriverManager.getConnection(PostgresTestResource.jdbcUrl(PostgresTestResource.DATABASE),
                PostgresTestResource.user(), "");
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

        // 1. the normalizer's write path: one stream per consumer (each its own accounts, as Kafka partitions give)
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
                            record(run, i, users)));
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
        long inNormalizer = System.nanoTime() - wallStart;
        long events = Db.count("select count(*) from normalizer.interaction_events where user_id like ?", run + "-%");
        long outboxDrainStart = System.nanoTime();
        while (Db.count("select count(*) from normalizer.outbox") > 0
                && System.nanoTime() - outboxDrainStart < Duration.ofMinutes(10).toNanos()) {
            Thread.sleep(500); // waiting for the relay to publish what was committed; a measurement, not a test
        }
        long drain = System.nanoTime() - outboxDrainStart;
        sampler.shutdown();

        // 2. the same rows, COPY out (untimed), delete + vacuum (untimed), COPY in (timed)
        Path file = Files.createTempFile("normalizer-bench", ".copy");
        String columns = EventRows.COLUMNS + ", created_at, updated_at";
        long copyNanos;
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
            long t0 = System.nanoTime();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
                copy.copyIn("copy normalizer.interaction_events (" + columns + ") from stdin (format binary)", in);
            }
            copyNanos = System.nanoTime() - t0;
        } finally {
            Files.deleteIfExists(file);
        }
        long copied = Db.count("select count(*) from normalizer.interaction_events where user_id like ?", run + "-%");

        double normalizerEps = events / (inNormalizer / 1e9);
        double copyRps = copied / (copyNanos / 1e9);
        System.out.printf(Locale.ROOT, """
                BENCH ================= NormalizerThroughputBenchmark =================
                BENCH raw records           %,d (%d users, batches of %d)
                BENCH events written        %,d (%.2f per record)
                BENCH normalizer            %.1f s wall (%d concurrent streams, each generating its records inline)
                BENCH normalizer            %,.0f records/s, %,.0f events/s
                BENCH outbox drained        %.1f s after the last commit (relay publishing to Kafka concurrently)
                BENCH plain COPY            %,d rows in %.1f s = %,.0f rows/s (same table, same indexes, binary)
                BENCH ratio                 %.2f (normalizer events/s ÷ COPY rows/s)
                BENCH test JVM (app + Kafka broker + emulator): max heap used %,d MiB, max RSS %,d MiB (Xmx %,d MiB)
                """, n, users, BATCH, events, events / (double) n, inNormalizer / 1e9, STREAMS, n / (inNormalizer / 1e9),
                normalizerEps, drain / 1e9, copied, copyNanos / 1e9, copyRps, normalizerEps / copyRps,
                maxHeap.get() >> 20, maxRss.get() >> 10, Runtime.getRuntime().maxMemory() >> 20);
        try (Connection c = jdbc(); Statement st = c.createStatement()) {
            st.execute("delete from normalizer.interaction_events where user_id like '" + run + "-%'");
            st.execute("delete from normalizer.record_versions where account_id like '" + run + "-%'");
            st.execute("delete from normalizer.owner_aliases where account_id like '" + run + "-%'");
        }
    }
}

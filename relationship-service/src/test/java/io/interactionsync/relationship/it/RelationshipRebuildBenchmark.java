package io.interactionsync.relationship.it;

import io.interactionsync.testsupport.StateTopic;
import static io.interactionsync.relationship.it.Api.token;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.InteractionEvent.Classification;
import io.interactionsync.model.InteractionEvent.Direction;
import io.interactionsync.model.InteractionEvent.Kind;
import io.interactionsync.model.InteractionEvent.Role;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.Topics;
import io.interactionsync.relationship.service.RebuildService;
import io.interactionsync.relationship.support.Events;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Rebuild throughput against a bare consumer, scoring latency and memory — a measurement, not a test: its name matches
 * neither *Tests nor *IT, so it only runs when asked for:
 * <pre>
 * INTERACTION_SYNC_TEST_DB=it_rel mvn -B -pl relationship-service verify -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=RelationshipRebuildBenchmark -Dbench.events=1000000
 * </pre>
 * 1. produces {@code bench.events} InteractionEvents to interaction-events-state (20 users × 3,000 contacts, skewed:
 *    a few contacts get most of the mail; 40 % outbound, 40 % inbound with Cc and fan-out, 20 % meetings; two years)
 *    while the live consumer applies them (live ingest); 2. reads the topic with a bare KafkaConsumer (baseline);
 *    3. rebuilds from offset 0 into PostgreSQL (RebuildService, what POST /api/v1/admin/rebuild runs), with heap after
 *    GC and RSS at 100,000 records and at the end; 4. produce → API latency of single new events, p50/p95.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(StateTopic.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class RelationshipRebuildBenchmark {

    private static final int EVENTS = Integer.getInteger("bench.events", 1_000_000);
    private static final int USERS = Integer.getInteger("bench.users", 20);
    private static final int CONTACTS = Integer.getInteger("bench.contacts", 3_000);
    private static final int LATENCY_SAMPLES = Integer.getInteger("bench.latency-samples", 100);

    @Inject
    RebuildService rebuild;

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "BENCH " + format + "%n", args);
    }

    private static InteractionEvent event(Random random, Instant now, int n) {
        String user = "bench-u" + random.nextInt(USERS);
        double u = random.nextDouble();
        String contact = "c" + (int) (CONTACTS * u * u) + "@partner" + (n % 7) + ".example";
        Instant at = now.minus(Duration.ofMinutes(random.nextInt(2 * 365 * 24 * 60)));
        int kind = random.nextInt(10);
        if (kind < 2) {
            return Events.meeting(user, "acc-" + user, contact, at, 2 + random.nextInt(random.nextBoolean() ? 4 : 40));
        }
        boolean outbound = kind < 6;
        Role role = outbound ? (random.nextInt(5) == 0 ? Role.CC : Role.TO)
                : (random.nextInt(3) == 0 ? Role.CC : Role.FROM);
        Classification classification = random.nextInt(20) == 0 ? Classification.BULK : Classification.PERSON;
        return new InteractionEvent(InteractionEvent.SCHEMA_VERSION, UUID.randomUUID(), user, "acc-" + user,
                Provider.GOOGLE, Source.GMAIL, Kind.EMAIL, outbound ? Direction.OUTBOUND : Direction.INBOUND, contact,
                "Contact " + contact, role, at, "r" + n, "<m" + (n / 2) + "@bench.example>", "t" + (n / 6),
                user + "@acme.test", false, classification, classification == Classification.BULK, null, false,
                1 + random.nextInt(8), false);
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (java.io.IOException ignored) {
            // not Linux
        }
        return -1;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < io.interactionsync.model.Topics.STATE_TOPIC_PARTITIONS; p++) {
            partitions.add(new TopicPartition(Topics.INTERACTION_EVENTS_STATE, p));
        }
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new java.util.HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private static long lag(Admin admin) throws Exception {
        Map<TopicPartition, Long> end = endOffsets(admin);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("relationship-service")
                .partitionsToOffsetAndMetadata().get();
        long lag = 0;
        for (var e : end.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    @Test
    void rebuildThroughputLatencyAndMemory() throws Exception {
        String bootstrap = KafkaTestResource.bootstrapServers();
        Random random = new Random(22);
        Instant now = Instant.now();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             StateTopic topic = new StateTopic(bootstrap)) {
            // 1. produce while the live consumer applies
            long start = System.nanoTime();
            for (int n = 0; n < EVENTS; n++) {
                topic.publish(event(random, now, n));
            }
            topic.flush();
            double produced = (System.nanoTime() - start) / 1e9;
            log("produced %,d events in %.1f s (%,.0f/s)", EVENTS, produced, EVENTS / produced);
            await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofSeconds(1)).until(() -> lag(admin) == 0);
            double live = (System.nanoTime() - start) / 1e9;
            log("live consumer caught up %.1f s after the first send (%,.0f events/s end to end)", live,
                    EVENTS / live);

            // 2. bare consumer: the same topic from offset 0 to its end, values untouched
            Map<TopicPartition, Long> end = endOffsets(admin);
            start = System.nanoTime();
            long read = 0;
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer.assign(end.keySet());
                consumer.seekToBeginning(end.keySet());
                while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                    read += consumer.poll(Duration.ofMillis(500)).count();
                }
            }
            double bare = (System.nanoTime() - start) / 1e9;
            log("bare consumer: %,d records in %.1f s (%,.0f/s)", read, bare, read / bare);

            // 3. rebuild, with memory samples at 100,000 records and at the end
            AtomicReference<long[]> at100k = new AtomicReference<>();
            Thread sampler = Thread.ofVirtual().start(() -> {
                while (rebuild.progress() < 100_000 && !Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                at100k.set(new long[] {rebuild.progress(), heapAfterGc(), rss()});
            });
            RebuildService.Rebuilt done = rebuild.rebuild();
            sampler.interrupt();
            long[] atEnd = {done.records(), heapAfterGc(), rss()};
            double rebuilt = done.took().toMillis() / 1e3;
            log("rebuild: %,d records (%,d stored) in %.1f s (%,.0f/s) = %.2f× the bare consumer's time; of which "
                    + "ties computed at the end %.1f s", done.records(), done.stored(), rebuilt,
                    done.records() / rebuilt, rebuilt / bare, done.ties().toMillis() / 1e3);
            if (at100k.get() != null) {
                log("memory at %,d records: heap after GC %,d MiB, RSS %,d MiB", at100k.get()[0],
                        at100k.get()[1] >> 20, at100k.get()[2] >> 20);
            }
            log("memory at %,d records: heap after GC %,d MiB, RSS %,d MiB", atEnd[0], atEnd[1] >> 20, atEnd[2] >> 20);

            // 4. produce → API: one new email at a time, until the API shows it (the count; the strength may not
            //    move at one decimal once it is high)
            String user = "bench-u0";
            String contact = "latency@bench.example";
            String token = token(user);
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < LATENCY_SAMPLES; i++) {
                InteractionEvent e = i % 2 == 0
                        ? Events.sent(user, "acc-" + user, contact, Instant.now().minusSeconds(1), "<l" + i + ">")
                        : Events.received(user, "acc-" + user, contact, Instant.now().minusSeconds(1), "<l" + i + ">");
                long t0 = System.nanoTime();
                topic.publish(e);
                topic.flush();
                int expected = i + 1;
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
                    var r = given().auth().oauth2(token).get("/api/v1/relationships/{c}", contact);
                    return r.statusCode() == 200 && r.jsonPath().getInt("emailsSent")
                            + r.jsonPath().getInt("emailsReceived") == expected;
                });
                micros.add((System.nanoTime() - t0) / 1000);
            }
            Collections.sort(micros);
            log("produce → API latency over %d events: p50 %,d ms, p95 %,d ms, max %,d ms", micros.size(),
                    micros.get(micros.size() / 2) / 1000, micros.get((int) Math.ceil(micros.size() * 0.95) - 1) / 1000,
                    micros.getLast() / 1000);
        }
    }
}

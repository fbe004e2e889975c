package io.interactionsync.normalizer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Json;
import io.interactionsync.normalizer.service.DirectoryService;
import io.interactionsync.normalizer.service.IncomingRecord;
import io.interactionsync.normalizer.service.NormalizerService;
import io.interactionsync.testsupport.DataKeyServerTestResource;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 1: the final event set is a function of the mailboxes, not of the delivery order. The captured demo
 * records (a real backfill of the demo stack, {@code src/test/resources/captured}) are produced once to a topic of
 * their own, then normalised again and again from an empty database: in random orders, in random batches, on one to
 * three concurrent lanes (partitionings), with the account-events (directory, connected, shared-mailbox subscriptions)
 * arriving at random points, and with crash points — a committed batch delivered again, as after a kill between the
 * write and the offset commit. Once the re-derivation queue has drained, every run must give the same live events as
 * the canonical run (account-events first, topic order, one consumer) — list posts from people the user wrote to
 * included (R-C6/R-C7), which flipped between {@code list} and {@code bulk} before.
 */
@QuarkusTest
@TestProfile(OrderIndependenceIT.DrivenByTheTest.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
@WithTestResource(DataKeyServerTestResource.class)
class OrderIndependenceIT {

    static final String TOPIC = "raw-records-order-it";
    private static final int RUNS = Integer.getInteger("order.runs", 50);
    /** The first seed (to rerun one that failed: {@code -Dorder.first=47 -Dorder.runs=47}). */
    private static final int FIRST = Integer.getInteger("order.first", 1);
    private static final Duration CONVERGED = Duration.ofSeconds(60);

    /** The test delivers the records itself: the live consumers stay off; re-derivation reads the test's topic. */
    public static class DrivenByTheTest implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.incoming.raw-records.enabled", "false",
                    "mp.messaging.incoming.account-events.enabled", "false",
                    "mp.messaging.incoming.raw-records.topic", TOPIC,
                    "normalizer.rederive.poll-interval", "200ms");
        }
    }

    private static List<IncomingRecord> records;
    private static List<AccountEvent> accountEvents;

    @Inject
    NormalizerService normalizer;
    @Inject
    DirectoryService directory;

    @BeforeAll
    static void produceTheCapture() throws Exception {
        accountEvents = lines("/captured/account-events.jsonl").stream()
                .map(l -> read(l, AccountEvent.class)).toList();
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            if (kafka.recordCount(TOPIC) == 0) {
                for (String line : lines("/captured/raw-records.jsonl")) {
                    kafka.send(TOPIC, Json.mapper().readTree(line).path("accountId").asText(), line);
                }
            }
            List<IncomingRecord> read = new ArrayList<>();
            for (ConsumerRecord<String, String> r : kafka.readAll(TOPIC)) {
                read.add(new IncomingRecord(r.topic(), r.partition(), r.offset(), r.key(),
                        r.value().getBytes(StandardCharsets.UTF_8)));
            }
            read.sort(Comparator.comparingInt(IncomingRecord::partition).thenComparingLong(IncomingRecord::offset));
            records = List.copyOf(read);
        }
        assertThat(records).hasSize(lines("/captured/raw-records.jsonl").size());
    }

    @Test
    void theFinalEventSetIsTheSameWhateverTheOrderBatchingConcurrencyAndCrashes() throws Exception {
        List<String> canonical = run(null);
        assertThat(canonical).as("live events of the captured backfill").hasSizeGreaterThan(100);
        assertThat(canonical).as("list posts by people the user wrote to").anyMatch(e -> e.endsWith(" list"));
        assertThat(canonical).as("list posts by strangers").anyMatch(e -> e.contains(" from ") && e.endsWith(" bulk"));
        for (int seed = FIRST; seed <= RUNS; seed++) {
            List<String> again = run(new Random(seed));
            List<String> missing = new ArrayList<>(canonical);
            missing.removeAll(again);
            List<String> extra = new ArrayList<>(again);
            extra.removeAll(canonical);
            assertThat(missing).as("seed %d: events missing (or classified differently) against the canonical run; "
                    + "instead: %s", seed, extra).isEmpty();
            assertThat(extra).as("seed %d: events the canonical run does not have", seed).isEmpty();
        }
    }

    /**
     * R-B1 on the real path (issue 16): the captured Outlook records carry {@code parentFolderId} as the sync service
     * published them; normalised from Kafka into PostgreSQL, each own mailbox's Sent Items is recognised, the From of
     * its messages sent from another address becomes an owner alias, those messages are outbound and the alias is
     * never a contact of its owner.
     */
    @Test
    void outlookAliasesAreLearnedFromTheCapturedRecords() throws Exception {
        run(null);
        Map<String, String> mailboxByAccount = new LinkedHashMap<>();
        List<com.fasterxml.jackson.databind.JsonNode> aliasSent = new ArrayList<>();
        for (String line : lines("/captured/raw-records.jsonl")) {
            com.fasterxml.jackson.databind.JsonNode r = Json.mapper().readTree(line);
            if (!"outlook_mail".equals(r.path("source").asText()) || r.path("sharedMailbox").asBoolean()) {
                continue;
            }
            String mailbox = r.path("mailbox").asText().toLowerCase(java.util.Locale.ROOT);
            mailboxByAccount.put(r.path("accountId").asText(), mailbox);
            String from = r.path("payload").path("from").path("emailAddress").path("address").asText("")
                    .toLowerCase(java.util.Locale.ROOT);
            if ("upsert".equals(r.path("op").asText()) && !from.isEmpty() && !from.equals(mailbox)
                    && Db.count("select count(*) from normalizer.owner_aliases where account_id = ? and address = ?",
                    r.path("accountId").asText(), from) == 1) {
                aliasSent.add(r);
            }
        }
        assertThat(Db.count("select count(distinct account_id) from normalizer.mail_folders where account_id = any(?)",
                (Object) mailboxByAccount.keySet().toArray(String[]::new)))
                .as("own Outlook mailboxes whose folders were counted").isEqualTo(mailboxByAccount.size());
        assertThat(aliasSent).as("captured messages sent from a learned alias").isNotEmpty();
        for (com.fasterxml.jackson.databind.JsonNode r : aliasSent) {
            String user = r.path("userId").asText();
            String alias = r.path("payload").path("from").path("emailAddress").path("address").asText()
                    .toLowerCase(java.util.Locale.ROOT);
            assertThat(Db.rows("select distinct direction from normalizer.interaction_events where user_id = ? "
                    + "and remote_id = ? and not deleted", user, r.path("remoteId").asText()))
                    .as("events of %s sent from the alias", r.path("remoteId").asText())
                    .allSatisfy(row -> assertThat(row.get("direction")).isEqualTo("outbound"));
            assertThat(Db.count("select count(*) from normalizer.interaction_events where user_id = ? "
                    + "and lower(contact_email) = ?", user, alias)).as("%s as a contact of its owner", alias).isZero();
        }
    }

    /** One normalisation from an empty database; {@code random} null: the canonical order. */
    private List<String> run(Random random) throws Exception {
        reset();
        List<Delivery> plan = random == null ? canonicalPlan() : randomPlan(random);
        int lanes = random == null ? 1 : 1 + random.nextInt(3);
        // Records of one account stay on one lane (as on one partition); lanes run concurrently.
        List<List<Delivery>> byLane = new ArrayList<>();
        for (int i = 0; i < lanes; i++) {
            byLane.add(new ArrayList<>());
        }
        for (Delivery d : plan) {
            byLane.get(Math.floorMod(d.laneKey().hashCode(), lanes)).add(d);
        }
        ExecutorService pool = Executors.newFixedThreadPool(lanes);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<Delivery> lane : byLane) {
                done.add(pool.submit(() -> lane.forEach(this::deliver)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        await().atMost(CONVERGED).pollInterval(Duration.ofMillis(100))
                .until(() -> Db.count("select count(*) from normalizer.rederive_queue") == 0);
        return liveEvents();
    }

    private void deliver(Delivery d) {
        if (d.event() != null) {
            directory.apply(List.of(d.event())).await().atMost(Duration.ofSeconds(60));
        } else {
            normalizer.process(d.batch()).await().atMost(Duration.ofSeconds(60));
        }
    }

    /** Account-events first, then every record in topic order, in batches of up to 2,000 (the live consumer's). */
    private static List<Delivery> canonicalPlan() {
        List<Delivery> plan = new ArrayList<>();
        accountEvents.forEach(e -> plan.add(Delivery.of(e)));
        plan.add(Delivery.of(records));
        return plan;
    }

    /**
     * A random order of the records (each account's own order kept in half of the runs, fully shuffled in the others —
     * an older record after a newer one of the same resource is then skipped as stale), cut into batches of 1..60;
     * each account-event at a random point; one batch in five delivered twice (a crash after the commit, before the
     * offsets were committed).
     */
    private static List<Delivery> randomPlan(Random random) {
        List<IncomingRecord> order = new ArrayList<>(records);
        Collections.shuffle(order, random);
        if (random.nextBoolean()) {
            Map<String, List<IncomingRecord>> byAccount = new LinkedHashMap<>();
            records.forEach(r -> byAccount.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r));
            Map<String, Integer> next = new LinkedHashMap<>();
            List<IncomingRecord> kept = new ArrayList<>(order.size());
            for (IncomingRecord r : order) { // the shuffle decides which account goes next, each account's order stays
                int i = next.merge(r.key(), 1, Integer::sum) - 1;
                kept.add(byAccount.get(r.key()).get(i));
            }
            order = kept;
        }
        List<Delivery> plan = new ArrayList<>();
        for (int i = 0; i < order.size(); ) {
            int size = 1 + random.nextInt(60);
            List<IncomingRecord> batch = List.copyOf(order.subList(i, Math.min(order.size(), i + size)));
            i += batch.size();
            plan.add(Delivery.of(batch));
            if (random.nextInt(5) == 0) {
                plan.add(Delivery.of(batch));
            }
        }
        for (AccountEvent e : accountEvents) {
            plan.add(random.nextInt(plan.size() + 1), Delivery.of(e));
        }
        return plan;
    }

    /** A batch of records, or one account-event (applied on the lane of its account). */
    private record Delivery(List<IncomingRecord> batch, AccountEvent event) {
        static Delivery of(List<IncomingRecord> batch) {
            return new Delivery(batch, null);
        }

        static Delivery of(AccountEvent event) {
            return new Delivery(null, event);
        }

        String laneKey() {
            return event != null ? String.valueOf(event.accountId()) : String.valueOf(batch.get(0).key());
        }
    }

    /** The live events over the comparison columns (deleted rows are tombstones of an order, not the record). */
    private static List<String> liveEvents() {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> r : Db.rows("select user_id, source, remote_id, contact_email, role, kind, direction, "
                + "newsletter, classification from normalizer.interaction_events where not deleted")) {
            out.add(r.get("user_id") + " " + r.get("source") + " " + r.get("remote_id") + " " + r.get("contact_email")
                    + " " + r.get("role") + " " + r.get("kind") + " " + r.get("direction") + " " + r.get("newsletter")
                    + " " + r.get("classification"));
        }
        Collections.sort(out);
        return out;
    }

    private static void reset() {
        Db.update("truncate normalizer.interaction_events, normalizer.record_versions, normalizer.owner_aliases, "
                + "normalizer.mail_folders, normalizer.directory_collections, normalizer.shared_mailbox_subscribers, "
                + "normalizer.history_dependents, normalizer.rederive_queue, normalizer.dead_lettered_resources, "
                + "normalizer.outbox");
    }

    private static List<String> lines(String resource) throws Exception {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                OrderIndependenceIT.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
            return in.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

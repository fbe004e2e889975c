package io.interactionsync.normalizer.it;

import io.interactionsync.testsupport.StateTopic;
import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.CalendarFixtures;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.outbox.OutboxRelay;
import io.interactionsync.normalizer.repository.EventRows;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 22 item 1: {@code interaction-events-state} rebuilds the current set of InteractionEvents from offset 0. A
 * realistic mix goes through {@code raw-records} and {@code account-events} — mail in and out, a meeting, a retraction
 * (R-F2), a revival, a purge of one account, a blocklist change — then a new reader folds the state topic from the
 * beginning (last value per event id wins; a tombstone or {@code deleted=true} removes) and gets exactly the live rows
 * of {@code normalizer.interaction_events}, field by field. The topic is shared with every other test of this JVM
 * (and the table is cleaned when the app restarts), so both sides are taken for this test's users.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class StateTopicRebuildIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KafkaTestClient kafka;

    @Inject
    Pool pool;

    @BeforeAll
    static void connect() {
        StateTopic.ensure();
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    private record Who(String user, String account, String mailbox) {
        static Who fresh() {
            String n = UUID.randomUUID().toString().substring(0, 8);
            return new Who("user-" + n, "acc-" + n, "alice." + n + "@acme.test");
        }

        void receive(String id, String from) {
            send(RawRecord.Op.UPSERT, id, message(id).labels("INBOX").from(from).to(mailbox).cc("cc." + id + "@client.example").json());
        }

        void sent(String id, String to) {
            send(RawRecord.Op.UPSERT, id, message(id).labels("SENT").from(mailbox).to(to).json());
        }

        void delete(String id) {
            send(RawRecord.Op.DELETE, id, Json.mapper().createObjectNode().put("id", id));
        }

        void meeting(String id) {
            JsonNode payload = CalendarFixtures.json(CalendarFixtures.googleMeeting(id).toString()
                    .replace(GmailFixtures.MAILBOX, mailbox).replace('"', '\''));
            kafka.send(Topics.RAW_RECORDS, account, CalendarFixtures.record(Source.GOOGLE_CALENDAR, RawRecord.Op.UPSERT,
                    payload, mailbox, false, account, user));
        }

        private void send(RawRecord.Op op, String id, JsonNode payload) {
            kafka.send(Topics.RAW_RECORDS, account, GmailFixtures.envelope(op, id, payload, mailbox, account, user));
        }

        void connected() {
            kafka.send(Topics.ACCOUNT_EVENTS, account, AccountEvent.of(AccountEvent.Type.CONNECTED, account, user,
                    Provider.GOOGLE, mailbox, List.of(), List.of(), Instant.now()));
        }

        long live() {
            return Db.count("select count(*) from normalizer.interaction_events where user_id = ? and not deleted", user);
        }

        /** Live events of one message or meeting. */
        long remote(String remoteId) {
            return Db.count("select count(*) from normalizer.interaction_events where user_id = ? and remote_id = ? "
                    + "and not deleted", user, remoteId);
        }

        long rows(String contact) {
            return Db.count("select count(*) from normalizer.interaction_events where user_id = ? and contact_email = ?",
                    user, contact);
        }
    }

    @Test
    void aNewReaderRebuildsExactlyTheLiveEventsFromOffsetZero() {
        Who alice = Who.fresh();
        Who pat = Who.fresh(); // purged below
        alice.connected();
        pat.connected();
        alice.receive("m-1", "Bob Client <bob@client.example>");
        alice.receive("m-2", "carol@client.example");
        alice.receive("m-3", "dave@blocked.example");
        alice.receive("m-4", "erin@client.example");
        alice.sent("o-1", "Bob Client <bob@client.example>");
        alice.meeting("cal-1");
        pat.receive("p-1", "bob@client.example");
        pat.receive("p-2", "frank@client.example");
        await().atMost(WAIT).until(() -> alice.rows("bob@client.example") == 2 && alice.rows("erin@client.example") == 1
                && alice.remote("cal-1") > 0 && alice.remote("m-2") == 2 && alice.remote("m-3") == 2
                && pat.live() == 4);

        alice.delete("m-2"); // R-F2: a real deletion retracts the message's events
        alice.delete("m-4");
        await().atMost(WAIT).until(() -> alice.remote("m-2") == 0 && alice.remote("m-4") == 0);
        alice.receive("m-4", "erin@client.example"); // R-F2: restored from the trash: revived
        kafka.send(Topics.ACCOUNT_EVENTS, pat.account(), new AccountEvent(1, AccountEvent.Type.DISCONNECTED,
                pat.account(), pat.user(), Provider.GOOGLE, pat.mailbox(), null, null, null, true, null, Instant.now()));
        kafka.send(Topics.ACCOUNT_EVENTS, alice.user(), AccountEvent.blocklistChanged(new AccountEvent.Blocklist(
                AccountEvent.Blocklist.Scope.USER, alice.user(), List.of("@blocked.example")), Instant.now()));
        await().atMost(WAIT).until(() -> alice.remote("m-4") == 2 && alice.rows("dave@blocked.example") == 0
                && Db.count("select count(*) from normalizer.interaction_events where account_id = ?", pat.account()) == 0);

        Set<String> users = Set.of(alice.user(), pat.user());
        // the relay runs after each commit: wait until the topic has caught up with the table, then check everything
        await().atMost(WAIT).untilAsserted(() -> assertThat(rebuild(users).values()).as("rebuilt from offset 0")
                .containsExactlyInAnyOrderElementsOf(liveRows(users)));

        List<ConsumerRecord<String, String>> state = records(Topics.INTERACTION_EVENTS_STATE, users);
        Map<String, InteractionEvent> rebuilt = rebuild(users);
        assertThat(rebuilt.values()).extracting(InteractionEvent::accountId).doesNotContain(pat.account());
        assertThat(rebuilt.values()).extracting(InteractionEvent::contactEmail)
                .doesNotContain("dave@blocked.example", "carol@client.example").contains("erin@client.example");
        assertThat(state).as("the purged account's and the blocked contact's events were published, then deleted")
                .anyMatch(r -> r.value() != null && r.value().contains(pat.account()))
                .anyMatch(r -> r.value() != null && r.value().contains("dave@blocked.example"));

        // every deleted copy is followed by a tombstone; every event deleted now ends with one
        Map<String, ConsumerRecord<String, String>> last = new HashMap<>();
        for (int i = 0; i < state.size(); i++) {
            ConsumerRecord<String, String> r = state.get(i);
            last.put(r.key(), r);
            if (r.value() != null && event(r.value()).deleted()) {
                ConsumerRecord<String, String> next = nextWithKey(state, i, r.key());
                assertThat(next).as("the record after deleted %s", r.key()).isNotNull();
                assertThat(next.value()).as("tombstone after deleted %s", r.key()).isNull();
            }
        }
        Set<String> liveIds = rebuilt.keySet();
        last.forEach((id, r) -> assertThat(r.value() == null).as("last record of %s is a tombstone", id)
                .isEqualTo(!liveIds.contains(id)));
        assertThat(last.keySet()).as("ids on the topic").hasSizeGreaterThan(liveIds.size());

        // keys, headers, partitions, values: as the contract says
        int partitions = StateTopic.partitions();
        for (ConsumerRecord<String, String> r : state) {
            String user = header(r, OutboxRelay.USER_ID_HEADER);
            assertThat(users).contains(user);
            assertThat(r.partition()).as("partition of %s", r.key())
                    .isEqualTo(Utils.toPositive(Utils.murmur2(user.getBytes(StandardCharsets.UTF_8))) % partitions);
            if (r.value() != null) {
                JsonNode json = tree(r.value());
                assertThat(ContractSchemas.validate(ContractSchemas.Contract.INTERACTION_EVENT, json)).isEmpty();
                assertThat(json.get("id").asText()).isEqualTo(r.key());
                assertThat(json.get("userId").asText()).isEqualTo(user);
            }
        }
        // the same values in the same order per user as on the change stream (which has no tombstones)
        List<ConsumerRecord<String, String>> changes = records(Topics.INTERACTION_EVENTS, users);
        for (String user : users) {
            assertThat(state.stream().filter(r -> r.value() != null && user.equals(header(r, OutboxRelay.USER_ID_HEADER)))
                    .map(ConsumerRecord::value).toList())
                    .as("%s's values on both topics", user)
                    .containsExactlyElementsOf(changes.stream().filter(r -> user.equals(r.key()))
                            .map(ConsumerRecord::value).toList());
        }
    }

    /**
     * V18: live events written before the state topic existed are announced to it once, and only to it (outbox rows
     * with topic interaction-events-state). Run again here on rows that are already there: their values repeat
     * (at-least-once) on the state topic, nothing repeats on the change stream.
     */
    @Test
    void theSeedMigrationAnnouncesLiveEventsToTheStateTopicOnly() throws Exception {
        Who who = Who.fresh();
        who.receive("s-1", "jane@client.example");
        who.receive("s-2", "joe@client.example");
        who.delete("s-2");
        await().atMost(WAIT).until(() -> who.live() == 2 && who.remote("s-2") == 0);
        Set<String> users = Set.of(who.user());
        await().atMost(WAIT).until(() -> values(Topics.INTERACTION_EVENTS_STATE, users) == 6); // 4 live, 2 deleted
        long changes = values(Topics.INTERACTION_EVENTS, users);

        String seed;
        try (var in = getClass().getResourceAsStream("/db/migration/V18__seed_state_topic.sql")) {
            seed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Db.update(seed);
        await().atMost(WAIT).until(() -> values(Topics.INTERACTION_EVENTS_STATE, users) == 8); // + the 2 live ones
        assertThat(values(Topics.INTERACTION_EVENTS, users)).isEqualTo(changes);
        assertThat(rebuild(users).values()).containsExactlyInAnyOrderElementsOf(liveRows(users));
    }

    private static long values(String topic, Set<String> users) {
        return records(topic, users).stream().filter(r -> r.value() != null).count();
    }

    /** Last value wins per event id, in each partition's order; a tombstone or a deleted event removes it. */
    private static Map<String, InteractionEvent> rebuild(Set<String> users) {
        Map<String, InteractionEvent> current = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> r : records(Topics.INTERACTION_EVENTS_STATE, users)) {
            InteractionEvent e = r.value() == null ? null : event(r.value());
            if (e == null || e.deleted()) {
                current.remove(r.key());
            } else {
                current.put(r.key(), e);
            }
        }
        return current;
    }

    /** The topic's records of these users, every partition read to its end (per partition in offset order). */
    private static List<ConsumerRecord<String, String>> records(String topic, Set<String> users) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : kafka.readAll(topic)) {
            String user = Topics.INTERACTION_EVENTS.equals(topic) ? r.key() : header(r, OutboxRelay.USER_ID_HEADER);
            if (users.contains(user)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The table's live rows of these users, as the service reads them. */
    private List<InteractionEvent> liveRows(Set<String> users) {
        List<InteractionEvent> out = new ArrayList<>();
        for (Row row : pool.preparedQuery("select * from normalizer.interaction_events where user_id = any($1) "
                + "and not deleted").execute(Tuple.of((Object) users.toArray(String[]::new))).await().atMost(WAIT)) {
            out.add(EventRows.fromRow(row));
        }
        return out;
    }

    private static ConsumerRecord<String, String> nextWithKey(List<ConsumerRecord<String, String>> records, int after,
                                                              String key) {
        for (int i = after + 1; i < records.size(); i++) {
            if (key.equals(records.get(i).key())) {
                return records.get(i);
            }
        }
        return null;
    }

    static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static InteractionEvent event(String json) {
        try {
            return Json.mapper().readValue(json, InteractionEvent.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

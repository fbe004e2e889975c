package io.interactionsync.normalizer.it;

import io.interactionsync.testsupport.StateTopic;
import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.outbox.OutboxRelay;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.logging.Log;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Compaction really removes erased data: after a purge, the broker's log cleaner drops every value of the purged
 * account from {@code interaction-events-state} (its events' tombstones are the last records of their keys), while
 * the user's other account stays. As deployed this takes up to {@code max.compaction.lag.ms} (a day); here the topic
 * is set to roll segments after 100 ms and to be cleanable at once, then put back as deployed.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class StateTopicCompactionIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theCleanerRemovesAPurgedAccountsEventsFromTheStateTopic() {
        StateTopic.ensure();
        String n = UUID.randomUUID().toString().substring(0, 8);
        String user = "user-" + n, mailbox = "pat." + n + "@acme.test";
        String purged = "acc-purged-" + n, kept = "acc-kept-" + n;
        Map<String, String> fast = new HashMap<>(Topics.STATE_TOPIC_CONFIG);
        fast.put("segment.ms", "100"); // the active segment is never cleaned: roll it at the next append
        fast.put("max.compaction.lag.ms", "100"); // cleanable at once, whatever the dirty ratio
        fast.put("delete.retention.ms", "0");
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            StateTopic.ensure(fast);
            for (int i = 0; i < 3; i++) {
                receive(kafka, purged, user, mailbox, "p-" + i, "client" + i + "@client.example");
            }
            receive(kafka, kept, user, mailbox, "k-0", "kept@client.example");
            await().atMost(WAIT).until(() -> live(purged) == 3 && live(kept) == 1);
            kafka.send(Topics.ACCOUNT_EVENTS, purged, new AccountEvent(1, AccountEvent.Type.DISCONNECTED, purged, user,
                    Provider.GOOGLE, mailbox, null, null, null, true, null, Instant.now()));
            await().atMost(WAIT).until(() -> values(kafka, user).stream()
                    .filter(r -> r.value() != null && r.value().contains(purged)).count() == 6); // live + deleted copies

            long started = System.nanoTime();
            AtomicInteger rolls = new AtomicInteger();
            // each poll appends one more event of the user (same partition), rolling the segment holding the purge
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                receive(kafka, kept, user, mailbox, "roll-" + rolls.incrementAndGet(), "kept@client.example");
                return values(kafka, user).stream().noneMatch(r -> r.value() != null && r.value().contains(purged));
            });
            Log.infof("state topic: the purged account's values compacted away %d s after the purge was published",
                    Duration.ofNanos(System.nanoTime() - started).toSeconds());
            assertThat(values(kafka, user)).as("the kept account's event is still there")
                    .anyMatch(r -> r.value() != null && r.value().contains("\"remoteId\":\"k-0\""));
        } finally {
            StateTopic.ensure(); // as deployed again
        }
    }

    private static List<ConsumerRecord<String, String>> values(KafkaTestClient kafka, String user) {
        return kafka.readAll(Topics.INTERACTION_EVENTS_STATE).stream()
                .filter(r -> user.equals(StateTopicRebuildIT.header(r, OutboxRelay.USER_ID_HEADER))).toList();
    }

    private static long live(String account) {
        return Db.count("select count(*) from normalizer.interaction_events where account_id = ? and not deleted", account);
    }

    private static void receive(KafkaTestClient kafka, String account, String user, String mailbox, String id,
                                String from) {
        kafka.send(Topics.RAW_RECORDS, account, GmailFixtures.envelope(RawRecord.Op.UPSERT, id,
                message(id).labels("INBOX").from(from).to(mailbox).json(), mailbox, account, user));
    }
}

package io.interactionsync.normalizer.it;

import io.interactionsync.testsupport.StateTopic;
import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.example.InteractionEventsView;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The example consumer ({@link InteractionEventsView}) converges to the table: it rebuilds what was published before
 * it started, then follows live changes — a new message, a deletion (R-F2), a purge — on the same topic.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class ExampleConsumerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theExampleConsumerRebuildsThenFollowsTheTable() {
        StateTopic.ensure();
        String n = UUID.randomUUID().toString().substring(0, 8);
        String user = "user-" + n, mailbox = "alice." + n + "@acme.test";
        String work = "acc-w-" + n, old = "acc-o-" + n;
        try (KafkaTestClient kafka = KafkaTestClient.connect();
             InteractionEventsView view = new InteractionEventsView(KafkaTestResource.bootstrapServers(),
                     "example-" + n)) {
            receive(kafka, work, user, mailbox, "x-1", "bob@client.example");
            receive(kafka, work, user, mailbox, "x-2", "carol@client.example");
            receive(kafka, old, user, mailbox, "x-3", "dave@client.example");
            await().atMost(WAIT).until(() -> liveIds(user).size() == 3);
            awaitConverged(view, user); // rebuilt from offset 0

            receive(kafka, work, user, mailbox, "x-4", "erin@client.example");
            kafka.send(Topics.RAW_RECORDS, work, GmailFixtures.envelope(RawRecord.Op.DELETE, "x-2",
                    Json.mapper().createObjectNode().put("id", "x-2"), mailbox, work, user));
            kafka.send(Topics.ACCOUNT_EVENTS, old, new AccountEvent(1, AccountEvent.Type.DISCONNECTED, old, user,
                    Provider.GOOGLE, mailbox, null, null, null, true, null, Instant.now()));
            await().atMost(WAIT).until(() -> liveIds(user).size() == 2);
            awaitConverged(view, user); // live: a new event in, a deleted and a purged one out
            assertThat(view.events().values().stream().filter(e -> user.equals(e.userId()))
                    .map(InteractionEvent::contactEmail)).containsExactlyInAnyOrder("bob@client.example", "erin@client.example");
            assertThat(view.rejected()).isZero();
        }
    }

    private static void awaitConverged(InteractionEventsView view, String user) {
        await().atMost(WAIT).untilAsserted(() -> {
            view.poll(Duration.ofMillis(200));
            assertThat(view.events().values().stream().filter(e -> user.equals(e.userId()))
                    .map(e -> e.id().toString()).collect(Collectors.toSet())).isEqualTo(liveIds(user));
        });
    }

    private static Set<String> liveIds(String user) {
        return Db.rows("select id::text as id from normalizer.interaction_events where user_id = ? and not deleted", user)
                .stream().map(r -> (String) r.get("id")).collect(Collectors.toSet());
    }

    private static void receive(KafkaTestClient kafka, String account, String user, String mailbox, String id,
                                String from) {
        kafka.send(Topics.RAW_RECORDS, account, GmailFixtures.envelope(RawRecord.Op.UPSERT, id,
                message(id).labels("INBOX").from(from).to(mailbox).json(), mailbox, account, user));
    }
}

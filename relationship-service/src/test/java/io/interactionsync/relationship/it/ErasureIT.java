package io.interactionsync.relationship.it;

import io.interactionsync.testsupport.StateTopic;
import static io.interactionsync.relationship.support.Events.meeting;
import static io.interactionsync.relationship.support.Events.received;
import static io.interactionsync.relationship.support.Events.sent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.model.AccountEvent.Blocklist.Scope;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Erasure and blocklists from account-events: contributions leave every score at once and never come back. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(StateTopic.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class ErasureIT {

    private static final StateTopic TOPIC = new StateTopic();
    private static final KafkaTestClient KAFKA = KafkaTestClient.connect();
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @AfterAll
    static void close() {
        TOPIC.close();
        KAFKA.close();
    }

    @Test
    void aPurgeRemovesTheAccountsContributionWithoutWaitingForDeletions() {
        String user = "purge-" + UUID.randomUUID();
        String kept = "acc1-" + user, purged = "acc2-" + user;
        Api.connected(KAFKA, kept, user, user + "@acme.test");
        Api.connected(KAFKA, purged, user, user + "@other.test");
        Instant now = Instant.now().minusSeconds(60);
        for (int i = 0; i < 3; i++) {
            TOPIC.publish(sent(user, kept, "xena@example.com", now, "<o" + i + user + ">"));
            TOPIC.publish(received(user, kept, "xena@example.com", now, "<i" + i + user + ">"));
        }
        TOPIC.publish(meeting(user, purged, "xena@example.com", now, 2));
        TOPIC.publish(received(user, purged, "yuri@example.com", now, "<y" + user + ">"));
        TOPIC.flush();
        // E = 3, M = 3 → 100·(1 − e^(−6/8)) = 52.76
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(Api.strength(user, "xena@example.com")).isEqualTo(52.8);
            assertThat(Api.strength(user, "yuri@example.com")).isEqualTo(1.2);
        });

        Api.purged(KAFKA, purged, user);
        // the meeting leaves: E = 3 → 31.27; yuri was known through the purged account only
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(Api.strength(user, "xena@example.com")).isEqualTo(31.3);
            assertThat(Api.strength(user, "yuri@example.com")).isEqualTo(-1);
        });
        // a late record of the purged account never comes back (the kept account's later one proves it was read)
        TOPIC.publish(received(user, purged, "zack@example.com", now, "<late" + user + ">"));
        TOPIC.publish(received(user, kept, "wade@example.com", now, "<w" + user + ">"));
        TOPIC.flush();
        await().atMost(WITHIN).untilAsserted(() -> assertThat(Api.strength(user, "wade@example.com")).isPositive());
        assertThat(Api.strength(user, "zack@example.com")).isEqualTo(-1);
    }

    @Test
    void aUsersBlocklistRemovesContactsAndKeepsThemOut() {
        String user = "block-" + UUID.randomUUID();
        String account = "acc-" + user;
        Api.connected(KAFKA, account, user, user + "@acme.test");
        Instant now = Instant.now().minusSeconds(60);
        for (String contact : List.of("spam@x.com", "a@blocked.com", "b@sub.blocked.com", "ok@notblocked.com")) {
            TOPIC.publish(received(user, account, contact, now, "<" + contact + user + ">"));
        }
        TOPIC.flush();
        await().atMost(WITHIN).untilAsserted(() -> assertThat(Api.strength(user, "b@sub.blocked.com")).isPositive());

        Api.blocklist(KAFKA, Scope.USER, user, List.of("spam@x.com", "@blocked.com"));
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(Api.strength(user, "spam@x.com")).isEqualTo(-1);
            assertThat(Api.strength(user, "a@blocked.com")).isEqualTo(-1);
            assertThat(Api.strength(user, "b@sub.blocked.com")).isEqualTo(-1);
        });
        assertThat(Api.strength(user, "ok@notblocked.com")).isPositive();

        TOPIC.publish(received(user, account, "c@deep.sub.blocked.com", now, "<c" + user + ">"));
        TOPIC.publish(received(user, account, "later@notblocked.com", now, "<l" + user + ">"));
        TOPIC.flush();
        await().atMost(WITHIN).untilAsserted(() ->
                assertThat(Api.strength(user, "later@notblocked.com")).isPositive());
        assertThat(Api.strength(user, "c@deep.sub.blocked.com")).isEqualTo(-1);
    }

    @Test
    void aCollectionsBlocklistAppliesToEveryMember() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String m1 = "m1-" + run, m2 = "m2-" + run, outsider = "out-" + run, collection = "col-" + run;
        for (String u : List.of(m1, m2, outsider)) {
            Api.connected(KAFKA, "acc-" + u, u, u + "@acme.test");
        }
        Api.directory(KAFKA, collection, List.of(m1 + "@acme.test", m2 + "@acme.test"));
        Instant now = Instant.now().minusSeconds(60);
        for (String u : List.of(m1, m2, outsider)) {
            TOPIC.publish(received(u, "acc-" + u, "eve@corp.example", now, "<e" + u + ">"));
        }
        TOPIC.flush();
        await().atMost(WITHIN).untilAsserted(() -> assertThat(Api.strength(outsider, "eve@corp.example")).isPositive());

        Api.blocklist(KAFKA, Scope.COLLECTION, collection, List.of("@corp.example"));
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(Api.strength(m1, "eve@corp.example")).isEqualTo(-1);
            assertThat(Api.strength(m2, "eve@corp.example")).isEqualTo(-1);
        });
        assertThat(Api.strength(outsider, "eve@corp.example")).isPositive();
        // and for later events of members
        TOPIC.publish(received(m1, "acc-" + m1, "fred@corp.example", now, "<f" + m1 + ">"));
        TOPIC.publish(received(m1, "acc-" + m1, "fine@example.org", now, "<g" + m1 + ">"));
        TOPIC.flush();
        await().atMost(WITHIN).untilAsserted(() -> assertThat(Api.strength(m1, "fine@example.org")).isPositive());
        assertThat(Api.strength(m1, "fred@corp.example")).isEqualTo(-1);
    }
}

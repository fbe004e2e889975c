package io.interactionsync.normalizer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.CalendarFixtures;
import io.interactionsync.normalizer.fixtures.GraphMailFixtures;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shared mailboxes follow access (issue 17 item 5): a subscription that is access_denied or suspended gets no new
 * events from then on (its past ones stay), active resumes it (and creates a subscription this service lacks).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class SharedMailboxAccessIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KafkaTestClient kafka;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    private record Who(String user, String account, String mailbox) {
        static Who fresh(String name) {
            String n = UUID.randomUUID().toString().substring(0, 8);
            return new Who("user-" + name + "-" + n, "acc-" + name + "-" + n, name + "." + n + "@acme.test");
        }

        void announce(AccountEvent.Type type, String shared) {
            kafka.send(Topics.ACCOUNT_EVENTS, account, new AccountEvent(1, type, account, user, Provider.MICROSOFT,
                    mailbox, null, null, shared, null, null, Instant.now()));
        }

        void access(String shared, AccountEvent.SharedMailboxState state) {
            kafka.send(Topics.ACCOUNT_EVENTS, account, AccountEvent.sharedMailboxAccessChanged(account, user,
                    Provider.MICROSOFT, mailbox, shared, state, Instant.now()));
        }

        long live(String remoteId) {
            return Db.count("select count(*) from normalizer.interaction_events where user_id = ? and remote_id = ? "
                    + "and not deleted", user, remoteId);
        }
    }

    /** A message of the shared mailbox, read with {@code reader}'s token. */
    private static void read(Who reader, String shared, String id) {
        var msg = GraphMailFixtures.add(GraphMailFixtures.from(GraphMailFixtures.message(id), "founder@startup.example",
                "Fay"), "toRecipients", shared, "Deal Flow");
        kafka.send(Topics.RAW_RECORDS, reader.account(), CalendarFixtures.record(Source.OUTLOOK_MAIL, RawRecord.Op.UPSERT,
                msg, shared, true, reader.account(), reader.user()));
    }

    private static void awaitState(Who who, String shared, String state) {
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.shared_mailbox_subscribers "
                + "where address = ? and account_id = ? and state = ?", shared, who.account(), state) == 1);
    }

    @Test
    void aDeniedOrSuspendedSubscriptionStopsAttributionFromThenOnAndActiveResumesIt() {
        Who alice = Who.fresh("alice");
        Who bob = Who.fresh("bob");
        String shared = "dealflow." + UUID.randomUUID().toString().substring(0, 8) + "@acme.test";
        alice.announce(AccountEvent.Type.SHARED_MAILBOX_ADDED, shared);
        bob.announce(AccountEvent.Type.SHARED_MAILBOX_ADDED, shared);
        awaitState(alice, shared, "active");
        awaitState(bob, shared, "active");

        read(alice, shared, "s-1");
        await().atMost(WAIT).until(() -> alice.live("s-1") == 1 && bob.live("s-1") == 1);

        bob.access(shared, AccountEvent.SharedMailboxState.ACCESS_DENIED);
        awaitState(bob, shared, "access_denied");
        read(alice, shared, "s-2");
        await().atMost(WAIT).until(() -> alice.live("s-2") == 1);
        assertThat(bob.live("s-2")).as("no attribution while access is denied").isZero();
        assertThat(bob.live("s-1")).as("past events stay").isEqualTo(1);

        bob.access(shared, AccountEvent.SharedMailboxState.ACTIVE);
        awaitState(bob, shared, "active");
        read(alice, shared, "s-3");
        await().atMost(WAIT).until(() -> alice.live("s-3") == 1 && bob.live("s-3") == 1);

        bob.access(shared, AccountEvent.SharedMailboxState.SUSPENDED); // bob's account needs re-authorization
        awaitState(bob, shared, "suspended");
        read(alice, shared, "s-4");
        await().atMost(WAIT).until(() -> alice.live("s-4") == 1);
        assertThat(bob.live("s-4")).isZero();

        // removal still retracts his past events from that mailbox
        bob.announce(AccountEvent.Type.SHARED_MAILBOX_REMOVED, shared);
        await().atMost(WAIT).until(() -> bob.live("s-1") + bob.live("s-3") == 0);
        assertThat(alice.live("s-1") + alice.live("s-3")).isEqualTo(2);
    }

    @Test
    void anActiveStateCreatesASubscriptionThisServiceLacksAndASuspendedOneNever() {
        Who alice = Who.fresh("alice");
        Who bob = Who.fresh("bob");
        Who carol = Who.fresh("carol");
        String shared = "board." + UUID.randomUUID().toString().substring(0, 8) + "@acme.test";
        alice.announce(AccountEvent.Type.SHARED_MAILBOX_ADDED, shared);
        awaitState(alice, shared, "active");

        // bob's shared_mailbox_added never reached this service; the connector's active state repairs it
        bob.access(shared, AccountEvent.SharedMailboxState.ACTIVE);
        carol.access(shared, AccountEvent.SharedMailboxState.SUSPENDED); // no subscription of carol's is invented
        awaitState(bob, shared, "active");
        read(alice, shared, "r-1");
        await().atMost(WAIT).until(() -> alice.live("r-1") == 1 && bob.live("r-1") == 1);
        assertThat(carol.live("r-1")).isZero();
        assertThat(Db.count("select count(*) from normalizer.shared_mailbox_subscribers where account_id = ?",
                carol.account())).isZero();
    }
}

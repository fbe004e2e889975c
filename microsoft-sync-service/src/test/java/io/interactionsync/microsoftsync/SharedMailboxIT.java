package io.interactionsync.microsoftsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.repository.MailCursorRepository;
import io.interactionsync.microsoftsync.repository.PublishedMessageRepository;
import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.testsupport.TopicReader;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Shared mailboxes announced on account-events: every synced folder read once for all subscribers, moves told from
 * deletes as in an own mailbox, 403 → access_denied for that mailbox.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class SharedMailboxIT {

    private static final Duration WAIT = Duration.ofSeconds(60);


    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    SharedMailboxRepository sharedMailboxes;

    @Inject
    MailCursorRepository cursors;

    @Inject
    PublishedMessageRepository published;

    @Test
    void shouldReadASharedMailboxOnceForTwoSubscribersAndReportAccessDeniedForAThirdWithoutStoppingItsOwnMail() {
        String shared = "deals-" + UUID.randomUUID().toString().substring(0, 6) + "@contoso.test";
        Set<String> sharedIds = Outlook.sharedMailbox(emulator, shared, 9);
        Outlook alice = Outlook.standard(2, 1).fullAccessTo(shared).load(emulator);
        Outlook bob = Outlook.standard(1, 1).fullAccessTo(shared).load(emulator);
        Outlook carol = Outlook.standard(3, 0).load(emulator); // subscribed, but the mailbox denies her
        String a = FakeConnectorResource.register(alice.upn);
        String b = FakeConnectorResource.register(bob.upn);
        String c = FakeConnectorResource.register(carol.upn);

        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            for (String account : List.of(a, b, c)) {
                kafka.send(Topics.ACCOUNT_EVENTS, account, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                        AccountEvent.Type.SHARED_MAILBOX_ADDED, account, FakeConnectorResource.userId(account),
                        Provider.MICROSOFT, null, null, null, shared.toUpperCase(), null, null, Instant.now()));
            }
            await().atMost(WAIT).until(() -> sharedMailboxes.subscribers(shared).size() == 3);

            syncAndAwait(kafka, a);
            syncAndAwait(kafka, b);
            syncAndAwait(kafka, c);
        }

        List<JsonNode> sharedRecords = new ArrayList<>();
        Stream.of(a, b).forEach(acc -> TopicReader.rawRecords(acc).stream()
                .filter(r -> r.path("mailbox").asText().equals(shared)).forEach(sharedRecords::add));
        List<String> ids = sharedRecords.stream().map(r -> r.get("remoteId").asText()).toList();
        assertThat(ids).as("fetched once for both subscribers").doesNotHaveDuplicates();
        assertThat(Set.copyOf(ids)).isEqualTo(sharedIds);
        assertThat(sharedRecords).allSatisfy(r -> {
            assertThat(r.get("sharedMailbox").asBoolean()).isTrue();
            assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty();
        });
        // As published: sealed, the shared mailbox's records with the mailbox's key (it outlives one subscriber's
        // purge), each subscriber's own with its account's key; no address in clear.
        String mailboxKid = io.interactionsync.testsupport.DataKeyStore.issue("mailbox:" + shared).kid();
        for (String acc : List.of(a, b)) {
            String accountKid = io.interactionsync.testsupport.DataKeyStore.issue("account:" + acc).kid();
            assertThat(TopicReader.valuesWithKey(Topics.RAW_RECORDS, acc)).allSatisfy(r -> {
                assertThat(r.path("sealed").path("kid").asText())
                        .isEqualTo(r.get("sharedMailbox").asBoolean() ? mailboxKid : accountKid);
                assertThat(r.has("mailbox") || r.has("payload")).isFalse();
                assertThat(r.toString()).doesNotContain(shared);
            });
        }
        String sharedInbox = Outlook.folderId(emulator, "/_emulator/microsoft/shared-mailboxes/" + shared, "Inbox");
        assertThat(cursors.load("", shared, sharedInbox)).as("one cursor per shared mailbox and folder").isPresent();

        // Carol: her own mail is synced, the shared mailbox is access_denied (and nothing of it is published for her).
        List<JsonNode> carols = TopicReader.rawRecords(c);
        assertThat(carols.stream().map(r -> r.get("remoteId").asText()).toList())
                .containsExactlyInAnyOrderElementsOf(carol.expectedIds());
        List<JsonNode> status = TopicReader.valuesWithKey(Topics.SYNC_STATUS, c);
        assertThat(status).anySatisfy(s -> {
            assertThat(s.path("mailbox").asText()).isEqualTo(shared);
            assertThat(s.get("state").asText()).isEqualTo("access_denied");
            assertThat(s.get("lastError").asText()).startsWith("access_denied");
        });
        assertThat(status).anySatisfy(s -> {
            assertThat(s.path("mailbox").isNull() || s.path("mailbox").isMissingNode()).as("own mailbox").isTrue();
            assertThat(s.get("state").asText()).isEqualTo("synced");
        });
        assertThat(jobs.state(c)).contains("done");
    }

    @Test
    void shouldFinishBothJobsWhenTwoSubscribersSyncAtOnceOnOneReplica() {
        String shared = "ops-" + UUID.randomUUID().toString().substring(0, 6) + "@contoso.test";
        Set<String> sharedIds = Outlook.sharedMailbox(emulator, shared, 40);
        Outlook dana = Outlook.standard(30, 5).fullAccessTo(shared).load(emulator);
        Outlook eve = Outlook.standard(30, 5).fullAccessTo(shared).load(emulator);
        String d = FakeConnectorResource.register(dana.upn);
        String e = FakeConnectorResource.register(eve.upn);

        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            for (String account : List.of(d, e)) {
                kafka.send(Topics.ACCOUNT_EVENTS, account, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                        AccountEvent.Type.SHARED_MAILBOX_ADDED, account, FakeConnectorResource.userId(account),
                        Provider.MICROSOFT, null, null, null, shared, null, null, Instant.now()));
            }
            await().atMost(WAIT).until(() -> sharedMailboxes.subscribers(shared).size() == 2);
            for (String account : List.of(d, e)) {
                kafka.send(Topics.SYNC_REQUESTS, account, SyncRequest.of(account, Provider.MICROSOFT,
                        List.of(Source.OUTLOOK_MAIL), SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, Instant.now()));
            }
            // Both jobs run concurrently on this one replica; neither may be left waiting for a lease to expire.
            await().atMost(WAIT).failFast(() -> Stream.of(d, e).anyMatch(acc -> jobs.state(acc).filter("failed"::equals).isPresent()))
                    .until(() -> Stream.of(d, e).allMatch(acc -> jobs.state(acc).filter("done"::equals).isPresent()));
        }
        List<String> ids = Stream.of(d, e).flatMap(acc -> TopicReader.rawRecords(acc).stream())
                .filter(r -> r.path("mailbox").asText().equals(shared)).map(r -> r.get("remoteId").asText()).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(Set.copyOf(ids)).isEqualTo(sharedIds);
    }

    @Test
    void shouldReadEverySyncedFolderOfASharedMailboxAndTellMovesFromDeletes() {
        String shared = "clients-" + UUID.randomUUID().toString().substring(0, 6) + "@contoso.test";
        String path = "/_emulator/microsoft/shared-mailboxes/" + shared;
        Set<String> sharedIds = Outlook.sharedMailbox(emulator, shared, 12, "inbox", "archive", "Partners", "Inbox/Leads");
        Outlook frank = Outlook.standard(1, 0).fullAccessTo(shared).load(emulator);
        Outlook grace = Outlook.standard(1, 0).fullAccessTo(shared).load(emulator);
        String f = FakeConnectorResource.register(frank.upn);
        String g = FakeConnectorResource.register(grace.upn);
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            for (String account : List.of(f, g)) {
                kafka.send(Topics.ACCOUNT_EVENTS, account, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                        AccountEvent.Type.SHARED_MAILBOX_ADDED, account, FakeConnectorResource.userId(account),
                        Provider.MICROSOFT, null, null, null, shared, null, null, Instant.now()));
            }
            await().atMost(WAIT).until(() -> sharedMailboxes.subscribers(shared).size() == 2);
            syncAndAwait(kafka, f);

            assertThat(sharedRecords(f, shared)).extracting(r -> r.get("remoteId").asText()).containsExactlyInAnyOrderElementsOf(sharedIds);
            List<String> ids = List.copyOf(sharedIds);
            Outlook.move(emulator, path, ids.get(0), "archive");       // filed: not a delete
            Outlook.move(emulator, path, ids.get(1), "deleteditems");  // trashed: a delete
            Outlook.move(emulator, path, ids.get(2), "Inbox/Leads"); // from Partners to a child folder
            syncAndAwait(kafka, g); // the other subscriber reads it this time

            List<JsonNode> second = sharedRecords(g, shared);
            assertThat(second.stream().collect(java.util.stream.Collectors.toMap(r -> r.get("remoteId").asText(),
                    r -> r.get("op").asText(), (x, y) -> y)))
                    .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(ids.get(0), "upsert", ids.get(1), "delete",
                            ids.get(2), "upsert"));
            assertThat(second).allSatisfy(r -> {
                assertThat(r.get("sharedMailbox").asBoolean()).isTrue();
                assertThat(r.get("accountId").asText()).isEqualTo(g);
            });
            var rows = published.all("", shared);
            assertThat(rows.get(ids.get(1)).deleted()).isTrue();
            assertThat(rows.get(ids.get(0)).publishedBy()).isEqualTo(g);
            assertThat(rows.get(ids.get(3)).publishedBy()).isEqualTo(f);
        }
    }

    static List<JsonNode> sharedRecords(String accountId, String shared) {
        return TopicReader.rawRecords(accountId).stream()
                .filter(r -> r.path("mailbox").asText().equals(shared)).toList();
    }

    private void syncAndAwait(KafkaTestClient kafka, String accountId) {
        syncAndAwait(kafka, jobs, accountId);
    }

    /** A mail sync request for {@code accountId}, awaited until its job is done. */
    static void syncAndAwait(KafkaTestClient kafka, SyncJobRepository jobs, String accountId) {
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT, List.of(Source.OUTLOOK_MAIL),
                SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, Instant.now()));
        await().atMost(WAIT).failFast(() -> jobs.state(accountId).filter("failed"::equals).isPresent())
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
    }
}

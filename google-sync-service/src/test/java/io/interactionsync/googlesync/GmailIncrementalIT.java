package io.interactionsync.googlesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.googlesync.source.gmail.GmailCursor;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.googlesync.support.TestMailbox;
import io.interactionsync.testsupport.TopicReader;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Gmail incremental sync (history.list) and the resync after an expired historyId, end to end. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class GmailIncrementalIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static KafkaTestClient kafka;

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    GmailCursorRepository cursors;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void shouldPublishExactlyOneRecordForAMessageAddedAfterTheBackfillAndNothingForANewDraft() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = backfilled(box);
        String historyBefore = cursors.load(accountId).orElseThrow().historyId();
        long getsBefore = gets(box);

        String added = box.addLive(emulator, Instant.now(), "INBOX", "UNREAD");
        String draft = box.addLive(emulator, Instant.now(), "DRAFT"); // never published (R-C1)
        List<JsonNode> fresh = syncAndAwaitNewRecords(accountId, box.expectedIds().size(), 1);

        JsonNode r = fresh.getFirst();
        assertThat(r.get("op").asText()).isEqualTo("upsert");
        assertThat(r.get("remoteId").asText()).isEqualTo(added);
        assertThat(r.path("payload").path("payload").path("headers").toString()).contains("Message-ID");
        assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty();
        GmailCursor cursor = cursors.load(accountId).orElseThrow();
        assertThat(Long.parseLong(cursor.historyId())).isGreaterThan(Long.parseLong(historyBefore));
        assertThat(cursor.morePages()).isFalse();
        assertThat(gets(box) - getsBefore).as("the draft is known from its history labels, not fetched").isEqualTo(1);
        assertThat(cursors.states(accountId, List.of(added, draft))).containsOnly(
                Map.entry(added, GmailCursorRepository.MessageState.LIVE),
                Map.entry(draft, GmailCursorRepository.MessageState.EXCLUDED));
    }

    @Test
    void shouldPublishADeleteRecordWithIdAndThreadIdForADeletedMessage() {
        TestMailbox box = TestMailbox.standard();
        String thread = "thr" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String victim = box.addToThread(thread, Instant.now().minusSeconds(90), true, "INBOX");
        box.load(emulator);
        String accountId = backfilled(box);
        int before = box.expectedIds().size();

        box.delete(emulator, victim);
        String draft = box.withLabels("DRAFT");
        box.delete(emulator, draft); // never published: nothing to delete, and forgotten
        JsonNode r = syncAndAwaitNewRecords(accountId, before, 1).getFirst();

        assertThat(r.get("op").asText()).isEqualTo("delete");
        assertThat(r.get("remoteId").asText()).isEqualTo(victim);
        assertThat(r.path("payload").path("id").asText()).isEqualTo(victim);
        assertThat(r.path("payload").path("threadId").asText()).isEqualTo(thread);
        assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty();
        assertThat(cursors.states(accountId, List.of(victim, draft)))
                .containsExactly(Map.entry(victim, GmailCursorRepository.MessageState.DELETED));
    }

    @Test
    void shouldPublishNothingForArchivingOrRelabellingADeleteForTrashOrSpamAndAnUpsertWhenRestored() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = backfilled(box);
        int before = box.expectedIds().size();
        List<String> inbox = box.expectedIds().stream().limit(4).toList();
        String archived = inbox.get(0);
        String filed = inbox.get(1);
        String trashed = inbox.get(2);
        String spammed = inbox.get(3);
        long getsBefore = gets(box);

        box.relabel(emulator, archived, List.of(), List.of("INBOX"));
        box.relabel(emulator, filed, List.of("Label_1"), List.of("INBOX", "UNREAD"));
        box.trash(emulator, trashed);
        box.relabel(emulator, spammed, List.of("SPAM"), List.of("INBOX"));
        List<JsonNode> deletes = syncAndAwaitNewRecords(accountId, before, 2);

        assertThat(deletes.stream().collect(Collectors.toMap(r -> r.get("remoteId").asText(), r -> r.get("op").asText())))
                .as("archiving and relabelling publish nothing; trash and spam are deletions")
                .containsOnly(Map.entry(trashed, "delete"), Map.entry(spammed, "delete"));
        assertThat(deletes).allSatisfy(r -> assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r))
                .isEmpty());
        assertThat(gets(box) - getsBefore).as("label changes are decided from the history, without a fetch")
                .isZero();

        box.untrash(emulator, trashed);
        box.relabel(emulator, spammed, List.of("INBOX"), List.of("SPAM"));
        box.relabel(emulator, archived, List.of("STARRED"), List.of()); // still nothing
        List<JsonNode> revived = syncAndAwaitNewRecords(accountId, before + 2, 2);

        assertThat(revived.stream().collect(Collectors.toMap(r -> r.get("remoteId").asText(), r -> r.get("op").asText())))
                .containsOnly(Map.entry(trashed, "upsert"), Map.entry(spammed, "upsert"));
        assertThat(cursors.states(accountId, inbox).values()).containsOnly(GmailCursorRepository.MessageState.LIVE);
    }

    @Test
    void shouldResyncByTheSameRulesWhenTheHistoryExpired() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = backfilled(box);
        int before = box.expectedIds().size();
        List<String> inbox = box.expectedIds().stream().limit(4).toList();
        String untrashed = inbox.get(0);
        String trashed = inbox.get(1);
        String archived = inbox.get(2);
        String victim = inbox.get(3);
        box.trash(emulator, untrashed);
        syncAndAwaitNewRecords(accountId, before, 1);

        // While the history is lost: restored from the bin, moved to it, archived, deleted, and a new message.
        box.untrash(emulator, untrashed);
        box.trash(emulator, trashed);
        box.relabel(emulator, archived, List.of("Label_1"), List.of("INBOX"));
        box.delete(emulator, victim);
        String added = box.addLive(emulator, Instant.now(), "SENT");
        box.expireHistory(emulator);
        List<JsonNode> fresh = syncAndAwaitNewRecords(accountId, before + 1, 4);

        assertThat(fresh.stream().collect(Collectors.toMap(r -> r.get("remoteId").asText(), r -> r.get("op").asText())))
                .as("only what changed: revived, trashed, deleted, new; nothing for the archived or unchanged ones")
                .containsOnly(Map.entry(untrashed, "upsert"), Map.entry(trashed, "delete"),
                        Map.entry(victim, "delete"), Map.entry(added, "upsert"));
        GmailCursor cursor = cursors.load(accountId).orElseThrow();
        assertThat(cursor.phase()).isEqualTo(GmailCursor.Phase.INCREMENTAL);
        assertThat(cursor.resync()).isFalse();
        assertThat(cursors.states(accountId, List.of(untrashed, trashed, archived, victim, added))).containsOnly(
                Map.entry(untrashed, GmailCursorRepository.MessageState.LIVE),
                Map.entry(trashed, GmailCursorRepository.MessageState.DELETED),
                Map.entry(archived, GmailCursorRepository.MessageState.LIVE),
                Map.entry(victim, GmailCursorRepository.MessageState.DELETED),
                Map.entry(added, GmailCursorRepository.MessageState.LIVE));

        // The new cursor works: a later change is picked up incrementally again.
        String later = box.addLive(emulator, Instant.now(), "INBOX");
        JsonNode r = syncAndAwaitNewRecords(accountId, before + 5, 1).getFirst();
        assertThat(r.get("remoteId").asText()).isEqualTo(later);
    }

    @Test
    void shouldRepublishEverythingWhenAFullSyncIsRequested() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = backfilled(box);
        int before = box.expectedIds().size();

        request(accountId, SyncRequest.Mode.FULL);
        List<JsonNode> fresh = awaitRecords(accountId, 2 * before).subList(before, 2 * before);

        assertThat(fresh.stream().map(r -> r.get("remoteId").asText()).collect(Collectors.toSet()))
                .isEqualTo(box.expectedIds());
    }

    /** messages.get calls of this user so far (emulator stats). */
    private long gets(TestMailbox box) {
        return box.stats(emulator).path("methods").path("users.messages.get").path("requests").asLong();
    }

    /** Registers the account, runs its backfill and waits until it is complete. */
    private String backfilled(TestMailbox box) {
        String accountId = FakeConnectorResource.register(box.email);
        request(accountId, SyncRequest.Mode.AUTO);
        awaitRecords(accountId, box.expectedIds().size());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
        return accountId;
    }

    /** Requests an incremental sync and returns the records published after the first {@code before}. */
    private List<JsonNode> syncAndAwaitNewRecords(String accountId, int before, int expected) {
        request(accountId, SyncRequest.Mode.AUTO);
        List<JsonNode> all = awaitRecords(accountId, before + expected);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
        all = TopicReader.rawRecords(accountId);
        assertThat(all).as("exactly the new records").hasSize(before + expected);
        return all.subList(before, all.size());
    }

    private static List<JsonNode> awaitRecords(String accountId, int count) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> TopicReader.rawRecords(accountId), list -> list.size() >= count);
    }

    private void request(String accountId, SyncRequest.Mode mode) {
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.GOOGLE, List.of(Source.GMAIL), mode,
                SyncRequest.Reason.CONNECT, Instant.now()));
    }
}

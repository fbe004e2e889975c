package io.interactionsync.microsoftsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.repository.MailCursorRepository;
import io.interactionsync.microsoftsync.repository.MailboxRepository;
import io.interactionsync.microsoftsync.repository.PublishedMessageRepository;
import io.interactionsync.microsoftsync.source.mail.MailCursor;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TopicReader;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Own-mailbox Outlook mail through the whole service: sync-requests → folder discovery and Graph delta of every
 * synced folder (emulator, SDK, immutable ids) → raw-records; moves between folders versus real deletions.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class MailSyncIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    private static KafkaTestClient kafka;

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    MailCursorRepository cursors;

    @Inject
    MailboxRepository mailboxes;

    @Inject
    PublishedMessageRepository published;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void shouldPublishEveryInboxAndSentMessageOnceWithinTheHorizonAndStoreTheDeltaLinks() {
        Outlook box = Outlook.standard(23, 9).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);

        sync(accountId, box.upn);

        List<JsonNode> records = TopicReader.rawRecords(accountId);
        List<String> ids = records.stream().map(r -> r.get("remoteId").asText()).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(Set.copyOf(ids)).isEqualTo(box.expectedIds());
        JsonNode r = records.getFirst();
        assertThat(r.get("source").asText()).isEqualTo("outlook_mail");
        assertThat(r.get("op").asText()).isEqualTo("upsert");
        assertThat(r.get("mailbox").asText()).isEqualTo(box.upn);
        assertThat(r.get("sharedMailbox").asBoolean()).isFalse();
        assertThat(r.get("userId").asText()).isEqualTo(FakeConnectorResource.userId(accountId));
        assertThat(r.path("payload").path("internetMessageHeaders").isArray()).isTrue();
        assertThat(r.path("payload").has("body")).as("only the $select fields").isFalse();
        assertThat(records).as("no subject line is requested or published (issue 17)").allSatisfy(rec -> {
            assertThat(rec.path("payload").has("subject")).isFalse();
            assertThat(rec.path("payload").path("internetMessageHeaders").toString()).contains("Message-ID")
                    .doesNotContain("Subject").doesNotContain("Thread-Topic");
        });
        assertThat(records).allSatisfy(rec -> assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, rec)).isEmpty());
        String inbox = box.folderId(emulator, "Inbox");
        String sent = box.folderId(emulator, "Sent Items");
        // Records carry the folder they were read from (R-B1 learns Sent Items from it).
        assertThat(records).allSatisfy(rec -> assertThat(rec.path("payload").path("parentFolderId").asText()).isIn(inbox, sent));
        assertThat(records.stream().filter(rec -> rec.path("payload").path("parentFolderId").asText().equals(sent))).hasSize(9);
        // Synced: inbox, sent items and the (empty) archive; never drafts, deleted items, junk, outbox, sync issues.
        assertThat(cursors.folders(accountId, box.upn)).containsExactlyInAnyOrder(inbox, sent, box.folderId(emulator, "Archive"));
        for (String folder : List.of(inbox, sent)) {
            MailCursor cursor = cursors.load(accountId, box.upn, folder).orElseThrow();
            assertThat(cursor.phase()).isEqualTo(MailCursor.Phase.INCREMENTAL);
            assertThat(cursor.nextLink()).isNull();
            assertThat(cursor.deltaLink()).startsWith(emulator + "/graph.microsoft.com/v1.0/").contains("$deltatoken=");
        }
        assertThat(mailboxes.load(accountId, box.upn).orElseThrow().foldersDeltaLink()).contains("/mailFolders/delta");
        assertThat(cursors.load(accountId, box.upn, inbox).orElseThrow().beyondHorizon()).isEqualTo(1);
        // 24 inbox messages at 7 per page = 4 pages, 9 sent = 2 pages, the empty archive 1: one request per page.
        assertThat(box.mailRequests(emulator)).isEqualTo(7);
        // Discovery: the excluded well-known folders' ids in one $batch, the folder tree (13 folders, 7 per page);
        // the synced folders' item counts (the progress estimate) in one more $batch.
        assertThat(Outlook.requests(emulator, box.upn, "graph.mailFolders.delta")).isEqualTo(2);
        assertThat(Outlook.requests(emulator, box.upn, "graph.$batch")).isEqualTo(2);
        assertThat(published.all(accountId, box.upn)).hasSize(box.expectedIds().size());
    }

    @Test
    void shouldPublishTheSameMessagesWhenMailIsFiledInArchiveAndCustomFoldersAsWhenAllIsInTheInbox() {
        Outlook filed = Outlook.create();
        Outlook flat = Outlook.create();
        List<String> folders = List.of("inbox", "archive", "Clients", "Inbox/Deals", "sentitems", "Clients/Key accounts");
        Instant now = Instant.now();
        for (int i = 0; i < 30; i++) {
            Map<String, Object> m = Outlook.message(now.minusSeconds(3600L * (i + 1)));
            String folder = folders.get(i % folders.size());
            filed.message(folder, m, true);
            flat.message(folder.equals("sentitems") ? "sentitems" : "inbox", m, true);
        }
        for (String excluded : List.of("drafts", "junkemail", "deleteditems")) {
            Map<String, Object> m = Outlook.message(now.minusSeconds(60));
            filed.message(excluded, m, false);
            flat.message(excluded, m, false);
        }
        filed.load(emulator);
        flat.load(emulator);
        String filedAccount = FakeConnectorResource.register(filed.upn);
        String flatAccount = FakeConnectorResource.register(flat.upn);

        sync(filedAccount, filed.upn);
        sync(flatAccount, flat.upn);

        List<JsonNode> filedRecords = TopicReader.rawRecords(filedAccount);
        Set<String> filedIds = filedRecords.stream().map(r -> r.get("remoteId").asText()).collect(Collectors.toSet());
        Set<String> flatIds = TopicReader.rawRecords(flatAccount).stream()
                .map(r -> r.get("remoteId").asText()).collect(Collectors.toSet());
        assertThat(filedIds).hasSize(30).isEqualTo(flatIds).isEqualTo(filed.expectedIds());
        assertThat(filedRecords.stream().map(r -> r.get("remoteId").asText()).toList()).doesNotHaveDuplicates();
        // Each record names the folder it lives in, custom and child folders included.
        Map<String, String> folderOf = new HashMap<>();
        filedRecords.forEach(r -> folderOf.put(r.get("remoteId").asText(), r.path("payload").path("parentFolderId").asText()));
        assertThat(Set.copyOf(folderOf.values())).containsExactlyInAnyOrder(filed.folderId(emulator, "Inbox"),
                filed.folderId(emulator, "Archive"), filed.folderId(emulator, "Clients"), filed.folderId(emulator, "Deals"),
                filed.folderId(emulator, "Sent Items"), filed.folderId(emulator, "Key accounts"));
    }

    @Test
    void shouldCountOnlyMessagesInsideTheHorizonWithAnEstimateNeverBelowThemAndAFullBarOnceSynced() {
        Outlook box = Outlook.create();
        Instant now = Instant.now();
        for (int i = 0; i < 20; i++) {
            box.message("inbox", now.minusSeconds(3600L * (i + 1)), true);
        }
        for (int i = 0; i < 6; i++) {
            box.message("archive", now.minusSeconds(7200L * (i + 1)), true);
        }
        // Graph's totalItemCount counts them, the horizon does not: 51 in the folders, 26 to read.
        for (int i = 0; i < 25; i++) {
            box.message("inbox", now.atOffset(java.time.ZoneOffset.UTC).minusMonths(30).plusDays(i).toInstant(), false);
        }
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);

        sync(accountId, box.upn);

        List<JsonNode> statuses = await().atMost(WAIT).until(() -> mailStatuses(accountId),
                l -> l.stream().anyMatch(st -> st.get("state").asText().equals("synced")));
        List<JsonNode> syncing = statuses.stream().filter(st -> st.get("state").asText().equals("syncing")).toList();
        assertThat(syncing).isNotEmpty();
        assertThat(syncing.getFirst().get("estimatedTotal").asLong()).as("the folders' counts, older mail included")
                .isEqualTo(51);
        assertThat(statuses).allSatisfy(st -> assertThat(st.get("estimatedTotal").asLong()).as(st.toString())
                .isGreaterThanOrEqualTo(st.get("fetched").asLong()));
        JsonNode synced = statuses.getLast();
        assertThat(synced.get("state").asText()).isEqualTo("synced");
        assertThat(synced.get("fetched").asLong()).as("inside the horizon only").isEqualTo(26);
        assertThat(synced.get("estimatedTotal").asLong()).as("the bar is full").isEqualTo(26);
        MailCursor inbox = cursors.load(accountId, box.upn, box.folderId(emulator, "Inbox")).orElseThrow();
        assertThat(inbox.fetched()).isEqualTo(20);
        assertThat(inbox.beyondHorizon()).isEqualTo(25);

        // An incremental run keeps the backfill's figures: no folder count is asked for.
        int batches = Outlook.requests(emulator, box.upn, "graph.$batch");
        int before = statuses.size();
        box.addLive(emulator, "inbox", Instant.now());
        sync(accountId, box.upn);
        List<JsonNode> again = await().atMost(WAIT).until(() -> mailStatuses(accountId), l -> l.size() > before
                && l.getLast().get("state").asText().equals("synced"));
        assertThat(again.subList(before, again.size())).allSatisfy(st -> {
            assertThat(st.get("estimatedTotal").asLong()).isEqualTo(26);
            assertThat(st.get("fetched").asLong()).isLessThanOrEqualTo(26);
        });
        assertThat(again.getLast().get("fetched").asLong()).isEqualTo(26);
        assertThat(Outlook.requests(emulator, box.upn, "graph.$batch") - batches).as("the delta polls only").isEqualTo(1);
    }

    @Test
    void shouldNeverReportLessThanWhatWasReadWhenMailArrivesAfterTheFoldersWereCounted() {
        Outlook box = Outlook.create();
        Instant now = Instant.now();
        for (int i = 0; i < 3; i++) {
            box.message("archive", now.minusSeconds(7200L * (i + 1)), true);
        }
        for (int i = 0; i < 10; i++) {
            box.message("inbox", now.minusSeconds(3600L * (i + 1)), true);
        }
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        String archive = box.folderId(emulator, "Archive");
        // The archive is read first (path order) and answers slowly: 15 messages reach the inbox after Graph counted it.
        faults(List.of(Map.of("provider", "microsoft", "user", box.upn, "pathRegex",
                // the id's trailing '=' is percent-encoded in the path
                "mailFolders/" + java.util.regex.Pattern.quote(archive.replaceAll("=+$", "")) + "[^/]*/messages/delta",
                "latencyMs", 2000, "count", 1)));
        Instant requested = Instant.now();
        try {
            kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT,
                    List.of(Source.OUTLOOK_MAIL), SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, requested));
            // the excluded folders' ids, then the synced folders' counts
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> Outlook.requests(emulator, box.upn, "graph.$batch") >= 2);
            for (int i = 0; i < 15; i++) {
                box.addLive(emulator, "inbox", now.minusSeconds(60L * (i + 1)));
            }
            await().atMost(WAIT).until(() -> mailboxes.load(accountId, box.upn)
                    .map(m -> m.lastSyncedAt() != null && m.lastSyncedAt().isAfter(requested)).orElse(false));
        } finally {
            faults(List.of());
        }

        List<JsonNode> statuses = await().atMost(WAIT).until(() -> mailStatuses(accountId),
                l -> l.stream().anyMatch(st -> st.get("state").asText().equals("synced")));
        List<JsonNode> syncing = statuses.stream().filter(st -> st.get("state").asText().equals("syncing")).toList();
        assertThat(syncing.getFirst().get("estimatedTotal").asLong()).as("what Graph counted").isEqualTo(13);
        assertThat(syncing).anySatisfy(st -> assertThat(st.get("fetched").asLong()).isGreaterThan(13));
        assertThat(statuses).allSatisfy(st -> assertThat(st.get("estimatedTotal").asLong()).as(st.toString())
                .isGreaterThanOrEqualTo(st.get("fetched").asLong()));
        assertThat(statuses.getLast().get("fetched").asLong()).isEqualTo(28);
        assertThat(statuses.getLast().get("estimatedTotal").asLong()).isEqualTo(28);
        assertThat(Set.copyOf(TopicReader.rawRecords(accountId).stream().map(r -> r.get("remoteId").asText()).toList()))
                .isEqualTo(box.expectedIds());
    }

    private void faults(List<Map<String, Object>> rules) {
        io.restassured.RestAssured.given().baseUri(emulator).contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("rules", rules)).put("/_emulator/faults").then().statusCode(200);
    }

    /** The account's own-mailbox outlook_mail statuses, in order. */
    private static List<JsonNode> mailStatuses(String accountId) {
        return TopicReader.valuesWithKey(Topics.SYNC_STATUS, accountId).stream()
                .filter(st -> st.path("source").asText().equals("outlook_mail") && !st.hasNonNull("mailbox")).toList();
    }

    @Test
    void shouldPublishAddedMessagesAndDeletesForHardDeletedOnesIncrementally() {
        Outlook box = Outlook.standard(5, 2).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId, box.upn);
        int before = TopicReader.rawRecords(accountId).size();
        String victim = box.expectedIds().iterator().next();

        String added = box.addLive(emulator, "sentitems", Instant.now());
        box.deleteLive(emulator, "inbox", victim);
        sync(accountId, box.upn);

        List<JsonNode> fresh = after(accountId, before);
        assertThat(fresh.stream().collect(Collectors.toMap(r -> r.get("remoteId").asText(), r -> r.get("op").asText())))
                .containsExactlyInAnyOrderEntriesOf(Map.of(added, "upsert", victim, "delete"));
        // The folders were between rounds: their delta links went out together in one $batch.
        io.restassured.RestAssured.given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200).body(org.hamcrest.Matchers.containsString(
                "microsoftsync_graph_requests_total{api=\"mail\",outcome=\"ok_batched\"}"));
        JsonNode delete = fresh.stream().filter(r -> r.get("op").asText().equals("delete")).findFirst().orElseThrow();
        assertThat(delete.path("payload").path("@removed").path("reason").asText()).isEqualTo("deleted");
        assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, delete)).isEmpty();
        assertThat(published.all(accountId, box.upn).get(victim).deleted()).isTrue();
    }

    @Test
    void shouldPickUpAFolderCreatedAfterTheBackfill() {
        Outlook box = Outlook.standard(3, 1).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId, box.upn);
        int before = TopicReader.rawRecords(accountId).size();

        String first = box.addLive(emulator, "Projects", Instant.now().minusSeconds(60));
        String second = box.addLive(emulator, box.createFolder(emulator, "Board", "inbox"), Instant.now());
        sync(accountId, box.upn);

        List<JsonNode> fresh = after(accountId, before);
        assertThat(fresh).extracting(r -> r.get("remoteId").asText()).containsExactlyInAnyOrder(first, second);
        assertThat(fresh).allSatisfy(r -> assertThat(r.get("op").asText()).isEqualTo("upsert"));
        String projects = box.folderId(emulator, "Projects");
        assertThat(cursors.load(accountId, box.upn, projects).orElseThrow().phase()).isEqualTo(MailCursor.Phase.INCREMENTAL);
        assertThat(fresh).anySatisfy(r -> assertThat(r.path("payload").path("parentFolderId").asText()).isEqualTo(projects));
    }

    @Test
    void shouldPublishNoDeleteForAMoveBetweenSyncedFoldersAndKeepTheMessageId() {
        Outlook box = Outlook.standard(6, 0);
        box.message("Clients", Instant.now().minusSeconds(10), true);
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId, box.upn);
        int before = TopicReader.rawRecords(accountId).size();
        List<String> ids = List.copyOf(box.expectedIds());

        Map<String, Object> archived = box.move(emulator, ids.get(0), "archive");
        Map<String, Object> filed = box.move(emulator, ids.get(1), "Clients");
        box.move(emulator, ids.get(2), "Clients");
        box.move(emulator, ids.get(2), "inbox"); // and back: one upsert at most
        assertThat(archived.get("id")).as("Graph gives a moved message a new regular id").isNotEqualTo(ids.get(0));
        sync(accountId, box.upn);

        List<JsonNode> fresh = after(accountId, before);
        assertThat(fresh).noneSatisfy(r -> assertThat(r.get("op").asText()).isEqualTo("delete"));
        Map<String, JsonNode> byId = fresh.stream().collect(Collectors.toMap(r -> r.get("remoteId").asText(), r -> r, (a, b) -> b));
        assertThat(byId).containsKeys(ids.get(0), ids.get(1)).doesNotContainKeys((String) archived.get("id"), (String) filed.get("id"));
        assertThat(byId.get(ids.get(0)).path("payload").path("parentFolderId").asText()).isEqualTo(box.folderId(emulator, "Archive"));
        assertThat(byId.get(ids.get(1)).path("payload").path("parentFolderId").asText()).isEqualTo(box.folderId(emulator, "Clients"));
        assertThat(published.all(accountId, box.upn).get(ids.get(0)).folderId()).isEqualTo(box.folderId(emulator, "Archive"));
        assertThat(published.all(accountId, box.upn).values()).noneMatch(PublishedMessageRepository.Row::deleted);
    }

    @Test
    void shouldDeleteOnAMoveIntoDeletedItemsJunkOrRecoverableItemsAndReviveOnTheWayBack() {
        Outlook box = Outlook.standard(4, 0).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId, box.upn);
        List<String> ids = List.copyOf(box.expectedIds());
        int before = TopicReader.rawRecords(accountId).size();
        int gets = Outlook.requests(emulator, box.upn, "graph.messages.get");

        box.move(emulator, ids.get(0), "deleteditems");
        box.move(emulator, ids.get(1), "junkemail");
        box.move(emulator, ids.get(2), "recoverableitemsdeletions"); // a soft delete, outside the folder tree
        sync(accountId, box.upn);

        List<JsonNode> trashed = after(accountId, before);
        assertThat(trashed.stream().collect(Collectors.toMap(r -> r.get("remoteId").asText(), r -> r.get("op").asText())))
                .containsExactlyInAnyOrderEntriesOf(Map.of(ids.get(0), "delete", ids.get(1), "delete", ids.get(2), "delete"));
        assertThat(trashed).allSatisfy(r -> assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty());
        // Confirmed with Graph: where each message is now (immutable ids, one $batch).
        assertThat(Outlook.requests(emulator, box.upn, "graph.messages.get") - gets).isEqualTo(3);
        assertThat(published.all(accountId, box.upn).get(ids.get(0)).deleted()).isTrue();

        int restored = TopicReader.rawRecords(accountId).size();
        box.move(emulator, ids.get(0), "inbox");
        sync(accountId, box.upn);

        List<JsonNode> back = after(accountId, restored);
        assertThat(back).singleElement().satisfies(r -> {
            assertThat(r.get("remoteId").asText()).isEqualTo(ids.get(0));
            assertThat(r.get("op").asText()).isEqualTo("upsert");
        });
        assertThat(published.all(accountId, box.upn).get(ids.get(0)).deleted()).isFalse();
    }

    @Test
    void shouldDeleteTheMessagesOfAFolderDeletedInOutlookAndDropItsCursor() {
        Outlook box = Outlook.standard(2, 0);
        String kept = box.message("inbox", Instant.now().minusSeconds(5), true);
        String a = box.message("Clients", Instant.now().minusSeconds(50), true);
        String b = box.message("Clients", Instant.now().minusSeconds(40), true);
        String moved = box.message("Clients", Instant.now().minusSeconds(30), true);
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId, box.upn);
        String clients = box.folderId(emulator, "Clients");
        assertThat(cursors.folders(accountId, box.upn)).contains(clients);
        int before = TopicReader.rawRecords(accountId).size();

        box.move(emulator, moved, "archive"); // saved before the folder went
        box.moveFolder(emulator, "Clients", "deleteditems"); // Outlook's folder delete
        sync(accountId, box.upn);

        List<JsonNode> fresh = after(accountId, before);
        assertThat(fresh.stream().collect(Collectors.toMap(r -> r.get("remoteId").asText(), r -> r.get("op").asText())))
                .containsExactlyInAnyOrderEntriesOf(Map.of(a, "delete", b, "delete", moved, "upsert"));
        assertThat(cursors.folders(accountId, box.upn)).doesNotContain(clients);
        assertThat(published.all(accountId, box.upn).get(kept).deleted()).isFalse();
    }

    @Test
    void shouldRestartAFolderOnceWhenItsDeltaTokenExpired() {
        Outlook box = Outlook.standard(4, 3).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId, box.upn);
        String inboxId = box.folderId(emulator, "Inbox");
        String runBefore = cursors.load(accountId, box.upn, inboxId).orElseThrow().syncRunId();
        int requestsBefore = box.mailRequests(emulator);

        box.expireDelta(emulator);
        String added = box.addLive(emulator, "inbox", Instant.now());
        sync(accountId, box.upn);

        MailCursor inbox = cursors.load(accountId, box.upn, inboxId).orElseThrow();
        assertThat(inbox.syncRunId()).isNotEqualTo(runBefore);
        assertThat(inbox.phase()).isEqualTo(MailCursor.Phase.INCREMENTAL);
        Set<String> ids = TopicReader.rawRecords(accountId).stream()
                .map(r -> r.get("remoteId").asText()).collect(Collectors.toSet());
        assertThat(ids).contains(added).isEqualTo(box.expectedIds());
        // Per folder (inbox, sent items, archive): the 410 inside one $batch, then a fresh initial round of one page
        // each: 6 delta requests, none repeated after its 410.
        assertThat(box.mailRequests(emulator) - requestsBefore).isEqualTo(6);
        assertThat(TopicReader.rawRecords(accountId)).noneSatisfy(r ->
                assertThat(r.get("op").asText()).isEqualTo("delete"));
    }

    /** The records published for the account after the first {@code before}. */
    private static List<JsonNode> after(String accountId, int before) {
        List<JsonNode> all = TopicReader.rawRecords(accountId);
        return all.subList(before, all.size());
    }

    /** Requests a sync and waits until the mailbox's run completed (every folder read, removals confirmed). */
    void sync(String accountId, String upn) {
        Instant requested = Instant.now();
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT, List.of(Source.OUTLOOK_MAIL),
                SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, requested));
        await().atMost(WAIT).failFast("the job failed", () -> jobs.state(accountId).filter("failed"::equals).isPresent())
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent()
                && mailboxes.load(accountId, upn).map(m -> m.lastSyncedAt() != null && m.lastSyncedAt().isAfter(requested))
                .orElse(false));
    }
}

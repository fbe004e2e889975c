package io.interactionsync.microsoftsync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.repository.MailCursorRepository;
import io.interactionsync.microsoftsync.repository.MailboxRepository;
import io.interactionsync.microsoftsync.repository.PublishedMessageRepository;
import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.audit.AuditResult;
import io.interactionsync.sync.audit.AuditStore;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.testsupport.FakeNormalizerResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TopicReader;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The completeness audit end to end: Graph (emulator, SDK) losing delta items or listing items, the normalizer
 * losing or dead-lettering records (test-support's fake), repairs on raw-records, results on sync-status.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class CompletenessAuditIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String MAIL = Source.OUTLOOK_MAIL.wireName();

    private static KafkaTestClient kafka;

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    MailboxRepository mailboxes;

    @Inject
    MailCursorRepository cursors;

    @Inject
    PublishedMessageRepository published;

    @Inject
    SharedMailboxRepository sharedMailboxes;

    @Inject
    AuditStore audits;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @AfterEach
    void clear() {
        given().baseUri(emulator).delete("/_emulator/faults").then().statusCode(204);
        FakeNormalizerResource.reset();
    }

    @Test
    void shouldRepairEveryMessageAndDeletionTheDeltaLostDuringTheBackfillAndAnIncrementalRun() {
        Outlook box = Outlook.standard(30, 12);
        Instant now = Instant.now();
        for (int i = 0; i < 10; i++) {
            box.message(i % 2 == 0 ? "Clients" : "archive", now.minusSeconds(7200L * (i + 1)), true);
        }
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        omit(box.upn, "/messages/delta", 0.3);

        Instant backfill = sync(accountId, box.upn, false);

        // The audit after the backfill already fetched what the delta dropped.
        JsonNode afterBackfill = finalStatus(accountId, null, Source.OUTLOOK_MAIL, backfill);
        assertThat(afterBackfill.get("state").asText()).isEqualTo("synced");
        assertThat(afterBackfill.at("/completeness/missing").asLong()).isPositive()
                .isEqualTo(afterBackfill.at("/completeness/repaired").asLong());
        assertThat(liveIds(accountId)).isEqualTo(box.expectedIds());

        // An incremental run that loses items too: additions, hard deletes and moves into deleted items.
        List<String> before = List.copyOf(box.expectedIds());
        for (int i = 0; i < 8; i++) {
            box.addLive(emulator, List.of("inbox", "Clients", "sentitems").get(i % 3), Instant.now().minusSeconds(i));
        }
        for (int i = 0; i < 3; i++) {
            box.deleteLive(emulator, "inbox", before.get(i)); // the first ids are inbox messages
        }
        for (int i = 3; i < 5; i++) {
            box.move(emulator, before.get(i), "deleteditems");
            box.expectedIds().remove(before.get(i));
        }
        sync(accountId, box.upn, false);
        assertThat(liveIds(accountId)).as("the delta lost some of these changes").isNotEqualTo(box.expectedIds());

        clearFaults();
        Instant audited = sync(accountId, box.upn, true);

        assertThat(liveIds(accountId)).isEqualTo(box.expectedIds());
        assertThat(published.all(accountId, box.upn).values().stream().filter(r -> !r.deleted())
                .map(PublishedMessageRepository.Row::messageId).collect(Collectors.toSet())).isEqualTo(box.expectedIds());
        JsonNode status = finalStatus(accountId, null, Source.OUTLOOK_MAIL, audited);
        assertThat(status.get("state").asText()).isEqualTo("synced");
        assertThat(status.at("/completeness/missing").asLong()).isPositive()
                .isEqualTo(status.at("/completeness/repaired").asLong());
        assertThat(status.at("/completeness/providerCount").asLong()).isEqualTo(box.expectedIds().size());
        assertThat(TopicReader.rawRecords(accountId))
                .allSatisfy(r -> assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty());
    }

    @Test
    void shouldPublishTheDeleteOfAMoveIntoDeletedItemsWhoseRemovalTheDeltaLost() {
        Outlook box = Outlook.standard(5, 1).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId, box.upn, false);
        String trashed = box.expectedIds().iterator().next();
        int before = records(accountId).size();
        omit(box.upn, inboxDelta(box), 1.0);

        box.move(emulator, trashed, "deleteditems");
        sync(accountId, box.upn, false);
        assertThat(after(accountId, before)).as("the @removed was lost").isEmpty();
        Instant audited = sync(accountId, box.upn, true);

        assertThat(after(accountId, before)).singleElement().satisfies(r -> {
            assertThat(r.get("remoteId").asText()).isEqualTo(trashed);
            assertThat(r.get("op").asText()).isEqualTo("delete");
            assertThat(r.at("/payload/@removed/reason").asText()).isEqualTo("deleted");
        });
        assertThat(published.all(accountId, box.upn).get(trashed).deleted()).isTrue();
        JsonNode status = finalStatus(accountId, null, Source.OUTLOOK_MAIL, audited);
        assertThat(status.get("state").asText()).isEqualTo("synced");
        assertThat(status.at("/completeness/missing").asLong()).isEqualTo(1);
        assertThat(status.at("/completeness/repaired").asLong()).isEqualTo(1);
    }

    @Test
    void shouldRepublishWhatTheNormalizerLostAndReportWhatItDeadLetteredWithoutRepublishingIt() {
        Outlook box = Outlook.standard(6, 2).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId, box.upn, false);
        List<String> ids = List.copyOf(box.expectedIds());
        FakeNormalizerResource.lose(accountId, MAIL, ids.get(0), ids.get(1));
        FakeNormalizerResource.deadLetter(accountId, MAIL, ids.get(2), "invalid_payload", "receivedDateTime unparseable");
        int before = records(accountId).size();

        Instant audited = sync(accountId, box.upn, true);

        assertThat(after(accountId, before)).extracting(r -> r.get("remoteId").asText() + " " + r.get("op").asText())
                .containsExactlyInAnyOrder(ids.get(0) + " upsert", ids.get(1) + " upsert");
        JsonNode status = finalStatus(accountId, null, Source.OUTLOOK_MAIL, audited);
        assertThat(status.get("state").asText()).isEqualTo("incomplete");
        assertThat(status.get("lastError").asText()).contains(ids.get(2))
                .contains("dead-lettered by the normalizer (invalid_payload: receivedDateTime unparseable)");
        assertThat(status.at("/completeness/missing").asLong()).isEqualTo(3);
        assertThat(status.at("/completeness/repaired").asLong()).isEqualTo(2);
        assertThat(status.at("/completeness/ingestedCount").asLong()).isEqualTo(ids.size() - 3);
        AuditResult saved = audits.last(accountId, Source.OUTLOOK_MAIL, null).orElseThrow();
        assertThat(saved.unresolvedIds()).containsExactly(ids.get(2));
    }

    @Test
    void shouldStayIncompleteNamingAMessageWhoseFetchKeepsFailingUntilALaterAuditFetchesIt() {
        Outlook box = Outlook.standard(4, 0).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId, box.upn, false);
        int before = records(accountId).size();
        String added = box.addLive(emulator, "inbox", Instant.now());
        // The delta loses the new message, and fetching exactly that message is denied (a per-mailbox answer:
        // it never opens the breaker for everyone).
        faults(Map.of("seed", 1, "rules", List.of(
                Map.of("provider", "microsoft", "user", box.upn, "omit", 1.0,
                        "pathRegex", inboxDelta(box)),
                Map.of("provider", "microsoft", "user", box.upn, "status", 403, "pathRegex", "/messages/" + added + "$"))));

        Instant first = sync(accountId, box.upn, true);

        assertThat(after(accountId, before)).isEmpty();
        JsonNode incomplete = finalStatus(accountId, null, Source.OUTLOOK_MAIL, first);
        assertThat(incomplete.get("state").asText()).isEqualTo("incomplete");
        assertThat(incomplete.get("lastError").asText()).startsWith("1 record still missing after repair: " + added)
                .contains("access_denied (HTTP 403)");
        assertThat(incomplete.at("/completeness/missing").asLong()).isEqualTo(1);
        assertThat(incomplete.at("/completeness/repaired").asLong()).isZero();
        given().get(ManagementInterface.url("/q/health/well")).then().body("checks.find { it.name == 'microsoft-sync-completeness' }.status",
                org.hamcrest.Matchers.equalTo("DOWN"));
        // A run without an audit keeps reporting the open gap.
        Instant plain = sync(accountId, box.upn, false);
        JsonNode still = finalStatus(accountId, null, Source.OUTLOOK_MAIL, plain);
        assertThat(still.get("state").asText()).isEqualTo("incomplete");
        assertThat(still.get("lastError").asText()).isEqualTo(incomplete.get("lastError").asText());

        clearFaults();
        Instant second = sync(accountId, box.upn, true);

        assertThat(after(accountId, before)).singleElement().satisfies(r -> {
            assertThat(r.get("remoteId").asText()).isEqualTo(added);
            assertThat(r.get("op").asText()).isEqualTo("upsert");
        });
        JsonNode synced = finalStatus(accountId, null, Source.OUTLOOK_MAIL, second);
        assertThat(synced.get("state").asText()).isEqualTo("synced");
        assertThat(synced.has("lastError")).isFalse();
        assertThat(audits.last(accountId, Source.OUTLOOK_MAIL, null).orElseThrow().complete()).isTrue();
    }

    @Test
    void shouldNeverDeleteAMessageThatExistsWhenTheListingItselfLosesItems() {
        Outlook box = Outlook.standard(15, 6);
        box.message("Clients", Instant.now().minusSeconds(90), true);
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId, box.upn, false);
        int before = records(accountId).size();
        int gets = Outlook.requests(emulator, box.upn, "graph.messages.get");
        omit(box.upn, "/mailFolders/[^/]+/messages$", 0.5);

        Instant audited = sync(accountId, box.upn, true);

        assertThat(after(accountId, before)).as("nothing to repair, and above all no delete").isEmpty();
        assertThat(published.all(accountId, box.upn).values()).noneMatch(PublishedMessageRepository.Row::deleted);
        assertThat(Outlook.requests(emulator, box.upn, "graph.messages.get") - gets)
                .as("what the listing lost was confirmed with Graph, one GET each").isPositive();
        JsonNode status = finalStatus(accountId, null, Source.OUTLOOK_MAIL, audited);
        assertThat(status.get("state").asText()).isEqualTo("synced");
        assertThat(status.at("/completeness/missing").asLong()).isZero();
        assertThat(status.at("/completeness/providerCount").asLong()).isEqualTo(box.expectedIds().size());
    }

    @Test
    void shouldSyncEveryFolderTheFolderDeltaLostOnceAnAuditListsTheTree() {
        Outlook box = mailboxWithFolders();
        String accountId = FakeConnectorResource.register(box.upn);
        // The folder delta loses most folders, and the backfill's own audit cannot list folders either.
        faults(Map.of("seed", 1546, "rules", List.of(
                Map.of("provider", "microsoft", "user", box.upn, "pathRegex", "/mailFolders/delta", "omit", 0.6),
                Map.of("provider", "microsoft", "user", box.upn, "pathRegex", "/mailFolders$|/childFolders$", "omit", 1.0))));

        sync(accountId, box.upn, false);

        Map<String, String> messageFolders = messageFolders(box);
        List<String> lost = messageFolders.keySet().stream()
                .filter(f -> cursors.load(accountId, box.upn, f).isEmpty()).toList();
        assertThat(lost).as("the seeded folder delta lost some folders with messages, not all").isNotEmpty()
                .hasSizeLessThan(messageFolders.size());
        assertThat(liveIds(accountId)).isNotEqualTo(box.expectedIds());
        assertThat(records(accountId)).as("a folder listing that loses folders never retires one")
                .noneMatch(r -> r.get("op").asText().equals("delete"));

        clearFaults();
        Instant audited = sync(accountId, box.upn, true);

        assertThat(liveIds(accountId)).isEqualTo(box.expectedIds());
        for (String folder : messageFolders.keySet()) {
            assertThat(cursors.load(accountId, box.upn, folder)).as("folder %s has a complete round", folder)
                    .hasValueSatisfying(c -> assertThat(c.deltaLink()).contains("$deltatoken="));
        }
        JsonNode status = finalStatus(accountId, null, Source.OUTLOOK_MAIL, audited);
        assertThat(status.get("state").asText()).isEqualTo("synced");
        assertThat(status.at("/completeness/missing").asLong()).isPositive()
                .isEqualTo(status.at("/completeness/repaired").asLong());
        assertThat(status.at("/completeness/providerCount").asLong()).isEqualTo(box.expectedIds().size());

        // A later message in a lost folder comes through that folder's delta (a run without an audit).
        String later = box.addLive(emulator, lost.getFirst(), Instant.now());
        int lists = Outlook.requests(emulator, box.upn, "graph.messages.list");
        sync(accountId, box.upn, false);
        assertThat(liveIds(accountId)).contains(later).isEqualTo(box.expectedIds());
        assertThat(Outlook.requests(emulator, box.upn, "graph.messages.list")).as("no audit ran").isEqualTo(lists);
    }

    @Test
    void shouldSyncTheFoldersTheFolderDeltaKeepsLosingThroughTheBackfillsOwnAudit() {
        Outlook box = mailboxWithFolders();
        String accountId = FakeConnectorResource.register(box.upn);
        omit(box.upn, "/mailFolders/delta", 1.0); // on for the whole test: discovery never reports a folder

        Instant backfill = sync(accountId, box.upn, false);

        // The backfill found no folder; its audit listed the tree, repaired every message and started the rounds.
        assertThat(liveIds(accountId)).isEqualTo(box.expectedIds());
        Map<String, String> messageFolders = messageFolders(box);
        for (String folder : messageFolders.keySet()) {
            assertThat(cursors.load(accountId, box.upn, folder)).as("folder %s has a complete round", folder)
                    .hasValueSatisfying(c -> assertThat(c.deltaLink()).contains("$deltatoken="));
        }
        JsonNode status = finalStatus(accountId, null, Source.OUTLOOK_MAIL, backfill);
        assertThat(status.get("state").asText()).isEqualTo("synced");
        assertThat(status.at("/completeness/missing").asLong()).isEqualTo(box.expectedIds().size())
                .isEqualTo(status.at("/completeness/repaired").asLong());

        String later = box.addLive(emulator, messageFolders.keySet().iterator().next(), Instant.now());
        int lists = Outlook.requests(emulator, box.upn, "graph.messages.list");
        Instant incremental = sync(accountId, box.upn, false);
        assertThat(liveIds(accountId)).contains(later).isEqualTo(box.expectedIds());
        assertThat(Outlook.requests(emulator, box.upn, "graph.messages.list")).as("no audit ran").isEqualTo(lists);
        assertThat(finalStatus(accountId, null, Source.OUTLOOK_MAIL, incremental).get("state").asText()).isEqualTo("synced");
    }

    @Test
    void shouldRetireFoldersDeletedOrTrashedWhoseChangesTheFolderDeltaLost() {
        Outlook box = Outlook.standard(3, 0);
        Instant now = Instant.now();
        List<String> projects = new java.util.ArrayList<>();
        List<String> old = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            projects.add(box.message("Projects", now.minusSeconds(600L * (i + 1)), true));
            old.add(box.message("Old", now.minusSeconds(900L * (i + 1)), true));
        }
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId, box.upn, false);
        String projectsId = box.folderId(emulator, "Projects");
        String oldId = box.folderId(emulator, "Old");
        int before = records(accountId).size();
        omit(box.upn, "/mailFolders/delta", 1.0);

        // Outlook's folder delete (into deleted items) and a hard delete: the folder delta reports neither.
        box.moveFolder(emulator, "Projects", "deleteditems");
        given().baseUri(emulator).delete("/_emulator/microsoft/users/" + box.upn + "/folders/Old").then().statusCode(204);
        String added = box.addLive(emulator, "inbox", Instant.now());
        Instant plain = sync(accountId, box.upn, false);

        // The hard-deleted folder's delta answers 404: retired (not a failed mailbox); the others go on.
        assertThat(finalStatus(accountId, null, Source.OUTLOOK_MAIL, plain).get("state").asText()).isEqualTo("synced");
        assertThat(cursors.load(accountId, box.upn, oldId)).isEmpty();
        assertThat(opsAfter(accountId, before)).containsEntry(added, "upsert")
                .containsAllEntriesOf(old.stream().collect(Collectors.toMap(id -> id, id -> "delete")));
        assertThat(opsAfter(accountId, before)).doesNotContainKeys(projects.toArray(String[]::new));

        // The trashed one still answers its delta; the audit's listing misses it and Graph says where it is now.
        Instant audited = sync(accountId, box.upn, true);
        assertThat(opsAfter(accountId, before))
                .containsAllEntriesOf(projects.stream().collect(Collectors.toMap(id -> id, id -> "delete")));
        assertThat(cursors.load(accountId, box.upn, projectsId)).isEmpty();
        old.forEach(box.expectedIds()::remove);
        projects.forEach(box.expectedIds()::remove);
        assertThat(liveIds(accountId)).isEqualTo(box.expectedIds());
        JsonNode status = finalStatus(accountId, null, Source.OUTLOOK_MAIL, audited);
        assertThat(status.get("state").asText()).isEqualTo("synced");
        assertThat(status.at("/completeness/missing").asLong()).isEqualTo(3);
        assertThat(status.at("/completeness/repaired").asLong()).isEqualTo(3);
    }

    @Test
    void shouldKeepTheFoldersARestartedFolderRoundLostWhileGraphStillHasThem() {
        Outlook box = mailboxWithFolders();
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId, box.upn, false);
        int before = records(accountId).size();
        omit(box.upn, "/mailFolders/delta", 1.0);
        box.expireDelta(emulator); // every delta link answers 410: the folder tree is listed from scratch

        sync(accountId, box.upn, false);

        assertThat(after(accountId, before)).as("re-read, never deleted").isNotEmpty()
                .noneMatch(r -> r.get("op").asText().equals("delete"));
        assertThat(liveIds(accountId)).isEqualTo(box.expectedIds());
        for (String folder : messageFolders(box).keySet()) {
            assertThat(cursors.load(accountId, box.upn, folder)).as("folder %s kept", folder).isPresent();
        }
    }

    @Test
    void shouldAuditASharedMailboxOnceForItsSubscribersAndReportItWithTheMailbox() {
        String shared = "audit-" + UUID.randomUUID().toString().substring(0, 6) + "@contoso.test";
        Set<String> sharedIds = Outlook.sharedMailbox(emulator, shared, 9, "inbox", "archive");
        Outlook alice = Outlook.standard(2, 1).fullAccessTo(shared).load(emulator);
        Outlook bob = Outlook.standard(1, 1).fullAccessTo(shared).load(emulator);
        String a = FakeConnectorResource.register(alice.upn);
        String b = FakeConnectorResource.register(bob.upn);
        for (String account : List.of(a, b)) {
            kafka.send(Topics.ACCOUNT_EVENTS, account, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                    AccountEvent.Type.SHARED_MAILBOX_ADDED, account, FakeConnectorResource.userId(account),
                    Provider.MICROSOFT, null, null, null, shared, null, null, Instant.now()));
        }
        await().atMost(WAIT).until(() -> sharedMailboxes.subscribers(shared).size() == 2);

        Instant aliceRun = sync(a, alice.upn, false);
        sync(b, bob.upn, false);

        AuditResult aliceAudit = audits.last(a, Source.OUTLOOK_MAIL, shared).orElseThrow();
        assertThat(aliceAudit.completeness().providerCount()).isEqualTo(sharedIds.size());
        assertThat(audits.last(b, Source.OUTLOOK_MAIL, shared)).as("audited once, by the first reader").isEmpty();
        assertThat(audits.last(b, Source.OUTLOOK_MAIL, null)).as("bob's own mailbox is his").isPresent();
        JsonNode aliceStatus = finalStatus(a, shared, Source.OUTLOOK_MAIL, aliceRun);
        assertThat(aliceStatus.get("state").asText()).isEqualTo("synced");
        assertThat(aliceStatus.at("/completeness/providerCount").asLong()).isEqualTo(sharedIds.size());
        // Bob's job read the shared mailbox without auditing it; its status carries the mailbox's last audit.
        JsonNode bobShared = TopicReader.valuesWithKey(Topics.SYNC_STATUS, b).stream()
                .filter(s -> s.path("mailbox").asText().equals(shared) && s.get("state").asText().equals("synced"))
                .reduce((x, y) -> y).orElseThrow();
        assertThat(Instant.parse(bobShared.at("/completeness/checkedAt").asText()))
                .isEqualTo(aliceAudit.completeness().checkedAt());

        // Asked for by bob: his job audits it now, and the shared mailbox still has one audit.
        Instant bobAudit = sync(b, bob.upn, true);

        assertThat(audits.last(b, Source.OUTLOOK_MAIL, shared)).hasValueSatisfying(r ->
                assertThat(r.completeness().checkedAt()).isAfter(bobAudit));
        assertThat(audits.last(a, Source.OUTLOOK_MAIL, shared)).isEmpty();
        assertThat(finalStatus(b, shared, Source.OUTLOOK_MAIL, bobAudit).at("/completeness/providerCount").asLong())
                .isEqualTo(sharedIds.size());
    }

    @Test
    void shouldSyncTheFoldersOfASharedMailboxThatTheFolderDeltaLost() {
        String shared = "lost-" + UUID.randomUUID().toString().substring(0, 6) + "@contoso.test";
        Set<String> sharedIds = Outlook.sharedMailbox(emulator, shared, 12, "inbox", "archive", "Partners", "Inbox/Leads");
        Outlook carol = Outlook.standard(2, 0).fullAccessTo(shared).load(emulator);
        String c = FakeConnectorResource.register(carol.upn);
        kafka.send(Topics.ACCOUNT_EVENTS, c, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                AccountEvent.Type.SHARED_MAILBOX_ADDED, c, FakeConnectorResource.userId(c), Provider.MICROSOFT, null, null,
                null, shared, null, null, Instant.now()));
        await().atMost(WAIT).until(() -> sharedMailboxes.subscribers(shared).size() == 1);
        omit(carol.upn, "/users/[^/]+/mailFolders/delta", 1.0); // the shared mailbox's folder delta only

        Instant run = sync(c, carol.upn, false);

        JsonNode status = finalStatus(c, shared, Source.OUTLOOK_MAIL, run);
        assertThat(status.get("state").asText()).isEqualTo("synced");
        assertThat(status.at("/completeness/missing").asLong()).isEqualTo(sharedIds.size())
                .isEqualTo(status.at("/completeness/repaired").asLong());
        assertThat(published.all("", shared).keySet()).isEqualTo(sharedIds);
        String path = "/_emulator/microsoft/shared-mailboxes/" + shared;
        for (String name : List.of("Inbox", "Archive", "Partners", "Leads")) {
            assertThat(cursors.load("", shared, Outlook.folderId(emulator, path, name))).as(name).isPresent();
        }
        assertThat(liveIds(c)).containsAll(sharedIds);
    }

    @Test
    void shouldRepublishAnEventCreatedOrChangedAndDeleteOneRemovedWhileTheCalendarDeltaLostThem() {
        Outlook user = Outlook.create();
        Instant now = Instant.now();
        user.event(now.plusSeconds(86_400), now.plusSeconds(90_000), false, "UTC");
        String removed = user.event(now.plusSeconds(2 * 86_400), now.plusSeconds(2 * 86_400 + 1800), false, "UTC");
        String changed = user.event(now.minusSeconds(86_400), now.minusSeconds(84_600), false, "UTC");
        user.load(emulator);
        String accountId = FakeConnectorResource.register(user.upn);
        syncCalendar(accountId, false);
        int before = records(accountId).size();
        omit(user.upn, "/calendarView/delta", 1.0);

        Map<String, Object> moved = Outlook.event(changed, now.minusSeconds(80_000), now.minusSeconds(78_200), false, "UTC");
        given().baseUri(emulator).contentType(ContentType.JSON).body(moved)
                .post("/_emulator/microsoft/users/" + user.upn + "/events").then().statusCode(200);
        String created = "AAMkEvNew" + UUID.randomUUID().toString().replace("-", "");
        given().baseUri(emulator).contentType(ContentType.JSON)
                .body(Outlook.event(created, now.plusSeconds(3 * 86_400), now.plusSeconds(3 * 86_400 + 900), false, "UTC"))
                .post("/_emulator/microsoft/users/" + user.upn + "/events").then().statusCode(200);
        given().baseUri(emulator).delete("/_emulator/microsoft/users/" + user.upn + "/events/" + removed).then().statusCode(204);
        syncCalendar(accountId, false);
        assertThat(after(accountId, before)).as("the delta lost all three").isEmpty();

        Instant audited = syncCalendar(accountId, true);

        Map<String, String> repaired = after(accountId, before).stream().collect(Collectors.toMap(
                r -> r.get("remoteId").asText(), r -> r.get("op").asText()));
        assertThat(repaired).containsExactlyInAnyOrderEntriesOf(Map.of(created, "upsert", changed, "upsert", removed, "delete"));
        assertThat(after(accountId, before)).allSatisfy(r -> {
            assertThat(r.get("source").asText()).isEqualTo("outlook_calendar");
            assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty();
        });
        assertThat(after(accountId, before).stream().filter(r -> r.get("remoteId").asText().equals(changed)).findFirst()
                .orElseThrow().at("/payload/start/dateTime").asText()).as("the current version, in UTC")
                .startsWith(now.minusSeconds(80_000).toString().substring(0, 19));
        JsonNode status = finalStatus(accountId, null, Source.OUTLOOK_CALENDAR, audited);
        assertThat(status.get("state").asText()).isEqualTo("synced");
        assertThat(status.at("/completeness/missing").asLong()).isEqualTo(3);
        assertThat(status.at("/completeness/repaired").asLong()).isEqualTo(3);
        assertThat(status.at("/completeness/providerCount").asLong()).as("kept, changed, created").isEqualTo(3);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void omit(String upn, String pathRegex, double probability) {
        faults(Map.of("seed", 7, "rules", List.of(Map.of("provider", "microsoft", "user", upn, "pathRegex", pathRegex,
                "omit", probability))));
    }

    /** The inbox's message delta path (a folder id ends in '=', which the SDK sends as %3D). */
    private String inboxDelta(Outlook box) {
        String id = box.folderId(emulator, "Inbox");
        return "/mailFolders/" + java.util.regex.Pattern.quote(id.replace("=", "")) + "(=|%3D)*/messages/delta";
    }

    /** 20 inbox and 20 archive messages, sent items empty, and a custom folder with a child folder (5 each). */
    private Outlook mailboxWithFolders() {
        Outlook box = Outlook.create();
        Instant now = Instant.now();
        for (int i = 0; i < 20; i++) {
            box.message("inbox", now.minusSeconds(3600L * (i + 1)), true);
            box.message("archive", now.minusSeconds(5400L * (i + 1)), true);
        }
        for (int i = 0; i < 5; i++) {
            box.message("Clients", now.minusSeconds(4000L * (i + 1)), true);
            box.message("Clients/Key accounts", now.minusSeconds(4500L * (i + 1)), true);
        }
        return box.load(emulator);
    }

    /** The ids of the folders of {@link #mailboxWithFolders} that hold messages → display name. */
    private Map<String, String> messageFolders(Outlook box) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : List.of("Inbox", "Archive", "Clients", "Key accounts")) {
            out.put(box.folderId(emulator, name), name);
        }
        return out;
    }

    /** Each remote id's last op on raw-records after the first {@code before} records. */
    private static Map<String, String> opsAfter(String accountId, int before) {
        Map<String, String> out = new LinkedHashMap<>();
        after(accountId, before).forEach(r -> out.put(r.get("remoteId").asText(), r.get("op").asText()));
        return out;
    }

    private void faults(Map<String, Object> body) {
        given().baseUri(emulator).contentType(ContentType.JSON).body(body).put("/_emulator/faults").then().statusCode(200);
    }

    private void clearFaults() {
        given().baseUri(emulator).delete("/_emulator/faults").then().statusCode(204);
    }

    private static List<JsonNode> records(String accountId) {
        return TopicReader.rawRecords(accountId);
    }

    private static List<JsonNode> after(String accountId, int before) {
        List<JsonNode> all = records(accountId);
        return all.subList(before, all.size());
    }

    /** The ids whose last record on raw-records is an upsert: what the normalizer holds live. */
    private static Set<String> liveIds(String accountId) {
        Map<String, String> last = new LinkedHashMap<>();
        records(accountId).stream().filter(r -> r.get("source").asText().equals(MAIL))
                .forEach(r -> last.put(r.get("remoteId").asText(), r.get("op").asText()));
        return last.entrySet().stream().filter(e -> e.getValue().equals("upsert")).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /** The last synced/incomplete status of a source (× shared mailbox) published after {@code since}. */
    private static JsonNode finalStatus(String accountId, String mailbox, Source source, Instant since) {
        return await().atMost(WAIT).until(() -> TopicReader.valuesWithKey(Topics.SYNC_STATUS, accountId).stream()
                .filter(s -> s.get("source").asText().equals(source.wireName()))
                .filter(s -> mailbox == null ? !s.hasNonNull("mailbox") : s.path("mailbox").asText().equals(mailbox))
                .filter(s -> Set.of("synced", "incomplete").contains(s.get("state").asText()))
                .filter(s -> Instant.parse(s.get("at").asText()).isAfter(since))
                .reduce((x, y) -> y).orElse(null), java.util.Objects::nonNull);
    }

    /** Requests an Outlook mail sync (with an audit when asked) and waits until its run completed. */
    private Instant sync(String accountId, String upn, boolean audit) {
        Instant requested = Instant.now();
        SyncRequest request = SyncRequest.of(accountId, Provider.MICROSOFT, List.of(Source.OUTLOOK_MAIL),
                SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, requested);
        kafka.send(Topics.SYNC_REQUESTS, accountId, audit ? request.withAudit() : request);
        await().atMost(WAIT).failFast("the job failed", () -> jobs.state(accountId).filter("failed"::equals).isPresent())
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent()
                        && mailboxes.load(accountId, upn).map(m -> m.lastSyncedAt() != null
                        && m.lastSyncedAt().isAfter(requested)).orElse(false));
        return requested;
    }

    private Instant syncCalendar(String accountId, boolean audit) {
        Instant requested = Instant.now();
        SyncRequest request = SyncRequest.of(accountId, Provider.MICROSOFT, List.of(Source.OUTLOOK_CALENDAR),
                SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, requested);
        kafka.send(Topics.SYNC_REQUESTS, accountId, audit ? request.withAudit() : request);
        finalStatus(accountId, null, Source.OUTLOOK_CALENDAR, requested);
        await().atMost(WAIT).until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
        return requested;
    }
}

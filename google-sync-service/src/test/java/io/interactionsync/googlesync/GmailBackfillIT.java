package io.interactionsync.googlesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.connector.ConnectorClient;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.googlesync.source.gmail.GmailBackfillSource;
import io.interactionsync.googlesync.source.gmail.GmailCursor;
import io.interactionsync.googlesync.source.gmail.GmailSession;
import io.interactionsync.googlesync.source.gmail.GmailSessionFactory;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Gmail backfill against the in-JVM emulator (official SDK), the real broker and PostgreSQL. The connector
 * is imitated by {@link FakeConnectorResource} doing real OAuth at the emulator.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class GmailBackfillIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static KafkaTestClient kafka;

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    GmailCursorRepository cursors;

    @Inject
    GmailBackfillSource backfill;

    @Inject
    GmailSessionFactory sessions;

    @Inject
    ConnectorClient connector;

    @Inject
    AgroalDataSource dataSource;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void shouldPublishEveryRecordSealedWithTheAccountsKeyAndNoAddressInClearText() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = FakeConnectorResource.register(box.email);

        request(accountId, SyncRequest.Mode.AUTO);
        awaitJob(accountId, "done");

        List<JsonNode> published = TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId);
        assertThat(published).hasSize(box.expectedIds().size());
        String kid = io.interactionsync.testsupport.DataKeyStore.issue("account:" + accountId).kid();
        for (JsonNode r : published) {
            assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty();
            assertThat(r.has("payload")).isFalse();
            assertThat(r.has("mailbox")).isFalse();
            assertThat(r.path("sealed").path("alg").asText()).isEqualTo("A256GCM");
            assertThat(r.path("sealed").path("kid").asText()).isEqualTo(kid);
            // userId is the portal's subject (the fake connector makes it "user-<email>"): everything else names nobody
            com.fasterxml.jackson.databind.node.ObjectNode rest = r.deepCopy();
            rest.remove("userId");
            assertThat(rest.toString()).doesNotContain("@").doesNotContain(box.email);
        }
        assertThat(published.stream().map(r -> r.path("sealed").path("iv").asText()).distinct()).as("a fresh IV each")
                .hasSize(published.size());
        assertThat(TopicReader.rawRecords(accountId)).allSatisfy(r -> {
            assertThat(r.get("mailbox").asText()).isEqualTo(box.email);
            assertThat(r.path("payload").path("id").asText()).isEqualTo(r.get("remoteId").asText());
        });
    }

    @Test
    void shouldPublishAllMailWithinTheHorizonExactlyOnceArchivedAndLabelledIncludedDraftsChatsSpamAndTrashNot() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = FakeConnectorResource.register(box.email);

        request(accountId, SyncRequest.Mode.AUTO);
        awaitJob(accountId, "done");

        List<JsonNode> records = TopicReader.rawRecords(accountId);
        assertThat(records).hasSize(box.expectedIds().size());
        assertThat(records.stream().map(r -> r.get("remoteId").asText()).collect(Collectors.toSet()))
                .isEqualTo(box.expectedIds());
        String archived = box.withLabels("CATEGORY_PERSONAL");
        String filed = box.withLabels("Label_1");
        assertThat(records).filteredOn(r -> r.get("remoteId").asText().equals(filed)).singleElement()
                .satisfies(r -> assertThat(r.path("payload").path("labelIds").toString()).isEqualTo("[\"Label_1\"]"));
        assertThat(records).filteredOn(r -> r.get("remoteId").asText().equals(archived)).hasSize(1);
        String draft = box.withLabels("DRAFT");
        String chat = box.withLabels("CHAT");
        assertThat(cursors.states(accountId, List.of(archived, filed, draft, chat, box.withLabels("SPAM"))))
                .as("what the audit will compare: live, and drafts/chats known but never published")
                .containsOnly(Map.entry(archived, GmailCursorRepository.MessageState.LIVE),
                        Map.entry(filed, GmailCursorRepository.MessageState.LIVE),
                        Map.entry(draft, GmailCursorRepository.MessageState.EXCLUDED),
                        Map.entry(chat, GmailCursorRepository.MessageState.EXCLUDED));
        for (JsonNode r : records) {
            assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty();
            assertThat(r.get("source").asText()).isEqualTo("gmail");
            assertThat(r.get("op").asText()).isEqualTo("upsert");
            assertThat(r.get("mailbox").asText()).isEqualTo(box.email);
            assertThat(r.get("userId").asText()).isEqualTo("user-" + box.email);
            assertThat(r.get("sharedMailbox").asBoolean()).isFalse();
            JsonNode payload = r.get("payload");
            assertThat(payload.get("id").asText()).isEqualTo(r.get("remoteId").asText());
            assertThat(payload.get("internalDate").isTextual()).as("internalDate as Gmail returns it").isTrue();
            assertThat(payload.path("labelIds").toString()).doesNotContain("SPAM").doesNotContain("TRASH")
                    .doesNotContain("DRAFT").doesNotContain("CHAT");
            assertThat(payload.path("payload").path("headers").toString()).contains("Message-ID")
                    .doesNotContain("X-Not-Requested").as("no subject line is requested (issue 17)")
                    .doesNotContain("\"Subject\"");
            assertThat(payload.has("snippet")).as("nor the snippet, a piece of the body").isFalse();
        }

        GmailCursor cursor = cursors.load(accountId).orElseThrow();
        assertThat(cursor.phase()).isEqualTo(GmailCursor.Phase.INCREMENTAL);
        assertThat(cursor.historyId()).isNotBlank();
        assertThat(cursor.published()).isEqualTo(box.expectedIds().size());
        assertThat(cursor.beyondHorizon()).isPositive();

        List<JsonNode> statuses = awaitStatus(accountId, "synced");
        JsonNode synced = statuses.getLast();
        assertThat(synced.get("fetched").asLong()).isEqualTo(box.expectedIds().size());
        assertThat(synced.get("estimatedTotal").asLong()).as("the bar is full").isEqualTo(box.expectedIds().size());
        assertThat(statuses).filteredOn(st -> st.hasNonNull("estimatedTotal")).isNotEmpty().allSatisfy(st -> assertThat(
                st.get("estimatedTotal").asLong()).isGreaterThanOrEqualTo(st.get("fetched").asLong()));
        assertThat(synced.has("lastSyncedAt")).isTrue();
        assertThat(statuses).anySatisfy(s -> assertThat(s.get("state").asText()).isEqualTo("syncing"));
        statuses.forEach(s -> assertThat(ContractSchemas.validate(ContractSchemas.Contract.SYNC_STATUS, s)).isEmpty());

        assertThat(FakeConnectorResource.lastAuthorization()).hasValueSatisfying(
                h -> assertThat(h).as("service JWT from the OIDC client filter").startsWith("Bearer ey"));
    }

    @Test
    void shouldPublishAThreadsOtherMessagesFromOneThreadsGetAndSkipThemWhenListedLater() {
        TestMailbox box = TestMailbox.standard();
        String thread = "thr" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        // Five ids of the thread on the first listed page → one threads.get, which also brings an INBOX message 20 h
        // older (a later page): published once, skipped when listed.
        box.addToThread(thread, now.minusSeconds(60), true, "INBOX", "UNREAD");
        box.addToThread(thread, now.minusSeconds(90), true, "SENT");
        box.addToThread(thread, now.minusSeconds(120), true, "INBOX");
        box.addToThread(thread, now.minusSeconds(50), true, "CATEGORY_PERSONAL"); // archived
        box.addToThread(thread, now.minusSeconds(20 * 3600), true, "INBOX");
        // Never published: spam, trash, a draft, or older than the horizon.
        box.addToThread(thread, now.minusSeconds(30), false, "SPAM");
        box.addToThread(thread, now.minusSeconds(40), false, "TRASH");
        box.addToThread(thread, now.minusSeconds(45), false, "DRAFT");
        box.addToThread(thread, now.atOffset(java.time.ZoneOffset.UTC).minusMonths(24).minusDays(3).toInstant(), false,
                "INBOX");
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.email);

        request(accountId, SyncRequest.Mode.AUTO);
        awaitJob(accountId, "done");

        List<JsonNode> records = TopicReader.rawRecords(accountId);
        assertThat(records.stream().map(r -> r.get("remoteId").asText()).toList())
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(box.expectedIds());
        records.forEach(r -> assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty());
        assertThat(records).filteredOn(r -> r.path("payload").path("threadId").asText().equals(thread)).hasSize(5)
                .allSatisfy(r -> assertThat(r.path("payload").path("payload").path("headers").toString())
                        .contains("Message-ID").doesNotContain("X-Not-Requested").doesNotContain("\"Subject\""));
        assertThat(records).allSatisfy(r -> assertThat(r.path("payload").has("snippet")).isFalse());
        GmailCursor cursor = cursors.load(accountId).orElseThrow();
        assertThat(cursor.published()).isEqualTo(box.expectedIds().size());
        JsonNode methods = box.stats(emulator).path("methods");
        // One threads.get for the head of the first page; one more for the thread's message older than the horizon,
        // listed after every recent message (a reply: its thread holds other messages), which ends the listing.
        assertThat(methods.path("users.threads.get").path("requests").asLong()).isEqualTo(2);
        // Every other expected id with one messages.get (lone messages), the standard draft and chat, plus up to 4
        // fetched to find the horizon; then the audit after the backfill dates the listing's tail of messages older
        // than the horizon with a binary search of format=minimal probes (at most 4 with 7 ids per page).
        long lone = box.expectedIds().size() - 5 + 2;
        assertThat(methods.path("users.messages.get").path("requests").asLong()).isBetween(lone, lone + 4 + 4);
    }

    @Test
    void shouldResumeFromTheSavedCursorAfterARestartMidBackfillWithoutGaps() throws Exception {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = FakeConnectorResource.register(box.email);

        GmailCursor cursor = backfill.start(accountId, null);
        GmailSession first = openSession(accountId);
        for (int i = 0; i < 5; i++) { // profile, list page 1, two batches of gets, list page 2
            cursor = backfill.step(first, cursor);
        }
        assertThat(cursor.phase()).isEqualTo(GmailCursor.Phase.BACKFILL);
        long publishedBeforeCrash = TopicReader.rawRecords(accountId).size();
        assertThat(publishedBeforeCrash).isPositive().isLessThan(box.expectedIds().size());

        // The process dies: nothing in memory survives. A new one rebuilds the cursor from storage.
        GmailCursor reloaded = cursors.load(accountId).orElseThrow();
        assertThat(reloaded).isEqualTo(cursor);
        GmailSession second = openSession(accountId);
        while (reloaded.phase() == GmailCursor.Phase.BACKFILL) {
            reloaded = backfill.step(second, reloaded);
        }

        List<String> ids = TopicReader.rawRecords(accountId).stream()
                .map(r -> r.get("remoteId").asText()).toList();
        assertThat(Set.copyOf(ids)).isEqualTo(box.expectedIds());
        assertThat(ids).doesNotHaveDuplicates();
    }

    @Test
    void shouldNeverPublishAnEstimateBelowWhatWasReadAndEndWithTheCountWhenGmailsEstimateIsTooLow() throws Exception {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = FakeConnectorResource.register(box.email);
        GmailCursor cursor = backfill.start(accountId, null);
        GmailSession session = openSession(accountId);
        cursor = backfill.step(session, backfill.step(session, cursor)); // profile, list page 1
        long estimate = cursor.estimatedTotal();
        assertThat(estimate).as("all mail but spam and trash: past the horizon, drafts and chats too").isEqualTo(34);
        // Mail arriving in the listed range after page 1 (older than it, inside the horizon): Gmail's figure is stale.
        Instant now = Instant.now();
        for (int i = 0; i < 40; i++) {
            box.expectedIds().add(box.addLive(emulator, now.minusSeconds(86_400L * 40 + 3600L * i), "INBOX"));
        }
        boolean wentPast = false;
        while (cursor.phase() == GmailCursor.Phase.BACKFILL) {
            cursor = backfill.step(session, cursor);
            wentPast |= cursor.morePages() && cursor.fetched() > estimate;
        }
        assertThat(wentPast).as("the backfill read more than Gmail estimated while pages remained").isTrue();
        assertThat(cursor.fetched()).as("only what lies inside the horizon, drafts and chats left out")
                .isEqualTo(box.expectedIds().size());

        request(accountId, SyncRequest.Mode.AUTO); // incremental: the backfill's count stays
        List<JsonNode> statuses = awaitStatus(accountId, "synced");
        assertThat(statuses).filteredOn(st -> st.get("state").asText().equals("syncing")).isNotEmpty()
                .anySatisfy(st -> assertThat(st.get("fetched").asLong()).isGreaterThan(estimate));
        statuses.stream().filter(st -> st.hasNonNull("estimatedTotal")).forEach(st -> assertThat(
                st.get("estimatedTotal").asLong()).as(st.toString()).isGreaterThanOrEqualTo(st.get("fetched").asLong()));
        JsonNode synced = statuses.getLast();
        assertThat(synced.get("fetched").asLong()).isEqualTo(box.expectedIds().size());
        assertThat(synced.get("estimatedTotal").asLong()).isEqualTo(box.expectedIds().size());
    }

    @Test
    void shouldFinishABackfillSavedByTheLabelByLabelListingWithoutGapOrDuplicate() throws Exception {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = FakeConnectorResource.register(box.email);
        GmailCursor cursor = backfill.start(accountId, null);
        GmailSession session = openSession(accountId);
        for (int i = 0; i < 4; i++) { // profile, list page 1, two batches of gets
            cursor = backfill.step(session, cursor);
        }
        // As the former INBOX-then-SENT listing saved it, halfway through SENT.
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update google_sync.source_cursors set label = 'SENT', page_token = 'legacy-token'"
                        + " where account_id = ? and source = 'gmail'")) {
            ps.setString(1, accountId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        GmailCursor legacy = cursors.load(accountId).orElseThrow();
        assertThat(legacy.legacyListing()).isTrue();

        while (legacy.phase() == GmailCursor.Phase.BACKFILL) {
            legacy = backfill.step(session, legacy);
        }

        List<String> ids = TopicReader.rawRecords(accountId).stream()
                .map(r -> r.get("remoteId").asText()).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(Set.copyOf(ids)).isEqualTo(box.expectedIds());
    }

    @Test
    void shouldSkipAndRecordAMessageDeletedBeforeItWasFetched() throws Exception {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = FakeConnectorResource.register(box.email);

        GmailCursor cursor = backfill.start(accountId, null);
        GmailSession session = openSession(accountId);
        cursor = backfill.step(session, cursor); // profile
        cursor = backfill.step(session, cursor); // list page 1
        String deleted = cursor.pendingIds().stream().filter(box.expectedIds()::contains).skip(1).findFirst()
                .orElseThrow();
        box.delete(emulator, deleted);
        while (cursor.phase() == GmailCursor.Phase.BACKFILL) {
            cursor = backfill.step(session, cursor);
        }

        assertThat(cursor.skipped()).isEqualTo(1);
        assertThat(cursors.skipped(accountId)).singleElement().satisfies(row -> {
            assertThat(row[0]).isEqualTo(deleted);
            assertThat(row[1]).startsWith("not_found");
        });
        Set<String> ids = TopicReader.rawRecords(accountId).stream()
                .map(r -> r.get("remoteId").asText()).collect(Collectors.toSet());
        assertThat(ids).isEqualTo(box.expectedIds()).doesNotContain(deleted);
    }

    @Test
    void shouldAskForANewTokenOnceWhenGmailAnswers401AndGoOn() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = FakeConnectorResource.register(box.email);
        FakeConnectorResource.handOutNext(accountId, "not-a-valid-token");

        request(accountId, SyncRequest.Mode.AUTO);
        awaitJob(accountId, "done");

        Set<String> ids = TopicReader.rawRecords(accountId).stream()
                .map(r -> r.get("remoteId").asText()).collect(Collectors.toSet());
        assertThat(ids).isEqualTo(box.expectedIds());
    }

    @Test
    void shouldEndTheJobAndPublishNothingWhenTheAccountsDataKeyWasErased() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = FakeConnectorResource.register(box.email);
        io.interactionsync.testsupport.DataKeyStore.erase("account:" + accountId); // the connector purged it: 410

        request(accountId, SyncRequest.Mode.AUTO);
        awaitJob(accountId, "failed");

        assertThat(TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId)).isEmpty();
    }

    @Test
    void shouldMarkTheSourceFailedWhenTheRefreshedTokenIsRejectedToo() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = FakeConnectorResource.register(box.email);
        FakeConnectorResource.handOutNext(accountId, "bad-token-one", "bad-token-two");

        request(accountId, SyncRequest.Mode.AUTO);
        awaitJob(accountId, "failed");

        JsonNode error = awaitStatus(accountId, "error").getLast();
        assertThat(error.get("lastError").asText()).contains("401").doesNotContain("bad-token");
        assertThat(TopicReader.rawRecords(accountId)).isEmpty();
    }

    @Test
    void shouldStopOnlyTheAccountThatNeedsReauthorization() {
        TestMailbox revoked = TestMailbox.standard().load(emulator);
        TestMailbox healthy = TestMailbox.standard().load(emulator);
        String revokedId = FakeConnectorResource.register(revoked.email);
        String healthyId = FakeConnectorResource.register(healthy.email);
        FakeConnectorResource.requireReauth(revokedId);

        request(revokedId, SyncRequest.Mode.AUTO);
        request(healthyId, SyncRequest.Mode.AUTO);
        awaitJob(revokedId, "failed");
        awaitJob(healthyId, "done");

        assertThat(awaitStatus(revokedId, "reauth_required")).isNotEmpty();
        assertThat(TopicReader.rawRecords(revokedId)).isEmpty();
        assertThat(TopicReader.rawRecords(healthyId)).hasSize(healthy.expectedIds().size());
    }

    @Test
    void shouldTakeOverTheJobOfAReplicaWhoseLeaseExpired() throws Exception {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = FakeConnectorResource.register(box.email);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                insert into google_sync.sync_jobs (account_id, state, mode, sources, requested_at, lease_owner, lease_until)
                values (?, 'running', 'auto', 'gmail', now(), 'dead-replica', now() - interval '1 minute')
                """)) {
            ps.setString(1, accountId);
            ps.executeUpdate();
        }

        awaitJob(accountId, "done");

        assertThat(TopicReader.rawRecords(accountId).stream()
                .map(r -> r.get("remoteId").asText()).collect(Collectors.toSet())).isEqualTo(box.expectedIds());
    }

    @Test
    void shouldPublishTheSameSetDespiteServerErrorsAndThrottlingBursts() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = FakeConnectorResource.register(box.email);
        box.faults(emulator, """
                {"rules": [
                  {"provider": "google", "user": "%1$s", "pathRegex": "/messages", "status": 429, "count": 4, "retryAfterSeconds": 1},
                  {"provider": "google", "user": "%1$s", "pathRegex": "/messages", "status": 503, "probability": 0.1}
                ]}""".formatted(box.email));
        try {
            request(accountId, SyncRequest.Mode.AUTO);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300))
                    .until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
        } finally {
            box.faults(emulator, "{\"rules\": []}");
        }
        List<String> ids = TopicReader.rawRecords(accountId).stream()
                .map(r -> r.get("remoteId").asText()).toList();
        assertThat(Set.copyOf(ids)).isEqualTo(box.expectedIds());
        assertThat(ids).doesNotHaveDuplicates();
        JsonNode stats = box.stats(emulator);
        assertThat(stats.path("throttled").asLong()).as("the 429 burst was answered").isGreaterThanOrEqualTo(4);
        assertThat(stats.path("methods").path("fault").path("requests").asLong()).as("faults fired")
                .isGreaterThan(4);
    }

    @Test
    void shouldIgnoreRequestsForOtherProviders() {
        String accountId = "ms-" + java.util.UUID.randomUUID();
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT,
                List.of(Source.OUTLOOK_MAIL), SyncRequest.Mode.AUTO, SyncRequest.Reason.CONNECT, Instant.now()));
        // A Google request sent afterwards on the same key is processed, so the Microsoft one was consumed before it.
        TestMailbox box = TestMailbox.create();
        box.add(Instant.now().minusSeconds(60), true, "INBOX");
        box.load(emulator);
        String googleId = FakeConnectorResource.register(box.email);
        request(googleId, SyncRequest.Mode.AUTO);
        awaitJob(googleId, "done");
        assertThat(jobs.state(accountId)).isEmpty();
    }

    private GmailSession openSession(String accountId) {
        AccessTokenHolder tokens = new AccessTokenHolder(connector, connector.accessToken(accountId), Clock.systemUTC());
        return sessions.open(tokens, sessions.statusReporter(accountId));
    }

    private void request(String accountId, SyncRequest.Mode mode) {
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.GOOGLE, List.of(Source.GMAIL), mode,
                SyncRequest.Reason.CONNECT, Instant.now()));
    }

    private void awaitJob(String accountId, String state) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> jobs.state(accountId).filter(state::equals).isPresent());
    }

    private static List<JsonNode> awaitStatus(String accountId, String state) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> TopicReader.valuesWithKey(Topics.SYNC_STATUS, accountId),
                        list -> list.stream().anyMatch(s -> state.equals(s.get("state").asText())));
    }
}

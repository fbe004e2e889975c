package io.interactionsync.microsoftsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.repository.MailCursorRepository;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.microsoftsync.source.mail.MailCursor;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.microsoftsync.support.Outlook;
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
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Own-mailbox Outlook mail through the whole service: sync-requests → Graph delta (emulator, SDK) → raw-records. */
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

        sync(accountId);

        List<JsonNode> records = TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId);
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
        assertThat(records).allSatisfy(rec -> assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, rec)).isEmpty());
        for (String folder : List.of("inbox", "sentitems")) {
            MailCursor cursor = cursors.load(accountId, box.upn, folder).orElseThrow();
            assertThat(cursor.phase()).isEqualTo(MailCursor.Phase.INCREMENTAL);
            assertThat(cursor.nextLink()).isNull();
            assertThat(cursor.deltaLink()).startsWith(emulator + "/graph.microsoft.com/v1.0/").contains("$deltatoken=");
        }
        assertThat(cursors.load(accountId, box.upn, "inbox").orElseThrow().beyondHorizon()).isEqualTo(1);
        // 24 inbox messages at 7 per page = 4 pages, 9 sent = 2 pages: one request per page.
        assertThat(box.mailRequests(emulator)).isEqualTo(6);
    }

    @Test
    void shouldPublishAddedMessagesAndDeletesForRemovedOnesIncrementally() {
        Outlook box = Outlook.standard(5, 2).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId);
        int before = TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId).size();
        String victim = box.expectedIds().iterator().next();

        String added = box.addLive(emulator, "sentitems", Instant.now());
        box.deleteLive(emulator, "inbox", victim);
        sync(accountId);

        List<JsonNode> fresh = TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId).subList(before,
                TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId).size());
        assertThat(fresh.stream().collect(Collectors.toMap(r -> r.get("remoteId").asText(), r -> r.get("op").asText())))
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(added, "upsert", victim, "delete"));
        // Both folders were between rounds: their delta links went out together in one $batch.
        io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString(
                "microsoftsync_graph_requests_total{api=\"mail\",outcome=\"ok_batched\"}"));
        JsonNode delete = fresh.stream().filter(r -> r.get("op").asText().equals("delete")).findFirst().orElseThrow();
        assertThat(delete.path("payload").path("@removed").path("reason").asText()).isEqualTo("deleted");
        assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, delete)).isEmpty();
    }

    @Test
    void shouldRestartAFolderOnceWhenItsDeltaTokenExpired() {
        Outlook box = Outlook.standard(4, 3).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        sync(accountId);
        String runBefore = cursors.load(accountId, box.upn, "inbox").orElseThrow().syncRunId();
        int requestsBefore = box.mailRequests(emulator);

        box.expireDelta(emulator);
        String added = box.addLive(emulator, "inbox", Instant.now());
        sync(accountId);

        MailCursor inbox = cursors.load(accountId, box.upn, "inbox").orElseThrow();
        assertThat(inbox.syncRunId()).isNotEqualTo(runBefore);
        assertThat(inbox.phase()).isEqualTo(MailCursor.Phase.INCREMENTAL);
        Set<String> ids = TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId).stream()
                .map(r -> r.get("remoteId").asText()).collect(Collectors.toSet());
        assertThat(ids).contains(added).isEqualTo(box.expectedIds());
        // Per folder: the 410 (both inside one $batch), then a fresh initial round (inbox 5 + 1 old = 1 page,
        // sent 3 = 1 page): 4 delta requests, none repeated after its 410.
        assertThat(box.mailRequests(emulator) - requestsBefore).isEqualTo(4);
    }

    void sync(String accountId) {
        Instant requested = Instant.now();
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT, List.of(Source.OUTLOOK_MAIL),
                SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, requested));
        await().atMost(WAIT).failFast("the job failed", () -> jobs.state(accountId).filter("failed"::equals).isPresent())
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent()
                && cursors.load(accountId, jobsAccountMailbox(accountId), "sentitems")
                .map(c -> c.lastSyncedAt() != null && c.lastSyncedAt().isAfter(requested)).orElse(false));
    }

    private static String jobsAccountMailbox(String accountId) {
        return FakeConnectorResource.userId(accountId).substring("user-".length());
    }
}

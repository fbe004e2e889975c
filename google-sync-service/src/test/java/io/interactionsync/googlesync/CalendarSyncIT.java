package io.interactionsync.googlesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.googlesync.repository.CalendarCursorRepository;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.googlesync.source.calendar.CalendarCursor;
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
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Google Calendar: full listing from the horizon, incremental with the sync token, 410, cancelled → delete. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class CalendarSyncIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static KafkaTestClient kafka;

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    CalendarCursorRepository cursors;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void shouldListFromTheHorizonThenFollowChangesWithTheSyncTokenAndListAgainAfter410() {
        TestMailbox box = TestMailbox.create();
        Instant now = Instant.now();
        String past = box.event(now.minusSeconds(86_400 * 10), "confirmed").get("id").asText();
        String future = box.event(now.plusSeconds(86_400 * 3), "confirmed").get("id").asText();
        String cancelled = box.event(now.minusSeconds(86_400), "cancelled").get("id").asText();
        String tooOld = box.event(now.atOffset(ZoneOffset.UTC).minusMonths(30).toInstant(), "confirmed").get("id").asText();
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.email);

        // Full listing: the two events as upserts, the cancelled one as a delete, nothing before the horizon.
        List<JsonNode> first = syncAndAwait(accountId, 0, 3);
        assertThat(ops(first)).isEqualTo(Map.of(past, "upsert", future, "upsert", cancelled, "delete"));
        assertThat(ops(first)).doesNotContainKey(tooOld);
        for (JsonNode r : first) {
            assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty();
            assertThat(r.get("source").asText()).isEqualTo("google_calendar");
            assertThat(r.get("mailbox").asText()).isEqualTo(box.email);
            assertThat(r.path("payload").path("id").asText()).isEqualTo(r.get("remoteId").asText());
        }
        CalendarCursor afterFull = cursors.load(accountId).orElseThrow();
        assertThat(afterFull.phase()).isEqualTo(CalendarCursor.Phase.INCREMENTAL);
        assertThat(afterFull.syncToken()).isNotBlank();

        // Incremental with the sync token: exactly the new event and the deletion.
        String added = box.addEventLive(emulator, now.plusSeconds(7200));
        box.deleteEvent(emulator, past);
        List<JsonNode> second = syncAndAwait(accountId, 3, 2);
        assertThat(ops(second)).isEqualTo(Map.of(added, "upsert", past, "delete"));
        JsonNode deleted = second.stream().filter(r -> r.get("remoteId").asText().equals(past)).findFirst().orElseThrow();
        assertThat(deleted.path("payload").path("status").asText()).isEqualTo("cancelled");
        String tokenAfterIncremental = cursors.load(accountId).orElseThrow().syncToken();
        assertThat(tokenAfterIncremental).isNotEqualTo(afterFull.syncToken());

        // Progress is the listing's: the two live events it read (not the cancelled one); the incremental run keeps it.
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode synced = lastCalendarStatus(accountId, "synced");
            assertThat(synced.path("fetched").asLong()).isEqualTo(2);
            assertThat(synced.path("estimatedTotal").asLong()).isEqualTo(2);
        });

        // 410: the token is dropped and the calendar listed again from the horizon as a resync: only what changed
        // meanwhile is published (a new event, a changed one); unchanged and already deleted events are not.
        box.expireSyncTokens(emulator);
        String later = box.addEventLive(emulator, now.plusSeconds(9000));
        box.changeEventLive(emulator, added);
        List<JsonNode> third = syncAndAwait(accountId, 5, 2);
        assertThat(ops(third)).isEqualTo(Map.of(later, "upsert", added, "upsert"));
        JsonNode moved = third.stream().filter(r -> r.get("remoteId").asText().equals(added)).findFirst().orElseThrow();
        JsonNode before = second.stream().filter(r -> r.get("remoteId").asText().equals(added)).findFirst().orElseThrow();
        assertThat(moved.path("payload").path("etag").asText()).as("the changed version")
                .isNotEqualTo(before.path("payload").path("etag").asText());
        assertThat(moved.path("payload").has("summary")).as("no summary is requested (issue 17)").isFalse();
        assertThat(moved.path("payload").path("start").path("dateTime").isMissingNode()).isFalse();
        CalendarCursor afterRelist = cursors.load(accountId).orElseThrow();
        assertThat(afterRelist.phase()).isEqualTo(CalendarCursor.Phase.INCREMENTAL);
        assertThat(afterRelist.syncToken()).isNotEqualTo(tokenAfterIncremental);
        assertThat(afterRelist.syncRunId()).isNotEqualTo(afterFull.syncRunId());
        assertThat(afterRelist.fetched()).as("live events listed by the resync, unchanged ones included").isEqualTo(3);
        assertThat(afterRelist.estimatedTotal()).isEqualTo(3);
        List<JsonNode> statuses = TopicReader.valuesWithKey(Topics.SYNC_STATUS, accountId).stream()
                .filter(st -> st.path("source").asText().equals("google_calendar")).toList();
        statuses.forEach(st -> assertThat(ContractSchemas.validate(ContractSchemas.Contract.SYNC_STATUS, st)).isEmpty());
        statuses.stream().filter(st -> st.hasNonNull("estimatedTotal")).forEach(st -> assertThat(
                st.get("estimatedTotal").asLong()).isGreaterThanOrEqualTo(st.get("fetched").asLong()));

        // A full listing no longer lists `future` (it vanished without a cancelled entry): it gets a delete.
        box.forgetEvent(future);
        box.forgetEvent(past); // deleted above; gone from the reloaded calendar as well
        box.load(emulator);
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.GOOGLE,
                List.of(Source.GOOGLE_CALENDAR), SyncRequest.Mode.FULL, SyncRequest.Reason.MANUAL, Instant.now()));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> TopicReader.rawRecords(accountId), l -> l.stream().skip(7)
                        .anyMatch(r -> r.get("remoteId").asText().equals(future)));
        awaitDone(accountId);
        List<JsonNode> fourth = TopicReader.rawRecords(accountId);
        assertThat(ops(fourth.subList(7, fourth.size()))).isEqualTo(Map.of(later, "upsert", added, "upsert",
                cancelled, "delete", future, "delete"));
        JsonNode vanished = fourth.stream().skip(7).filter(r -> r.get("remoteId").asText().equals(future))
                .findFirst().orElseThrow();
        assertThat(vanished.path("payload").path("status").asText()).isEqualTo("cancelled");
        assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, vanished)).isEmpty();
        assertThat(cursors.load(accountId).orElseThrow().estimatedTotal()).isEqualTo(2);
    }

    private static JsonNode lastCalendarStatus(String accountId, String state) {
        return TopicReader.valuesWithKey(Topics.SYNC_STATUS, accountId).stream()
                .filter(st -> st.path("source").asText().equals("google_calendar"))
                .filter(st -> st.path("state").asText().equals(state)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + state + " status yet"));
    }

    private List<JsonNode> syncAndAwait(String accountId, int before, int expected) {
        request(accountId);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> TopicReader.rawRecords(accountId), l -> l.size() >= before + expected);
        awaitDone(accountId);
        List<JsonNode> all = TopicReader.rawRecords(accountId);
        assertThat(all).hasSize(before + expected);
        return all.subList(before, all.size());
    }

    private void awaitDone(String accountId) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
    }

    private static Map<String, String> ops(List<JsonNode> records) {
        return records.stream().collect(Collectors.toMap(r -> r.get("remoteId").asText(), r -> r.get("op").asText(),
                (a, b) -> b));
    }

    private void request(String accountId) {
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.GOOGLE,
                List.of(Source.GOOGLE_CALENDAR), SyncRequest.Mode.AUTO, SyncRequest.Reason.CONNECT, Instant.now()));
    }
}

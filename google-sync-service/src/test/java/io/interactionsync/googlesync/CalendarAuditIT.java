package io.interactionsync.googlesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.googlesync.repository.CalendarCursorRepository;
import io.interactionsync.googlesync.support.TestMailbox;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TopicReader;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Google Calendar completeness audit: changes the sync token listing lost (the emulator's {@code omit} fault on
 * events.list) are found by comparing ids and etags with what was published, and repaired.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class CalendarAuditIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static KafkaTestClient kafka;

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    CalendarCursorRepository events;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void shouldRepublishAChangeAndANewEventAndDeleteAVanishedOneThatTheSyncTokenListingLost() {
        TestMailbox box = TestMailbox.create();
        Instant now = Instant.now();
        String changed = box.event(now.minusSeconds(86_400 * 5), "confirmed").get("id").asText();
        String removed = box.event(now.plusSeconds(86_400 * 2), "confirmed").get("id").asText();
        String steady = box.event(now.minusSeconds(86_400 * 40), "confirmed").get("id").asText();
        box.event(now.atOffset(ZoneOffset.UTC).minusMonths(30).toInstant(), "confirmed"); // before the horizon
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.email);
        Instant backfillAt = Instant.now();
        request(accountId, false);
        JsonNode first = awaitAudit(accountId, backfillAt);
        assertThat(first.get("state").asText()).isEqualTo("synced");
        assertThat(first.get("completeness").get("providerCount").asLong()).isEqualTo(3);
        assertThat(ops(TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId)))
                .isEqualTo(Map.of(changed, "upsert", removed, "upsert", steady, "upsert"));

        // The sync token listing loses every item: the token moves past a change, a new event and a deletion.
        box.faults(emulator, """
                {"seed": 16, "rules": [{"provider": "google", "user": "%s",
                  "pathRegex": "/calendar/v3/calendars/[^/]+/events$", "omit": 1.0}]}""".formatted(box.email));
        String added;
        try {
            box.changeEventLive(emulator, changed);
            added = box.addEventLive(emulator, now.plusSeconds(3600));
            box.deleteEvent(emulator, removed);
            Instant syncAt = Instant.now();
            request(accountId, false);
            awaitFinished(accountId, syncAt);
            assertThat(TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId)).as("all three lost").hasSize(3);
        } finally {
            box.faults(emulator, "{\"rules\": []}");
        }

        Instant auditAt = Instant.now();
        request(accountId, true);
        JsonNode status = awaitAudit(accountId, auditAt);

        List<JsonNode> all = TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId);
        List<JsonNode> fresh = all.subList(3, all.size());
        assertThat(ops(fresh)).isEqualTo(Map.of(changed, "upsert", added, "upsert", removed, "delete"));
        fresh.forEach(r -> assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty());
        JsonNode repaired = fresh.stream().filter(r -> r.get("remoteId").asText().equals(changed)).findFirst().orElseThrow();
        JsonNode original = all.subList(0, 3).stream().filter(r -> r.get("remoteId").asText().equals(changed))
                .findFirst().orElseThrow();
        assertThat(repaired.path("payload").path("etag").asText()).as("the changed version")
                .isNotEqualTo(original.path("payload").path("etag").asText());
        assertThat(repaired.path("payload").has("summary")).as("events.get asks for no summary either").isFalse();
        assertThat(fresh.stream().filter(r -> r.get("remoteId").asText().equals(removed)).findFirst().orElseThrow()
                .path("payload").path("status").asText()).isEqualTo("cancelled");
        assertThat(status.get("state").asText()).isEqualTo("synced");
        JsonNode c = status.get("completeness");
        assertThat(c.get("missing").asLong()).isEqualTo(3);
        assertThat(c.get("repaired").asLong()).isEqualTo(3);
        assertThat(c.get("providerCount").asLong()).isEqualTo(3);
        assertThat(events.published(accountId, List.of(changed, added, removed, steady)).keySet())
                .containsExactlyInAnyOrder(changed, added, steady);

        // Nothing left: the next audit finds no gap and publishes nothing.
        Instant againAt = Instant.now();
        request(accountId, true);
        JsonNode again = awaitAudit(accountId, againAt);
        assertThat(again.get("completeness").get("missing").asLong()).isZero();
        assertThat(TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId)).hasSize(all.size());
    }

    private void request(String accountId, boolean audit) {
        SyncRequest r = SyncRequest.of(accountId, Provider.GOOGLE, List.of(Source.GOOGLE_CALENDAR),
                SyncRequest.Mode.AUTO, audit ? SyncRequest.Reason.MANUAL : SyncRequest.Reason.SCHEDULE, Instant.now());
        kafka.send(Topics.SYNC_REQUESTS, accountId, audit ? r.withAudit() : r);
    }

    private JsonNode awaitAudit(String accountId, Instant since) {
        return awaitFinished(accountId, since, s -> s.hasNonNull("completeness")
                && Instant.parse(s.get("completeness").get("checkedAt").asText()).isAfter(since));
    }

    private JsonNode awaitFinished(String accountId, Instant since) {
        return awaitFinished(accountId, since, s -> true);
    }

    private JsonNode awaitFinished(String accountId, Instant since, java.util.function.Predicate<JsonNode> matching) {
        JsonNode status = await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> TopicReader.valuesWithKey(Topics.SYNC_STATUS, accountId).stream()
                        .filter(s -> s.get("source").asText().equals("google_calendar"))
                        .filter(s -> Set.of("synced", "incomplete").contains(s.get("state").asText()))
                        .filter(s -> Instant.parse(s.get("at").asText()).isAfter(since))
                        .filter(matching).findFirst(), java.util.Optional::isPresent).orElseThrow();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
        return status;
    }

    private static Map<String, String> ops(List<JsonNode> records) {
        return records.stream().collect(Collectors.toMap(r -> r.get("remoteId").asText(), r -> r.get("op").asText(),
                (a, b) -> a + "," + b));
    }
}

package io.interactionsync.microsoftsync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.connector.ConnectorClient;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.graph.GraphApi;
import io.interactionsync.microsoftsync.graph.GraphClients;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.graph.MailboxThrottle;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.microsoftsync.repository.CalendarRepository;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.microsoftsync.source.calendar.CalendarCursor;
import io.interactionsync.microsoftsync.source.calendar.CalendarDeltaSource;
import io.interactionsync.microsoftsync.source.mail.MailDeltaSource;
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
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Outlook calendar via calendarView delta: window, UTC, cancelled → delete, removals, re-anchoring. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class CalendarSyncIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    CalendarRepository calendars;

    @Inject
    CalendarDeltaSource source;

    @Inject
    GraphClients clients;

    @Inject
    GraphApi api;

    @Inject
    MailboxThrottle throttle;

    @Inject
    SyncMetrics metrics;

    @Inject
    MicrosoftSyncConfig config;

    @Inject
    ConnectorClient connector;

    @Test
    void shouldPublishEventsInTheWindowInUtcCancelledAsDeletesAndIgnoreRemovalsOutsideTheWindow() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Outlook user = Outlook.create();
        String utc = user.event(now.plus(2, ChronoUnit.DAYS), now.plus(2, ChronoUnit.DAYS).plusSeconds(1800), false, "UTC");
        String pacific = user.event(Instant.parse("2026-03-10T17:00:00Z").isBefore(now) ? now.minus(20, ChronoUnit.DAYS)
                : now.plus(20, ChronoUnit.DAYS), now.plus(20, ChronoUnit.DAYS).plusSeconds(3600), false, "America/Los_Angeles");
        String cancelled = user.event(now.plus(3, ChronoUnit.DAYS), now.plus(3, ChronoUnit.DAYS).plusSeconds(1800), true, "UTC");
        Instant old = now.atOffset(ZoneOffset.UTC).minusMonths(30).toInstant();
        String tooOld = user.event(old, old.plusSeconds(1800), false, "UTC");
        Instant far = now.atOffset(ZoneOffset.UTC).plusMonths(14).toInstant();
        String tooFar = user.event(far, far.plusSeconds(1800), false, "UTC");
        user.load(emulator);
        String accountId = FakeConnectorResource.register(user.upn);

        sync(accountId);

        List<JsonNode> records = TopicReader.rawRecords(accountId);
        Map<String, String> ops = records.stream().collect(Collectors.toMap(r -> r.get("remoteId").asText(),
                r -> r.get("op").asText()));
        assertThat(ops).containsExactlyInAnyOrderEntriesOf(Map.of(utc, "upsert", pacific, "upsert", cancelled, "delete"));
        assertThat(ops).doesNotContainKeys(tooOld, tooFar);
        JsonNode p = records.stream().filter(r -> r.get("remoteId").asText().equals(pacific)).findFirst().orElseThrow();
        assertThat(p.path("payload").path("start").path("timeZone").asText()).isEqualTo("UTC");
        assertThat(records).as("only the fields the rules read: no subject, preview or location (issue 17)")
                .allSatisfy(r -> assertThat(r.path("payload").has("subject") || r.path("payload").has("bodyPreview")
                        || r.path("payload").has("location")).isFalse());
        assertThat(p.path("payload").path("attendees").isArray()).isTrue();
        assertThat(p.get("source").asText()).isEqualTo("outlook_calendar");
        assertThat(p.get("mailbox").asText()).isEqualTo(user.upn);
        assertThat(records).allSatisfy(r -> assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty());
        CalendarCursor cursor = calendars.load(accountId).orElseThrow();
        assertThat(cursor.deltaLink()).contains("$deltatoken=");
        assertThat(Duration.between(cursor.windowStart(), cursor.windowEnd()).toDays()).isBetween(1090L, 1100L);
        // Progress: the two live events of the window (not the cancelled one); Graph gives no count, so no estimate
        // while the first round runs, and a full bar once synced.
        List<JsonNode> statuses = await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.valuesWithKey(
                        io.interactionsync.model.Topics.SYNC_STATUS, accountId).stream()
                .filter(st -> st.path("source").asText().equals("outlook_calendar")).toList(),
                l -> l.stream().anyMatch(st -> st.get("state").asText().equals("synced")));
        assertThat(statuses).filteredOn(st -> st.get("state").asText().equals("syncing"))
                .allSatisfy(st -> assertThat(st.hasNonNull("estimatedTotal")).isFalse());
        assertThat(statuses.getLast().get("fetched").asLong()).isEqualTo(2);
        assertThat(statuses.getLast().get("estimatedTotal").asLong()).isEqualTo(2);
        assertThat(cursor.fetched()).isEqualTo(2);

        // A removal outside the window is ignored; one inside becomes a delete.
        given().baseUri(emulator).delete("/_emulator/microsoft/users/" + user.upn + "/events/" + tooOld).then().statusCode(204);
        given().baseUri(emulator).delete("/_emulator/microsoft/users/" + user.upn + "/events/" + utc).then().statusCode(204);
        sync(accountId);
        List<JsonNode> after = TopicReader.rawRecords(accountId);
        List<JsonNode> fresh = after.subList(records.size(), after.size());
        assertThat(fresh).hasSize(1);
        assertThat(fresh.getFirst().get("remoteId").asText()).isEqualTo(utc);
        assertThat(fresh.getFirst().get("op").asText()).isEqualTo("delete");
    }

    @Test
    void shouldReanchorTheWindowSoThatLaterMeetingsAppearWithoutRepublishingUnchangedOnes() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Outlook user = Outlook.create();
        String soon = user.event(now.plus(1, ChronoUnit.DAYS), now.plus(1, ChronoUnit.DAYS).plusSeconds(1800), false, "UTC");
        Instant later = now.atOffset(ZoneOffset.UTC).plusMonths(9).toInstant();
        String nineMonthsAhead = user.event(later, later.plusSeconds(1800), false, "UTC");
        user.load(emulator);
        String accountId = FakeConnectorResource.register(user.upn);

        // A window anchored 6 months ago: it ends 6 months from now, so the meeting 9 months ahead is outside it.
        Instant anchored = now.atOffset(ZoneOffset.UTC).minusMonths(6).toInstant();
        CalendarCursor cursor = new CalendarCursor("run-old", CalendarCursor.Phase.INITIAL,
                anchored.atOffset(ZoneOffset.UTC).minusMonths(24).toInstant(), anchored.atOffset(ZoneOffset.UTC).plusMonths(12).toInstant(),
                anchored, null, null, 0, 0, anchored, null);
        MailDeltaSource.Target target = new MailDeltaSource.Target(accountId, FakeConnectorResource.userId(accountId), user.upn, false);
        GraphGateway graph = new GraphGateway(clients.graph(), clients.links(), api,
                new AccessTokenHolder(connector, connector.accessToken(accountId), Clock.systemUTC()), throttle, metrics, config,
                Clock.systemUTC(), user.upn, false);
        do {
            cursor = source.step(graph, target, cursor);
        } while (cursor.nextLink() != null);
        assertThat(TopicReader.rawRecords(accountId).stream().map(r -> r.get("remoteId").asText()))
                .containsExactly(soon);

        sync(accountId);

        List<JsonNode> all = TopicReader.rawRecords(accountId);
        assertThat(all.stream().map(r -> r.get("remoteId").asText()).toList())
                .as("the later meeting appears; the unchanged one is not published again").containsExactly(soon, nineMonthsAhead);
        CalendarCursor reanchored = calendars.load(accountId).orElseThrow();
        assertThat(reanchored.anchoredAt()).isAfter(now.minusSeconds(3600));
        assertThat(reanchored.windowEnd()).isAfter(later);
    }

    private void sync(String accountId) {
        Instant requested = Instant.now();
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT,
                    List.of(Source.OUTLOOK_CALENDAR), SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, requested));
        }
        await().atMost(WAIT).failFast(() -> jobs.state(accountId).filter("failed"::equals).isPresent())
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent()
                        && calendars.load(accountId).map(c -> c.lastSyncedAt() != null && c.lastSyncedAt().isAfter(requested))
                        .orElse(false));
    }
}

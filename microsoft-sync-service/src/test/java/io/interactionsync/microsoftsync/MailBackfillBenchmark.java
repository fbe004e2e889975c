package io.interactionsync.microsoftsync;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.repository.MailCursorRepository;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.microsoftsync.source.mail.MailCursor;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.model.Json;
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
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Outlook mail backfill against the emulator — a measurement, not a test: its name matches neither *Tests nor *IT,
 * so it only runs when asked for:
 * <pre>
 * ./mvnw -B -o -pl microsoft-sync-service verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=MailBackfillBenchmark -Dbench.messages=20000 [-Dbench.months=30] [-Dbench.horizon-filter=true]
 * </pre>
 * Production page size (1000) and throttling defaults (4 concurrent, 10,000 requests / 10 min per mailbox).
 */
@QuarkusTest
@TestProfile(MailBackfillBenchmark.ProductionSizes.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class MailBackfillBenchmark {

    public static class ProductionSizes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("microsoft-sync.mail.page-size", System.getProperty("bench.page-size", "1000"),
                    "microsoft-sync.mail.horizon-filter", System.getProperty("bench.horizon-filter", "false"),
                    "microsoft-sync.status.every-records", "5000");
        }
    }

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @ConfigProperty(name = "microsoft-sync.mail.page-size")
    int pageSize;

    @Inject
    SyncJobRepository jobs;

    @Inject
    MailCursorRepository cursors;

    @Test
    void measureBackfill() throws Exception {
        int messages = Integer.getInteger("bench.messages", 3000);
        int months = Integer.getInteger("bench.months", 24);
        HttpClient http = HttpClient.newHttpClient();
        String domain = "msbench" + System.nanoTime() % 100000 + ".test";
        HttpResponse<String> generated = http.send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/generate"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"seed\":11,\"googleUsers\":0,\"microsoftUsers\":1,\"messagesPerMailbox\":"
                        + messages + ",\"eventsPerCalendar\":0,\"months\":" + months + ",\"domain\":\"" + domain + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String upn = Json.mapper().readTree(generated.body()).get("microsoft").get(0).get("upn").asText();
        String accountId = FakeConnectorResource.register(upn);

        Instant start = Instant.now();
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT, List.of(Source.OUTLOOK_MAIL),
                    SyncRequest.Mode.AUTO, SyncRequest.Reason.CONNECT, start));
        }
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> jobs.state(accountId).filter(s -> s.equals("done") || s.equals("failed")).isPresent());
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;

        long read = 0;
        long published = 0;
        long beyond = 0;
        long bound = 0;
        for (String folder : List.of("inbox", "sentitems")) {
            MailCursor c = cursors.load(accountId, upn, folder).orElseThrow();
            read += c.fetched();
            published += c.published();
            beyond += c.beyondHorizon();
            bound += Math.max(1, (c.fetched() + pageSize - 1) / pageSize);
        }
        JsonNode stats = Json.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/stats"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body()).path("users").path(upn);
        long requests = stats.path("methods").path("graph.mail.delta").path("requests").asLong();
        long throttled = stats.path("throttled").asLong();
        System.out.printf("%n=== Outlook mail backfill benchmark (job %s) ===%n"
                        + "mailbox: %d messages generated over %d months; inbox + sentitems returned %d, published %d, %d beyond the horizon%n"
                        + "horizon: %s%nwall time: %.1f s (incl. Kafka acks and cursor saves)%nthroughput: %.0f messages/s published, %.0f read/s%n"
                        + "Graph delta requests: %d; page-size bound ceil(n/%d) per folder: %d; ratio %.3f; per 1,000 messages %.2f%n"
                        + "throttled responses: %d%n%n",
                jobs.state(accountId).orElse("?"), messages, months, read, published, beyond,
                Boolean.getBoolean("bench.horizon-filter") ? "$filter=receivedDateTime ge …" : "client-side",
                seconds, published / seconds, read / seconds, requests, pageSize, bound, (double) requests / bound,
                1000.0 * requests / Math.max(1, read), throttled);
    }
}

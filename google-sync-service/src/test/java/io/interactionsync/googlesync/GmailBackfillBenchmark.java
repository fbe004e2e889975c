package io.interactionsync.googlesync;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.googlesync.source.gmail.GmailCursor;
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
 * Backfill throughput at the default quota against the emulator — a measurement, not a test: its name matches
 * neither *Tests nor *IT, so it only runs when asked for, from the repository root:
 * <pre>
 * google-sync-service/bench/gmail-backfill.sh 20000
 * # which runs:
 * ./mvnw -B -pl google-sync-service -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=GmailBackfillBenchmark -Dbench.messages=20000
 * </pre>
 * Production batch sizes (list 500, get batches of 50) and pacing (15,000 units/user/minute).
 */
@QuarkusTest
@TestProfile(GmailBackfillBenchmark.ProductionSizes.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class GmailBackfillBenchmark {

    public static class ProductionSizes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("google-sync.gmail.list-page-size", "500",
                    "google-sync.gmail.get-batch-size", System.getProperty("bench.get-batch-size", "50"),
                    "google-sync.gmail.thread-min-messages", System.getProperty("bench.thread-min-messages", "2"),
                    "google-sync.gmail.threads-for-replies", System.getProperty("bench.threads-for-replies", "true"),
                    "google-sync.gmail.get-concurrency", System.getProperty("bench.get-concurrency", "8"),
                    "google-sync.status.every-records", "1000");
        }
    }

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    GmailCursorRepository cursors;

    @Test
    void measureBackfillThroughput() throws Exception {
        int messages = Integer.getInteger("bench.messages", 3000);
        HttpClient http = HttpClient.newHttpClient();
        String domain = "bench" + System.nanoTime() % 100000 + ".test";
        HttpResponse<String> generated = http.send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/generate"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"seed\":7,\"googleUsers\":1,\"messagesPerMailbox\":" + messages
                        + ",\"eventsPerCalendar\":0,\"domain\":\"" + domain + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        String email = Json.mapper().readTree(generated.body()).get("google").get(0).get("email").asText();
        // Provider latency per request (the emulator answers at once by default; Google takes ~100 ms and more).
        int latency = Integer.getInteger("bench.latency-ms", 0);
        http.send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/config"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"latencyMs\":" + latency + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String accountId = FakeConnectorResource.register(email);

        Instant start = Instant.now();
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.GOOGLE, List.of(Source.GMAIL),
                    SyncRequest.Mode.AUTO, SyncRequest.Reason.CONNECT, start));
        }
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;

        GmailCursor cursor = cursors.load(accountId).orElseThrow();
        JsonNode stats = Json.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/stats"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body()).path("users").path(email);
        long units = stats.path("quotaUnits").asLong();
        long throttled = stats.path("throttled").asLong();
        double perSecond = cursor.published() / seconds;
        JsonNode methods = stats.path("methods");
        System.out.printf("%n=== Gmail backfill benchmark ===%nprovider latency: %d ms per request, get-concurrency %s, "
                        + "thread-min-messages %s, threads-for-replies %s, get-batch-size %s%n"
                        + "mailbox: %d messages generated, %d published (all mail within the horizon but drafts, chats, "
                        + "spam and trash), %d beyond the horizon%nwall time: %.1f s%nthroughput: %.1f messages/s%n"
                        + "quota units: %d (%.2f units/message)%nratio to the messages.get-only bound (50 messages/s/user): "
                        + "%.2f%nrate-limit errors received: %d%ncalls: %d messages.list, %d messages.get, %d threads.get%n%n",
                latency, System.getProperty("bench.get-concurrency", "8"),
                System.getProperty("bench.thread-min-messages", "2"), System.getProperty("bench.threads-for-replies", "true"),
                System.getProperty("bench.get-batch-size", "50"), messages, cursor.published(),
                cursor.beyondHorizon(), seconds, perSecond, units,
                (double) units / Math.max(1, cursor.published()), perSecond / 50.0, throttled,
                methods.path("users.messages.list").path("requests").asLong(),
                methods.path("users.messages.get").path("requests").asLong(),
                methods.path("users.threads.get").path("requests").asLong());
    }
}

package io.interactionsync.googlesync;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.sync.audit.AuditStore;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.interactionsync.googlesync.source.gmail.GmailCursor;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.model.Completeness;
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
 * Production batch sizes (list 500, get batches of 50) and pacing (15,000 units/user/minute). After the backfill (and
 * the audit that follows it), one completeness audit is requested and measured: quota units from
 * {@code /_emulator/stats} before and after, seconds from the auditor's timer, both per 10,000 messages.
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

    @Inject
    AuditStore audits;

    @Inject
    MeterRegistry registry;

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
        JsonNode job = stats(http, email);
        Audit afterBackfill = auditTimer();

        // One audit of the synced mailbox, on request (the daily or on-demand audit): nothing to repair.
        JsonNode before = job;
        Instant requested = Instant.now();
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.GOOGLE, List.of(Source.GMAIL),
                    SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, requested).withAudit());
        }
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> audits.last(accountId, Source.GMAIL, null)
                        .filter(a -> a.completeness().checkedAt().isAfter(requested)).isPresent()
                        && jobs.state(accountId).filter("done"::equals).isPresent());
        JsonNode after = stats(http, email);
        Audit requestedAudit = auditTimer();
        Completeness audited = audits.last(accountId, Source.GMAIL, null).orElseThrow().completeness();
        long auditListCalls = calls(after, "users.messages.list") - calls(before, "users.messages.list");
        long auditGetCalls = calls(after, "users.messages.get") - calls(before, "users.messages.get");
        // The run's history.list (2 units) is not the audit's.
        long auditUnits = after.path("quotaUnits").asLong() - before.path("quotaUnits").asLong()
                - 2 * (calls(after, "users.history.list") - calls(before, "users.history.list"));
        double auditSeconds = requestedAudit.seconds() - afterBackfill.seconds();
        // The audit after the backfill made the same calls (same listing, same states): the backfill alone is the rest.
        long units = job.path("quotaUnits").asLong() - auditUnits;
        double backfillSeconds = seconds - afterBackfill.seconds();
        long throttled = job.path("throttled").asLong();
        double perSecond = cursor.published() / backfillSeconds;
        double per10k = 10_000.0 / Math.max(1, audited.providerCount());
        System.out.printf("%n=== Gmail backfill benchmark ===%nprovider latency: %d ms per request, get-concurrency %s, "
                        + "thread-min-messages %s, threads-for-replies %s, get-batch-size %s%n"
                        + "mailbox: %d messages generated, %d published (all mail within the horizon but drafts, chats, "
                        + "spam and trash), %d beyond the horizon%n"
                        + "backfill job: %.1f s wall time, of which the audit after the backfill %.1f s%n"
                        + "backfill alone: %.1f s, %.1f messages/s%n"
                        + "quota units: %d (%.2f units/message)%nratio to the messages.get-only bound (50 messages/s/user): "
                        + "%.2f%nrate-limit errors received: %d%ncalls: %d messages.list, %d messages.get, %d threads.get "
                        + "(the audit's included)%n"
                        + "audit on request: %.2f s, %d units (%d messages.list, %d messages.get(minimal) probes), "
                        + "provider %d, missing %d%n"
                        + "audit per 10,000 messages: %.0f quota units, %.2f s%n%n",
                latency, System.getProperty("bench.get-concurrency", "8"),
                System.getProperty("bench.thread-min-messages", "2"), System.getProperty("bench.threads-for-replies", "true"),
                System.getProperty("bench.get-batch-size", "50"), messages, cursor.published(),
                cursor.beyondHorizon(), seconds, afterBackfill.seconds(), backfillSeconds, perSecond, units,
                (double) units / Math.max(1, cursor.published()), perSecond / 50.0, throttled,
                calls(job, "users.messages.list"), calls(job, "users.messages.get"), calls(job, "users.threads.get"),
                auditSeconds, auditUnits, auditListCalls, auditGetCalls, audited.providerCount(), audited.missing(),
                auditUnits * per10k, auditSeconds * per10k);
    }

    /** Audits of Gmail so far: how many, and their total duration (the auditor's timer). */
    private record Audit(long count, double seconds) {
    }

    private Audit auditTimer() {
        io.micrometer.core.instrument.Timer timer = registry.find("googlesync.audit.duration").tag("source", "gmail").timer();
        return timer == null ? new Audit(0, 0)
                : new Audit(timer.count(), timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0);
    }

    private JsonNode stats(HttpClient http, String email) throws Exception {
        return Json.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/stats"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body()).path("users").path(email);
    }

    private static long calls(JsonNode stats, String method) {
        return stats.path("methods").path(method).path("requests").asLong();
    }
}

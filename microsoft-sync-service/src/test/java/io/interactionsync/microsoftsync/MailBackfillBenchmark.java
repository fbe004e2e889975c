package io.interactionsync.microsoftsync;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.repository.MailCursorRepository;
import io.interactionsync.microsoftsync.repository.MailboxRepository;
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
 * ./mvnw -B -pl microsoft-sync-service -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=MailBackfillBenchmark -Dbench.messages=20000 \
 *     [-Dbench.months=30] [-Dbench.horizon-filter=true] [-Dbench.audit=true [-Dbench.audit-lose=0.01]]
 * </pre>
 * Production page size (1000) and throttling defaults (4 concurrent, 10,000 requests / 10 min per mailbox). The
 * backfill ends with its completeness audit (timed apart); {@code bench.audit} then requests one more audit, as the
 * daily or on-demand one runs, and prints its cost per 10,000 messages ({@code bench.audit-lose}: after the
 * normalizer lost that share of the records, which the audit fetches and publishes again).
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

    @Inject
    MailboxRepository mailboxes;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

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
        double total = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        double backfillAudit = auditSeconds();
        double seconds = total - backfillAudit;

        long read = 0;
        long published = 0;
        long beyond = 0;
        long bound = 0;
        List<String> folders = cursors.folders(accountId, upn);
        var tree = mailboxes.folders(accountId, upn, List.of());
        StringBuilder perFolder = new StringBuilder();
        for (String folder : folders) {
            MailCursor c = cursors.load(accountId, upn, folder).orElseThrow();
            perFolder.append(perFolder.isEmpty() ? "" : ", ").append(tree.path(folder)).append(' ').append(c.fetched());
            read += c.fetched();
            published += c.published();
            beyond += c.beyondHorizon();
            // fetched counts the messages inside the horizon only: the pages also held those before it
            bound += Math.max(1, (c.fetched() + c.beyondHorizon() + pageSize - 1) / pageSize);
        }
        JsonNode stats = Json.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/stats"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body()).path("users").path(upn);
        JsonNode methods = stats.path("methods");
        long delta = methods.path("graph.mail.delta").path("requests").asLong();
        long folderDelta = methods.path("graph.mailFolders.delta").path("requests").asLong();
        long batches = methods.path("graph.$batch").path("requests").asLong();
        long steps = methods.path("graph.mailFolders").path("requests").asLong() + methods.path("graph.messages.get").path("requests").asLong();
        long requests = delta + folderDelta + batches;
        // Discovery: one $batch resolving the excluded well-known folders, the folder tree in pages of the same size,
        // the synced folders' item counts (the progress estimate) in $batches of 20.
        long discoveryBound = 1 + Math.max(1, (tree.folders().size() + pageSize - 1) / pageSize)
                + (folders.size() + 19) / 20;
        long throttled = stats.path("throttled").asLong();
        long auditLists = methods.path("graph.messages.list").path("requests").asLong();
        long auditFolderLists = methods.path("graph.mailFolders.list").path("requests").asLong();
        System.out.printf("%n=== Outlook mail backfill benchmark (job %s) ===%n"
                        + "mailbox: %d messages generated over %d months; %d synced folders returned %d inside the horizon (+ %d beyond it), published %d%n"
                        + "per folder (inside the horizon): %s%nhorizon: %s%nwall time: %.1f s (incl. Kafka acks and cursor saves)%nthroughput: %.0f messages/s published, %.0f read/s%n"
                        + "Graph round trips: %d = message delta %d + folder delta %d + $batch %d (its %d steps: well-known folder ids, folder item counts)%n"
                        + "bound: ceil(n/%d) per synced folder %d + discovery %d = %d; ratio %.3f; per 1,000 messages %.2f%n"
                        + "throttled responses: %d%n"
                        + "audit after the backfill: %.1f s (excluded from the wall time above), %d message list + %d folder list requests%n%n",
                jobs.state(accountId).orElse("?"), messages, months, folders.size(), read, beyond, published, perFolder,
                Boolean.getBoolean("bench.horizon-filter") ? "$filter=receivedDateTime ge …" : "client-side",
                seconds, published / seconds, read / seconds, requests, delta, folderDelta, batches, steps, pageSize, bound,
                discoveryBound, bound + discoveryBound, (double) requests / (bound + discoveryBound),
                1000.0 * requests / Math.max(1, read), throttled, backfillAudit, auditLists, auditFolderLists);
        if (Boolean.getBoolean("bench.audit")) {
            measureAudit(http, accountId, upn, published);
        }
    }

    /** One more audit, as the daily or on-demand one runs after an incremental poll: Graph requests and seconds. */
    private void measureAudit(HttpClient http, String accountId, String upn, long published) throws Exception {
        // -Dbench.audit-lose=0.01: the (fake) normalizer lost that share of the records, so the audit re-publishes them.
        double lose = Double.parseDouble(System.getProperty("bench.audit-lose", "0"));
        if (lose > 0) {
            List<String> ids = List.copyOf(publishedMessages.all(accountId, upn).keySet());
            int step = (int) Math.max(1, Math.round(1 / lose));
            for (int i = 0; i < ids.size(); i += step) {
                io.interactionsync.testsupport.FakeNormalizerResource.lose(accountId, "outlook_mail", ids.get(i));
            }
        }
        JsonNode before = stats(http, upn);
        double auditBefore = auditSeconds();
        Instant requested = Instant.now();
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT,
                    List.of(Source.OUTLOOK_MAIL), SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, requested).withAudit());
        }
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> auditSeconds() > auditBefore && jobs.state(accountId).filter("done"::equals).isPresent());
        double run = Duration.between(requested, Instant.now()).toMillis() / 1000.0;
        double audit = auditSeconds() - auditBefore;
        JsonNode after = stats(http, upn);
        long lists = delta(before, after, "graph.messages.list");
        long folderLists = delta(before, after, "graph.mailFolders.list");
        long gets = delta(before, after, "graph.messages.get");
        long batches = delta(before, after, "graph.$batch");
        long pollSteps = delta(before, after, "graph.mail.delta");
        long folderPolls = delta(before, after, "graph.mailFolders.delta");
        // The audit's $batches carry only its GETs (20 each); the poll's carry the folders' delta links.
        long auditBatches = (gets + 19) / 20;
        var result = audits.last(accountId, Source.OUTLOOK_MAIL, null).orElseThrow().completeness();
        System.out.printf("%n=== Outlook mail completeness audit (on request, after the backfill) ===%n"
                        + "provider %d, ingested %d, missing %d, repaired %d (%d published)%n"
                        + "audit: %.2f s; whole run incl. the incremental poll: %.2f s%n"
                        + "Graph requests of the audit: %d message list pages ($select=id, $top=%d) + %d folder list pages + %d $batch (%d GETs inside)%n"
                        + "incremental poll before it: %d folder delta + %d $batch round trip(s) carrying %d delta links%n"
                        + "per 10,000 messages: %.1f Graph requests, %.2f s%n%n",
                result.providerCount(), result.ingestedCount(), result.missing(), result.repaired(), published,
                audit, run, lists, pageSize, folderLists, auditBatches, gets, folderPolls, batches - auditBatches, pollSteps,
                10_000.0 * (lists + folderLists + auditBatches) / Math.max(1, result.providerCount()),
                10_000.0 * audit / Math.max(1, result.providerCount()));
    }

    @Inject
    io.interactionsync.sync.audit.AuditStore audits;

    @Inject
    io.interactionsync.microsoftsync.repository.PublishedMessageRepository publishedMessages;

    private double auditSeconds() {
        var timer = registry.find("microsoftsync.audit.duration").tag("source", "outlook_mail").timer();
        return timer == null ? 0 : timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0;
    }

    private JsonNode stats(HttpClient http, String upn) throws Exception {
        return Json.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/stats")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body()).path("users").path(upn).path("methods");
    }

    private static long delta(JsonNode before, JsonNode after, String method) {
        return after.path(method).path("requests").asLong() - before.path(method).path("requests").asLong();
    }
}

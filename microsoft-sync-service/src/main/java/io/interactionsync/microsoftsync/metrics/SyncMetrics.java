package io.interactionsync.microsoftsync.metrics;

import io.interactionsync.microsoftsync.graph.GraphApi;
import io.interactionsync.model.Source;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/**
 * The service's own Micrometer meters (Prometheus on {@code /q/metrics}). sync-core adds {@code microsoftsync_jobs}
 * and each breaker's state by name, {@code microsoftsync_circuit_state{circuitBreaker="ms_graph_mail"}}.
 */
@ApplicationScoped
public class SyncMetrics {

    public static final List<String> BREAKERS = List.of(GraphApi.MAIL_BREAKER, GraphApi.CALENDAR_BREAKER);

    private final MeterRegistry registry;

    public SyncMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records acknowledged by Kafka on raw-records. */
    public void published(Source source, boolean sharedMailbox, int count) {
        Counter.builder("microsoftsync.records.published").description("Raw records acknowledged by Kafka")
                .tag("source", source.wireName()).tag("shared", Boolean.toString(sharedMailbox))
                .register(registry).increment(count);
    }

    /** One Graph request and how it ended (ok, throttled, unauthorized, server_error, io_error, access_denied, …). */
    public void request(String api, String outcome) {
        Counter.builder("microsoftsync.graph.requests").description("Graph requests")
                .tag("api", api).tag("outcome", outcome).register(registry).increment();
    }

    /** A check of one subscriber's access to a shared mailbox: allowed, denied, unknown (no answer), skipped. */
    public void sharedAccessCheck(String outcome) {
        Counter.builder("microsoftsync.shared_access.checks").description("Checks of a subscriber's access to a shared mailbox")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** A 429 or 503 answer that paused a mailbox. */
    public void throttled(String api, int status) {
        Counter.builder("microsoftsync.graph.throttled").description("Graph answers that paused a mailbox (429/503)")
                .tag("api", api).tag("status", Integer.toString(status)).register(registry).increment();
    }

    /** A nextLink/deltaLink outside the configured Graph base URL, refused before any request. */
    public void linkRefused(String api) {
        Counter.builder("microsoftsync.graph.links_refused").description("Graph links refused (outside the base URL)")
                .tag("api", api).register(registry).increment();
    }

    /**
     * How a message that left a synced folder ended: {@code deleted} (a delete was published), {@code moved} (found
     * in another synced folder), {@code superseded} (already seen elsewhere, or never published), {@code unresolved}
     * (Graph gave no answer: asked again in the next run).
     */
    public void removal(String outcome, int count) {
        Counter.builder("microsoftsync.mail.removals").description("Messages that left a synced folder, by outcome")
                .tag("outcome", outcome).register(registry).increment(count);
    }

    /**
     * Folders the audit's folder reconciliation changed: {@code found} (a synced folder the folder delta lost),
     * {@code retired} (a synced folder gone or moved below an excluded one without the delta saying so).
     */
    public void auditFolders(String outcome, int count) {
        Counter.builder("microsoftsync.audit.folders").description("Mail folders the completeness audit reconciled")
                .tag("outcome", outcome).register(registry).increment(count);
    }

    /**
     * One creation or renewal of a Graph subscription: {@code created} (first), {@code recreated} (after a 404 on
     * renewal, a removal by Graph, a failure or a stop), {@code renewed} (PATCH), {@code failed} (lastError on the
     * channel, retried later), {@code taken_over} (a shared mailbox's subscription moved to the reading subscriber).
     */
    public void pushRenewal(Source source, String result) {
        Counter.builder("microsoftsync.push.renewals").description("Graph subscriptions created or renewed, by result")
                .tag("source", source.wireName()).tag("result", result).register(registry).increment();
    }

    /** Duration of one sync step (one delta page, including the Kafka acks and the cursor save). */
    public void step(Source source, String phase, Duration duration) {
        Timer.builder("microsoftsync.step.duration").description("Sync step latency")
                .tag("source", source.wireName()).tag("phase", phase).register(registry).record(duration);
    }

}

package io.interactionsync.googlesync.metrics;

import io.interactionsync.googlesync.client.calendar.CalendarApiClient;
import io.interactionsync.googlesync.client.gmail.GmailApiClient;
import io.interactionsync.googlesync.client.gmail.GmailMethod;
import io.interactionsync.model.Source;
import io.micrometer.core.instrument.Counter;
import java.util.List;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The service's own Micrometer meters (Prometheus on {@code /q/metrics}). sync-core adds {@code googlesync_jobs}
 * and each breaker's state by name, {@code googlesync_circuit_state{circuitBreaker="google_gmail_metadata"}}.
 */
@ApplicationScoped
public class SyncMetrics {

    /** Circuit breakers whose state is exported by name. */
    public static final List<String> BREAKERS = List.of(GmailApiClient.BREAKER, CalendarApiClient.BREAKER);

    private final MeterRegistry registry;

    public SyncMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records acknowledged by Kafka on raw-records. */
    public void published(Source source, int count) {
        Counter.builder("googlesync.records.published").description("Raw records acknowledged by Kafka")
                .tag("source", source.wireName()).register(registry).increment(count);
    }

    /** Quota units spent (counted when the call is let through by the pacer). */
    public void quotaUnits(GmailMethod method) {
        Counter.builder("googlesync.quota.units").description("Gmail quota units spent")
                .tag("method", method.apiName()).register(registry).increment(method.units());
    }

    /** One lease attempt on the shared project budget: granted, or exhausted (the replica waits for the next window). */
    public void projectQuotaLease(String outcome) {
        Counter.builder("googlesync.project_quota.leases").description("Leases of the shared Gmail project budget")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** One Gmail request and how it ended (ok, unauthorized, not_found, rate_limited, server_error, …). */
    public void request(GmailMethod method, String outcome) {
        Counter.builder("googlesync.gmail.requests").description("Gmail API requests")
                .tag("method", method.apiName()).tag("outcome", outcome).register(registry).increment();
    }

    /** A 403/429 rate-limit answer. */
    public void rateLimited(int status, String reason, boolean projectWide) {
        Counter.builder("googlesync.gmail.rate_limited").description("Gmail rate-limit answers (403/429)")
                .tag("status", Integer.toString(status)).tag("reason", reason == null ? "none" : reason)
                .tag("scope", projectWide ? "project" : "user").register(registry).increment();
    }

    /** Messages recorded as skipped (deleted meanwhile, or failing too often). */
    public void skipped(Source source, String reason, int count) {
        Counter.builder("googlesync.records.skipped").description("Records given up on, with the reason")
                .tag("source", source.wireName()).tag("reason", reason).register(registry).increment(count);
    }

    /**
     * A push channel set up by the account's job: {@code created} (none before, or after a failure or stop),
     * {@code renewed}, {@code failed} (retried after {@code push.retry-after}; the source is polled meanwhile).
     */
    public void pushRenewal(Source source, String result) {
        Counter.builder("googlesync.push.renewals").description("Gmail watches and Calendar channels set up, by result")
                .tag("source", source.wireName()).tag("result", result).register(registry).increment();
    }

    /** A push channel stopped at Google: {@code stopped}, {@code unknown} (Google no longer knew it), {@code failed}. */
    public void pushStop(Source source, String result) {
        Counter.builder("googlesync.push.stops").description("Gmail users.stop and Calendar channels.stop calls, by result")
                .tag("source", source.wireName()).tag("result", result).register(registry).increment();
    }

    /** Duration of one sync step (list page or batch of gets, including the Kafka acks and cursor save). */
    public void step(Source source, String kind, Duration duration) {
        Timer.builder("googlesync.step.duration").description("Sync step latency")
                .tag("source", source.wireName()).tag("kind", kind).register(registry).record(duration);
    }

}

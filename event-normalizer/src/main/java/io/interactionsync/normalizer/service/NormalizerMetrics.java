package io.interactionsync.normalizer.service;

import io.interactionsync.model.Source;
import io.interactionsync.normalizer.rules.SkipReason;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** Prometheus counters ({@code /q/metrics}). */
@ApplicationScoped
public class NormalizerMetrics {

    private final MeterRegistry registry;

    public NormalizerMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Registered at 0, so that rate()/increase() see a pod's first dead letter of each code (a counter that
        // appears at 1 has no earlier sample to grow from) and the DLQ alert has a series before anything fails.
        for (String code : RecordDecoder.CODES) {
            registry.counter("normalizer_dead_letters_total", "code", code);
        }
    }

    public void records(int n) {
        registry.counter("normalizer_raw_records_total").increment(n);
    }

    /** Records by source and outcome; {@code sourceAndOutcome} is {@code source/outcome} (see BatchNormalizer.Stats). */
    public void outcome(String sourceAndOutcome, int n) {
        int slash = sourceAndOutcome.indexOf('/');
        registry.counter("normalizer_records_total", "source", sourceAndOutcome.substring(0, slash),
                "outcome", sourceAndOutcome.substring(slash + 1)).increment(n);
    }

    /** Poison records routed to raw-records-dlq, by code. */
    public void deadLetter(String code) {
        registry.counter("normalizer_dead_letters_total", "code", code).increment();
    }

    /**
     * Records dropped because their data was erased — never mapped, never dead-lettered: {@code key_erased} (the
     * connector destroyed the record's data key) or {@code account_erased} (the account was purged here).
     */
    public void erased(String reason, int n) {
        registry.counter("normalizer_erased_records_total", "reason", reason).increment(n);
    }

    /** Data keys asked of the connector by outcome: found, erased, unknown, failed. */
    public void dataKeyFetch(String outcome, int n) {
        registry.counter("normalizer_data_key_fetches_total", "outcome", outcome).increment(n);
    }

    public void skipped(SkipReason reason, int n) {
        registry.counter("normalizer_skipped_messages_total", "reason", reason.tag(), "rule", reason.rule()).increment(n);
    }

    public void deletes(int n) {
        registry.counter("normalizer_delete_records_total").increment(n);
    }

    public void eventsWritten(int n) {
        registry.counter("normalizer_events_written_total").increment(n);
    }

    public void eventsDeleted(int n) {
        registry.counter("normalizer_events_deleted_total").increment(n);
    }

    /** Junk addresses dropped by R-A2. */
    public void droppedAddresses(int n) {
        registry.counter("normalizer_dropped_addresses_total").increment(n);
    }

    /** Messages above the fan-out cap (R-B3): only the sender and the first recipients became events. */
    public void fanOutTruncated(int n) {
        registry.counter("normalizer_fan_out_truncated_total").increment(n);
    }

    /** Events not produced because their contact is blocked (the user's or a team's blocklist). */
    public void blocked(int n) {
        registry.counter("normalizer_blocked_events_total").increment(n);
    }

    /** Events erased because a blocklist change now blocks their contact. */
    public void blocklistErased(int n) {
        registry.counter("normalizer_blocklist_erased_events_total").increment(n);
    }

    /** Resources queued for re-derivation because evidence they depend on changed, by rule (issue 18). */
    public void rederiveEnqueued(String reason, int n) {
        if (n > 0) {
            registry.counter("normalizer_rederive_enqueued_total", "reason", reason).increment(n);
        }
    }

    /** Queued resources handled: {@code rederived}, or {@code unavailable} (no record to read any more). */
    public void rederived(String outcome, int n) {
        if (n > 0) {
            registry.counter("normalizer_rederived_total", "outcome", outcome).increment(n);
        }
    }

    public void published(int n) {
        registry.counter("normalizer_outbox_published_total").increment(n);
    }

    /** One call of the internal ingested API (a sync service's audit): its ids, processed, missing or dead-lettered. */
    public void ingestedCheck(Source source, int processed, int missing, int deadLettered) {
        registry.counter("normalizer_ingested_checks_total", "source", source.wireName()).increment();
        registry.counter("normalizer_ingested_ids_total", "source", source.wireName(), "outcome", "processed")
                .increment(processed);
        registry.counter("normalizer_ingested_ids_total", "source", source.wireName(), "outcome", "missing")
                .increment(missing);
        registry.counter("normalizer_ingested_ids_total", "source", source.wireName(), "outcome", "dead_lettered")
                .increment(deadLettered);
    }
}

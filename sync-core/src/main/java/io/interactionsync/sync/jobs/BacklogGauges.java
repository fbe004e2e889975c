package io.interactionsync.sync.jobs;

import io.interactionsync.sync.SyncServiceDefinition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * The sync-job backlog as the autoscaler and the alerts read it: {@code sync_jobs_claimable} and {@code sync_jobs_running}
 * (KEDA scales the sync services on their sum per worker slot: running jobs keep their replicas while the queue is
 * empty), {@code sync_jobs_oldest_claimable_age_seconds}
 * (alert: work waiting with nobody to take it) and {@code sync_worker_slots} (this replica's concurrency). Every replica
 * reads the same table, so the figures are the same on each: aggregate with {@code max}, not {@code sum}. One query
 * serves the three gauges of a scrape (cached for a few seconds); a failed read reports NaN instead of a stale figure.
 */
@ApplicationScoped
public class BacklogGauges {

    private static final Logger LOG = Logger.getLogger(BacklogGauges.class);
    private static final long CACHE_NANOS = 5_000_000_000L;

    private final SyncJobRepository jobs;
    private final MeterRegistry registry;
    private final int workerSlots;
    private volatile SyncJobRepository.Backlog last;
    private volatile long readAt;

    public BacklogGauges(SyncJobRepository jobs, MeterRegistry registry, SyncServiceDefinition service) {
        this.jobs = jobs;
        this.registry = registry;
        this.workerSlots = service.settings().worker().concurrency();
    }

    void register(@Observes StartupEvent event) {
        gauge("sync.jobs.claimable", null, "Sync jobs claimable now: due and pending, or running under an expired lease",
                b -> b.claimable());
        gauge("sync.jobs.running", null, "Sync jobs running under a live lease (any replica)", b -> b.running());
        gauge("sync.jobs.oldest.claimable.age", "seconds", "How long the oldest claimable sync job has waited (0: none)",
                SyncJobRepository.Backlog::oldestClaimableAgeSeconds);
        Gauge.builder("sync.worker.slots", () -> workerSlots)
                .description("Accounts this replica syncs concurrently (worker.concurrency)").register(registry);
    }

    private void gauge(String name, String unit, String description, ToDoubleFunction<SyncJobRepository.Backlog> value) {
        Gauge.builder(name, this, gauges -> {
            SyncJobRepository.Backlog backlog = gauges.current();
            return backlog == null ? Double.NaN : value.applyAsDouble(backlog);
        }).baseUnit(unit).description(description).register(registry);
    }

    /** The backlog, read at most once per {@link #CACHE_NANOS}; null when the database cannot be read. */
    SyncJobRepository.Backlog current() {
        long now = System.nanoTime();
        if (last == null || now - readAt > CACHE_NANOS) {
            synchronized (this) {
                if (last == null || now - readAt > CACHE_NANOS) {
                    try {
                        last = jobs.backlog();
                    } catch (RepositoryException e) {
                        LOG.debugf(e, "sync job backlog not readable");
                        last = null;
                    }
                    readAt = now;
                }
            }
        }
        return last;
    }
}

package io.interactionsync.normalizer.rederive;

import io.interactionsync.model.LogSafe;
import io.interactionsync.normalizer.config.NormalizerConfig;
import io.interactionsync.normalizer.rederive.RederiveRepository.Claimed;
import io.interactionsync.normalizer.service.IncomingRecord;
import io.interactionsync.normalizer.service.NormalizerMetrics;
import io.interactionsync.normalizer.service.NormalizerService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Drains {@code rederive_queue}: claims queued resources, reads the record that last decided each from
 * {@code raw-records} (its coordinates are in {@code record_versions}) and processes those records again, exactly as
 * the live consumer would, with the evidence as it is now. A redelivered record writes only what changed, so a
 * resource whose events did not depend on the change costs a read and nothing else. Every replica runs one worker on
 * its own thread; claims keep them apart. A claim names its replica ({@code interaction-sync.instance-id}) and holds
 * for a short lease renewed while the round works: a replica restarted under its name resumes its claims at once,
 * one that is gone frees them within the lease. {@code normalizer_rederive_pending} reads 0 once every rule converged.
 */
@ApplicationScoped
public class RederiveWorker {

    private final Pool pool;
    private final RederiveRepository queue;
    private final Provider<NormalizerService> normalizer;
    private final NormalizerMetrics metrics;
    private final NormalizerConfig.Rederive config;
    private final RawRecordFetcher fetcher;
    private final String owner;
    private final Semaphore wakeUps = new Semaphore(0);
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean running;
    private ExecutorService thread;
    private ScheduledExecutorService heartbeat;

    public RederiveWorker(Pool pool, RederiveRepository queue, Provider<NormalizerService> normalizer,
                          NormalizerMetrics metrics, NormalizerConfig config, MeterRegistry registry,
                          @ConfigProperty(name = "mp.messaging.incoming.raw-records.topic") String topic,
                          @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                          @ConfigProperty(name = "mp.messaging.incoming.raw-records.isolation.level") String isolationLevel,
                          @ConfigProperty(name = "mp.messaging.incoming.raw-records.fetch.max.bytes") int fetchMaxBytes,
                          @ConfigProperty(name = "interaction-sync.instance-id") String instanceId) {
        this.pool = pool;
        this.owner = instanceId;
        this.queue = queue;
        this.normalizer = normalizer;
        this.metrics = metrics;
        this.config = config.rederive();
        this.fetcher = new RawRecordFetcher(topic, bootstrapServers, isolationLevel, fetchMaxBytes);
        Gauge.builder("normalizer_rederive_pending", pending, AtomicLong::get)
                .description("Resources queued for re-derivation (0: every order-sensitive rule has converged)")
                .register(registry);
    }

    void start(@Observes StartupEvent ignored) {
        if (!config.enabled()) {
            return;
        }
        running = true;
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rederive-worker");
            t.setDaemon(true);
            return t;
        });
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rederive-heartbeat");
            t.setDaemon(true);
            return t;
        });
        thread.submit(this::loop);
    }

    void stop(@Observes ShutdownEvent ignored) {
        running = false;
        wakeUps.release();
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        if (thread != null) {
            thread.shutdown();
            try {
                thread.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A commit queued resources: look now rather than at the next poll. */
    public void wake() {
        wakeUps.release();
    }

    private void loop() {
        try {
            while (running) {
                int handled;
                try {
                    handled = round();
                } catch (RuntimeException e) {
                    Log.warnf("re-derivation round failed (its claims are retried next round): %s", LogSafe.redact(e.getMessage()));
                    handled = 0;
                }
                if (handled == 0) {
                    try {
                        wakeUps.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                        wakeUps.drainPermits();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        } finally {
            fetcher.close();
        }
    }

    /** One claim → fetch → process → complete round; the number of queue rows it handled. */
    int round() {
        List<Claimed> claimed = queue.claim(pool, config.batchSize(), config.lease(), owner)
                .await().atMost(Duration.ofSeconds(30));
        if (claimed.isEmpty()) {
            pending.set(queue.pending(pool).await().atMost(Duration.ofSeconds(30)));
            return 0;
        }
        // The lease is short so that a replica that dies and is not replaced under its name frees its claims soon;
        // while this round works (a fetch, a large re-derivation) a heartbeat keeps them.
        long every = Math.max(100, config.lease().toMillis() / 3);
        ScheduledFuture<?> renewal = heartbeat == null ? null : heartbeat.scheduleAtFixedRate(() -> {
            try {
                queue.renew(pool, claimed, config.lease(), owner).await().atMost(Duration.ofMillis(every));
            } catch (RuntimeException e) {
                Log.debugf("re-derivation claims not renewed: %s", LogSafe.redact(e.getMessage()));
            }
        }, every, every, TimeUnit.MILLISECONDS);
        try {
            return work(claimed);
        } finally {
            if (renewal != null) {
                renewal.cancel(false);
            }
        }
    }

    private int work(List<Claimed> claimed) {
        Map<Integer, NavigableSet<Long>> wanted = new HashMap<>();
        int withRecord = 0;
        for (Claimed c : claimed) {
            if (c.partition() != null) {
                wanted.computeIfAbsent(c.partition(), p -> new TreeSet<>()).add(c.offset());
                withRecord++;
            }
        }
        List<IncomingRecord> records = wanted.isEmpty() ? List.of() : fetcher.fetch(wanted, config.fetchTimeout());
        if (!records.isEmpty()) {
            normalizer.get().rederive(new ArrayList<>(records)).await().atMost(Duration.ofMinutes(5));
        }
        queue.complete(pool, claimed).await().atMost(Duration.ofSeconds(30));
        metrics.rederived("rederived", records.size());
        metrics.rederived("unavailable", claimed.size() - records.size());
        if (withRecord > records.size()) {
            Log.warnf("re-derivation: %d of %d queued resources had no readable record in raw-records (retention?)",
                    withRecord - records.size(), withRecord);
        }
        pending.set(queue.pending(pool).await().atMost(Duration.ofSeconds(30)));
        Log.debugf("re-derived %d resources (%d still queued)", records.size(), pending.get());
        return claimed.size();
    }
}

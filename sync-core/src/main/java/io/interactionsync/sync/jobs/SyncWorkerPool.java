package io.interactionsync.sync.jobs;

import io.interactionsync.model.LogSafe;
import io.interactionsync.sync.SyncJob;
import io.interactionsync.sync.JobControl;
import io.interactionsync.sync.JobResult;
import io.interactionsync.sync.SyncJobRunner;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.SyncSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.MDC;

/**
 * A bounded pool of job runners on virtual threads. Every poll interval, free slots claim due jobs with a
 * lease ({@code select … for update skip locked}), so an account syncs on one replica at a time and a dead
 * replica's job is taken over when its lease expires. On shutdown no new job is claimed, running jobs finish
 * the step in flight and go back to pending.
 */
@ApplicationScoped
public class SyncWorkerPool {

    private static final Duration FIRST_POLL_DELAY = Duration.ofSeconds(1);

    private final SyncJobRepository jobs;
    private final SyncJobRunner runner;
    private final MeterRegistry registry;
    private final String metricPrefix;
    private final SyncSettings.Worker config;
    private final String replicaId;
    private final ExecutorService executor;
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean stopping;
    private volatile Thread poller;

    public SyncWorkerPool(SyncJobRepository jobs, SyncJobRunner runner, MeterRegistry registry, SyncServiceDefinition service) {
        this.jobs = jobs;
        this.runner = runner;
        this.registry = registry;
        this.metricPrefix = service.metricPrefix();
        this.config = service.settings().worker();
        this.replicaId = this.config.replicaId().orElseGet(SyncWorkerPool::defaultReplicaId);
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(service.name() + "-job-", 0).factory());
    }

    /**
     * Starts the claim loop on its own virtual thread. Not {@code @Scheduled}: the interval is the service's setting
     * (its own key prefix), which an annotation in a library cannot name.
     */
    void onStart(@Observes StartupEvent event) {
        poller = Thread.ofVirtual().name(replicaId + "-claims").start(this::pollLoop);
    }

    private void pollLoop() {
        try {
            Thread.sleep(FIRST_POLL_DELAY);
            while (!stopping) {
                try {
                    claimDueJobs();
                } catch (RuntimeException e) {
                    Log.warnf("could not start sync jobs: %s", LogSafe.redact(e.getMessage()));
                }
                Thread.sleep(config.pollInterval());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down
        }
    }

    void claimDueJobs() {
        if (stopping) {
            return;
        }
        int free = config.concurrency() - active.get();
        if (free <= 0) {
            return;
        }
        List<SyncJob> claimed;
        try {
            claimed = jobs.claim(replicaId, free, config.leaseDuration());
        } catch (RuntimeException e) {
            Log.warnf("could not claim sync jobs: %s", LogSafe.redact(e.getMessage()));
            return;
        }
        for (SyncJob job : claimed) {
            active.incrementAndGet();
            executor.submit(() -> run(job));
        }
    }

    private void run(SyncJob job) {
        MDC.put("accountId", job.accountId());
        JobResult result;
        try {
            Log.infof("sync job claimed (mode %s, sources %s, attempt %d)", SyncJob.wire(job.mode()),
                    SyncJob.wire(job.sources()), job.attempts());
            result = runner.run(job, new Control(job));
        } catch (RuntimeException e) {
            Log.errorf(LogSafe.redact(e), "sync job failed unexpectedly");
            result = new JobResult.RetryLater(Instant.now().plus(config.retryDelay()), e.getClass().getSimpleName());
        }
        try {
            switch (result) {
                case JobResult.Completed c -> jobs.complete(job.accountId(), replicaId);
                case JobResult.RetryLater r -> jobs.release(job.accountId(), replicaId, r.notBefore(), r.reason());
                case JobResult.Failed f -> jobs.fail(job.accountId(), replicaId, f.reason());
                case JobResult.Stopped s -> jobs.release(job.accountId(), replicaId, Instant.now(), null);
                case JobResult.Aborted a -> {
                    // the other replica owns the job now
                }
            }
            Counter.builder(metricPrefix + ".jobs").description("Sync job runs by result")
                    .tag("result", name(result)).register(registry).increment();
            Log.infof("sync job ended: %s", name(result));
        } catch (RuntimeException e) {
            Log.warnf("could not record the end of the sync job (its lease will expire): %s", LogSafe.redact(e.getMessage()));
        } finally {
            active.decrementAndGet();
            MDC.remove("accountId");
        }
    }

    private static String name(JobResult result) {
        return switch (result) {
            case JobResult.Completed c -> "completed";
            case JobResult.RetryLater r -> "retry_later";
            case JobResult.Failed f -> f.reason().startsWith("reauth_required") ? "reauth_required" : "failed";
            case JobResult.Stopped s -> "stopped";
            case JobResult.Aborted a -> "aborted";
        };
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        Thread p = poller;
        if (p != null) {
            p.interrupt();
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                Log.warnf("sync jobs still running after %s; interrupting them", config.shutdownGrace());
                executor.shutdownNow();
                executor.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Jobs running on this replica now. */
    public int activeJobs() {
        return active.get();
    }

    public String replicaId() {
        return replicaId;
    }

    public boolean stopping() {
        return stopping;
    }

    private final class Control implements JobControl {
        private final SyncJob job;

        private Control(SyncJob job) {
            this.job = job;
        }

        @Override
        public boolean renewLease() {
            return jobs.renewLease(job.accountId(), replicaId, config.leaseDuration());
        }

        @Override
        public boolean stopRequested() {
            return stopping;
        }

        @Override
        public String owner() {
            return replicaId;
        }
    }

    private static String defaultReplicaId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "replica";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

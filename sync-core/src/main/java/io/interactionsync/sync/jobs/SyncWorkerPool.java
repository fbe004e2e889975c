package io.interactionsync.sync.jobs;

import io.interactionsync.model.LogSafe;
import io.interactionsync.model.runtime.InstanceIdConfigSource;
import io.interactionsync.sync.SyncJob;
import io.interactionsync.sync.JobControl;
import io.interactionsync.sync.JobResult;
import io.interactionsync.sync.SyncJobRunner;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.SyncSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.MDC;

/**
 * A bounded pool of job runners on virtual threads. Every poll interval, free slots claim due jobs with a
 * lease ({@code select … for update skip locked}), so an account syncs on one replica at a time. The lease owner is
 * this process's instance id ({@code interaction-sync.instance-id}). A heartbeat renews the leases of every job the
 * pool runs in one statement every {@code worker.heartbeat-interval}, so leases can be short: a dead replica's jobs
 * are taken over by another replica within {@code lease-duration + poll-interval}, and a replica restarted with the
 * same instance id resumes its own at its first claim. A job whose lease was lost, or not renewed for
 * {@code lease-duration - heartbeat-interval} (database unreachable), stops at its next step, before anyone else may
 * claim it. On shutdown no new job is claimed, running jobs finish the step in flight and go back to pending.
 */
@ApplicationScoped
public class SyncWorkerPool {

    private static final Duration FIRST_POLL_DELAY = Duration.ofSeconds(1);

    private final SyncJobRepository jobs;
    private final SyncJobRunner runner;
    private final MeterRegistry registry;
    private final String metricPrefix;
    private final SyncSettings.Worker config;
    private final String owner;
    private final ExecutorService executor;
    private final AtomicInteger active = new AtomicInteger();
    /** The jobs this pool runs now, by account id, with how long their leases are known to last. */
    private final Map<String, HeldLease> held = new ConcurrentHashMap<>();
    private final Timer heartbeatTimer;
    private volatile boolean reclaimedOwn;
    private volatile boolean polled;
    private volatile boolean stopping;
    private volatile boolean halted;
    private volatile Thread poller;
    private final Object wakeLock = new Object();
    private boolean wakeRequested;
    private volatile Thread heartbeat;

    @Inject
    public SyncWorkerPool(SyncJobRepository jobs, SyncJobRunner runner, MeterRegistry registry, SyncServiceDefinition service,
                          @ConfigProperty(name = InstanceIdConfigSource.KEY) String instanceId) {
        this.jobs = jobs;
        this.runner = runner;
        this.registry = registry;
        this.metricPrefix = service.metricPrefix();
        this.config = service.settings().worker();
        this.owner = instanceId;
        if (config.leaseDuration().compareTo(config.heartbeatInterval().multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("worker.lease-duration (" + config.leaseDuration()
                    + ") must be at least twice worker.heartbeat-interval (" + config.heartbeatInterval() + ")");
        }
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(service.name() + "-job-", 0).factory());
        this.heartbeatTimer = Timer.builder(metricPrefix + ".lease.heartbeat")
                .description("Lease heartbeats (one statement renewing every job the replica runs)").register(registry);
    }

    /**
     * Starts the claim loop and the heartbeat, each on its own virtual thread. Not {@code @Scheduled}: the intervals
     * are the service's settings (its own key prefix), which an annotation in a library cannot name.
     */
    void onStart(@Observes StartupEvent event) {
        start();
    }

    /** Starts claiming (called at startup; tests call it directly). */
    public void start() {
        poller = Thread.ofVirtual().name(owner + "-claims").start(this::pollLoop);
        heartbeat = Thread.ofVirtual().name(owner + "-lease-heartbeat").start(this::heartbeatLoop);
    }

    private void pollLoop() {
        try {
            Thread.sleep(FIRST_POLL_DELAY);
            while (!stopping && !halted) {
                try {
                    claimDueJobs();
                } catch (RuntimeException e) {
                    Log.warnf("could not start sync jobs: %s", LogSafe.redact(e.getMessage()));
                }
                synchronized (wakeLock) {
                    if (!wakeRequested) {
                        wakeLock.wait(Math.max(1, config.pollInterval().toMillis()));
                    }
                    wakeRequested = false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down
        }
    }

    /**
     * Claims now instead of at the next poll: a push notification queued a job (on this replica; another replica's
     * pool still claims it at its own next poll if this one is full).
     */
    public void wake() {
        synchronized (wakeLock) {
            wakeRequested = true;
            wakeLock.notifyAll();
        }
    }

    void claimDueJobs() {
        if (stopping || halted) {
            return;
        }
        int free = config.concurrency() - active.get();
        if (free <= 0) {
            return;
        }
        List<SyncJob> claimed;
        long askedAt = System.nanoTime();
        boolean reclaimOwn = !reclaimedOwn;
        try {
            claimed = jobs.claim(owner, free, config.leaseDuration(), reclaimOwn);
        } catch (RuntimeException e) {
            Log.warnf("could not claim sync jobs: %s", LogSafe.redact(e.getMessage()));
            return;
        }
        if (reclaimOwn && !claimed.isEmpty()) {
            Log.infof("first claim of instance %s: %d sync jobs (its own still running ones included)", owner, claimed.size());
        }
        reclaimedOwn = true;
        polled = true;
        for (SyncJob job : claimed) {
            HeldLease lease = new HeldLease(validUntil(askedAt));
            held.put(job.accountId(), lease);
            active.incrementAndGet();
            executor.submit(() -> run(job, lease));
        }
    }

    /**
     * Renews every held lease in one statement. A lease missing from the answer was lost (taken over, or the row
     * deleted by a disconnect): its job stops at its next step. A failure renews nothing; the jobs stop on their own
     * once their leases run out ({@link HeldLease#valid()}).
     */
    void heartbeat() {
        if (held.isEmpty()) {
            return;
        }
        Map<String, HeldLease> leases = Map.copyOf(held); // a job claimed meanwhile is renewed next time
        long askedAt = System.nanoTime();
        Set<String> renewed;
        try {
            renewed = heartbeatTimer.recordCallable(() -> jobs.renewLeases(owner, leases.keySet(), config.leaseDuration()));
        } catch (Exception e) {
            Log.warnf("could not renew the leases of %d sync jobs (they stop if this lasts %s): %s", leases.size(),
                    config.leaseDuration().minus(config.heartbeatInterval()), LogSafe.redact(e.getMessage()));
            return;
        }
        leases.forEach((id, lease) -> {
            if (renewed.contains(id)) {
                lease.validUntilNanos = validUntil(askedAt);
            } else if (!lease.lost) {
                lease.lost = true;
                Log.warnf("the lease on the sync job of account %s was lost; its job stops at its next step", id);
            }
        });
    }

    private void heartbeatLoop() {
        try {
            while (!halted) { // on through a graceful stop: the steps in flight keep their leases until they end
                Thread.sleep(config.heartbeatInterval());
                if (!halted) {
                    heartbeat();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down
        }
    }

    /**
     * A lease renewed by a statement sent at {@code askedAt} lasts at least until {@code askedAt + lease} on the
     * database's clock (its {@code now()} is later); this replica treats it as lost one heartbeat earlier, so that a
     * job cut off from the database has stopped before another replica can claim it.
     */
    private long validUntil(long askedAt) {
        return askedAt + config.leaseDuration().minus(config.heartbeatInterval()).toNanos();
    }

    private void run(SyncJob job, HeldLease lease) {
        MDC.put("accountId", job.accountId());
        JobResult result;
        try {
            Log.infof("sync job claimed (mode %s, sources %s, attempt %d)", SyncJob.wire(job.mode()),
                    SyncJob.wire(job.sources()), job.attempts());
            result = runner.run(job, new Control(lease));
        } catch (RuntimeException e) {
            Log.errorf(LogSafe.redact(e), "sync job failed unexpectedly");
            result = new JobResult.RetryLater(Instant.now().plus(config.retryDelay()), e.getClass().getSimpleName());
        }
        held.remove(job.accountId(), lease); // the heartbeat stops renewing it; the end below is recorded by owner
        if (halted) {
            active.decrementAndGet();
            MDC.remove("accountId");
            return; // a simulated crash records nothing
        }
        try {
            switch (result) {
                case JobResult.Completed c -> jobs.complete(job.accountId(), owner, config.rerunDelay());
                case JobResult.RetryLater r -> jobs.release(job.accountId(), owner, r.notBefore(), r.reason());
                case JobResult.Failed f -> jobs.fail(job.accountId(), owner, f.reason());
                case JobResult.Stopped s -> jobs.release(job.accountId(), owner, Instant.now(), null);
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
            wake(); // a slot is free, and the job may have become pending again (a re-run): claim now
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
        stop();
    }

    /** Graceful stop: no new claims, the steps in flight finish, their jobs go back to pending. */
    public void stop() {
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
        } finally {
            Thread h = heartbeat;
            if (h != null) {
                h.interrupt(); // after the jobs: their leases are renewed until they end
            }
        }
    }

    /**
     * What a kill -9 leaves behind, for tests: claims and heartbeats stop at once, nothing is released or recorded;
     * the jobs' rows stay running under this owner until their leases expire. Job threads still running find their
     * lease gone at their next step, like a replica cut off from the database.
     */
    void haltAsIfKilled() {
        halted = true;
        Thread p = poller;
        if (p != null) {
            p.interrupt();
        }
        Thread h = heartbeat;
        if (h != null) {
            h.interrupt();
        }
        held.values().forEach(lease -> lease.lost = true);
    }

    /** Jobs running on this replica now. */
    public int activeJobs() {
        return active.get();
    }

    /** The lease owner: this process's instance id. */
    public String owner() {
        return owner;
    }

    public boolean stopping() {
        return stopping;
    }

    /** True once a claim query succeeded against the database (the pool works; used by readiness). */
    public boolean polled() {
        return polled;
    }

    /** Jobs whose leases this replica holds now (by the last heartbeat). */
    public int heldLeases() {
        return (int) held.values().stream().filter(HeldLease::valid).count();
    }

    private final class Control implements JobControl {
        private final HeldLease lease;

        private Control(HeldLease lease) {
            this.lease = lease;
        }

        @Override
        public boolean renewLease() {
            return lease.valid();
        }

        @Override
        public boolean stopRequested() {
            return stopping;
        }

        @Override
        public String owner() {
            return owner;
        }
    }

    /** A held job lease as this replica knows it: renewed until (monotonic clock), or lost. */
    private static final class HeldLease {
        private volatile long validUntilNanos;
        private volatile boolean lost;

        private HeldLease(long validUntilNanos) {
            this.validUntilNanos = validUntilNanos;
        }

        boolean valid() {
            return !lost && System.nanoTime() - validUntilNanos < 0;
        }
    }

}

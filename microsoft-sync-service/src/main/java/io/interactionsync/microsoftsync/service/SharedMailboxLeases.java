package io.interactionsync.microsoftsync.service;

import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.model.LogSafe;
import io.interactionsync.sync.SyncSettings;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases that let one subscriber's job at a time read a shared mailbox ({@code shared_mailboxes}), kept like the
 * jobs' own leases (sync-core's {@code SyncWorkerPool}): short ({@code worker.lease-duration}, 8 s) and renewed by a
 * heartbeat every {@code worker.heartbeat-interval} (2 s), one statement for all the leases this replica holds, however
 * long a Graph page takes. A dead replica's shared-mailbox leases therefore expire within the short lease, as its
 * jobs' do, and the job of the same account that takes over (on any replica) takes the lease at once
 * ({@link SharedMailboxRepository#tryLease}). Between steps a job checks its lease locally ({@link Lease#valid()}, no
 * round trip): lost (taken over, or the row erased) or not renewed for {@code lease-duration - heartbeat-interval}
 * (database unreachable) → the job stops before anyone else may take the mailbox.
 */
@ApplicationScoped
public class SharedMailboxLeases {

    private final SharedMailboxRepository repository;
    private final SyncSettings.Worker config;
    /** The leases held now, by mailbox (one job per mailbox on a replica: the lease is exclusive). */
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private volatile Thread heartbeat;
    private volatile boolean halted;

    @Inject
    public SharedMailboxLeases(SharedMailboxRepository repository, MicrosoftSyncConfig config) {
        this.repository = repository;
        this.config = config.worker();
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    /** Starts the heartbeat (at startup; a test's second replica calls it directly). */
    public void start() {
        heartbeat = Thread.ofVirtual().name("shared-mailbox-lease-heartbeat").start(this::heartbeatLoop);
    }

    /**
     * Stopped when the application's beans are destroyed, after the worker pool's graceful stop (a {@code
     * ShutdownEvent} observer): jobs finishing their last step keep their mailboxes' leases until they release them.
     */
    @PreDestroy
    void stop() {
        halted = true;
        Thread h = heartbeat;
        if (h != null) {
            h.interrupt();
        }
    }

    /**
     * The mailbox's lease for the job of {@code accountId} run by replica {@code instance} (owner
     * {@code <instance>/<accountId>}: two subscribers' jobs on one replica must not read it at once), or empty when
     * another account's job reads it now.
     */
    public Optional<Lease> tryAcquire(String address, String instance, String accountId) {
        String key = address.toLowerCase(Locale.ROOT);
        String owner = instance + "/" + accountId;
        long askedAt = System.nanoTime();
        if (halted || !repository.tryLease(key, owner, accountId, config.leaseDuration())) {
            return Optional.empty();
        }
        Lease lease = new Lease(new SharedMailboxRepository.Held(key, owner), validUntil(askedAt));
        held.put(key, lease);
        return Optional.of(lease);
    }

    /** Renews every held lease in one statement; one missing from the answer is lost (its job stops). */
    void heartbeat() {
        if (held.isEmpty()) {
            return;
        }
        List<Lease> leases = List.copyOf(held.values()); // one taken meanwhile is renewed next time
        long askedAt = System.nanoTime();
        Set<SharedMailboxRepository.Held> renewed;
        try {
            renewed = repository.renewLeases(leases.stream().map(l -> l.id).toList(), config.leaseDuration());
        } catch (RuntimeException e) {
            Log.warnf("could not renew the leases of %d shared mailboxes (their reads stop if this lasts %s): %s",
                    leases.size(), config.leaseDuration().minus(config.heartbeatInterval()), LogSafe.redact(e.getMessage()));
            return;
        }
        for (Lease lease : leases) {
            if (renewed.contains(lease.id)) {
                lease.validUntilNanos = validUntil(askedAt);
            } else if (!lease.lost && held.get(lease.id.address()) == lease) { // not released meanwhile
                lease.lost = true;
                Log.warnf("the lease on a shared mailbox was lost; its read stops at its next step");
            }
        }
    }

    private void heartbeatLoop() {
        try {
            while (!halted) {
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
     * A kill -9, for tests (a second replica in the test JVM): the heartbeat stops at once and nothing is released;
     * the leases run out on the database's clock.
     */
    public void haltAsIfKilled() {
        stop();
        held.values().forEach(lease -> lease.lost = true);
    }

    /** Renewed by a statement sent at {@code askedAt}: valid here one heartbeat less than on the database's clock. */
    private long validUntil(long askedAt) {
        return askedAt + config.leaseDuration().minus(config.heartbeatInterval()).toNanos();
    }

    /** A held shared-mailbox lease as this replica knows it. */
    public final class Lease {
        private final SharedMailboxRepository.Held id;
        private volatile long validUntilNanos;
        private volatile boolean lost;

        private Lease(SharedMailboxRepository.Held id, long validUntilNanos) {
            this.id = id;
            this.validUntilNanos = validUntilNanos;
        }

        /** Still held (renewed in time, not taken over): checked between steps, no round trip. */
        public boolean valid() {
            return !lost && System.nanoTime() - validUntilNanos < 0;
        }

        /** Ends the lease; {@code syncedBy} non-null records a complete read of the mailbox by that account. */
        public void release(String syncedBy) {
            held.remove(id.address(), this); // the heartbeat stops renewing it
            repository.release(id.address(), id.owner(), syncedBy);
        }

        public String owner() {
            return id.owner();
        }
    }
}

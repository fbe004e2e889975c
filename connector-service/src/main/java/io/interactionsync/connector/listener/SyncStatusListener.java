package io.interactionsync.connector.listener;

import io.interactionsync.connector.service.SharedMailboxAccessService;
import io.interactionsync.connector.service.SyncStatusService;
import io.interactionsync.model.SyncStatus;
import io.interactionsync.model.Topics;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code sync-status} (group {@code connector-service}); each record is acked after its row is committed (and,
 * for a shared mailbox's report, after the subscription's state was worked out again). At shutdown, {@link #drain}
 * lets the record in hand finish and holds back any later one unacknowledged (its offset is not committed, so the
 * partition's next owner reads it).
 */
@ApplicationScoped
public class SyncStatusListener {

    public static final String CHANNEL = Topics.SYNC_STATUS;

    private final SyncStatusService service;
    private final SharedMailboxAccessService sharedMailboxAccess;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    public SyncStatusListener(SyncStatusService service, SharedMailboxAccessService sharedMailboxAccess) {
        this.service = service;
        this.sharedMailboxAccess = sharedMailboxAccess;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onStatus(SyncStatus status) throws InterruptedException {
        inFlight.incrementAndGet();
        if (draining) {
            inFlight.decrementAndGet();
            Thread.sleep(Duration.ofMinutes(1)); // never acked: the process ends first
            throw new IllegalStateException("shutting down");
        }
        try {
            if (status == null) {
                Log.warn("skipping an unreadable sync-status record");
                return;
            }
            service.record(status);
            sharedMailboxAccess.statusRecorded(status); // a subscriber's access to a shared mailbox may have changed
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Refuses further records and waits (at most {@code timeout}) for the one being handled; true if none is left. */
    public boolean drain(Duration timeout) {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return inFlight.get() == 0;
    }
}

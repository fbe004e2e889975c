package io.interactionsync.connector.listener;

import io.interactionsync.connector.service.SharedMailboxAccessService;
import io.interactionsync.connector.service.SyncStatusService;
import io.interactionsync.model.SyncStatus;
import io.interactionsync.model.Topics;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code sync-status} (group {@code connector-service}); each record is acked after its row is committed (and,
 * for a shared mailbox's report, after the subscription's state was worked out again).
 */
@ApplicationScoped
public class SyncStatusListener {

    public static final String CHANNEL = Topics.SYNC_STATUS;

    private final SyncStatusService service;
    private final SharedMailboxAccessService sharedMailboxAccess;

    public SyncStatusListener(SyncStatusService service, SharedMailboxAccessService sharedMailboxAccess) {
        this.service = service;
        this.sharedMailboxAccess = sharedMailboxAccess;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onStatus(SyncStatus status) {
        if (status == null) {
            Log.warn("skipping an unreadable sync-status record");
            return;
        }
        service.record(status);
        sharedMailboxAccess.statusRecorded(status); // a subscriber's access to a shared mailbox may have changed
    }
}

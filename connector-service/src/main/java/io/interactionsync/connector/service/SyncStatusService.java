package io.interactionsync.connector.service;

import io.interactionsync.connector.repository.SyncStatusRepository;
import io.interactionsync.model.SyncStatus;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.UUID;

/** Stores progress reports from the sync services; the Account JSON aggregates them. */
@ApplicationScoped
public class SyncStatusService {

    private final SyncStatusRepository statuses;

    public SyncStatusService(SyncStatusRepository statuses) {
        this.statuses = statuses;
    }

    @Transactional
    public void record(SyncStatus status) {
        UUID accountId;
        try {
            accountId = UUID.fromString(status.accountId());
        } catch (IllegalArgumentException | NullPointerException e) {
            Log.warnf("ignoring sync-status with a malformed account id");
            return;
        }
        if (status.source() == null || status.state() == null || status.at() == null) {
            Log.warnf("ignoring incomplete sync-status for account %s", accountId);
            return;
        }
        if (!statuses.upsert(accountId, status)) {
            Log.debugf("sync-status for account %s/%s not stored (unknown account or older report)", accountId,
                    status.source());
        }
    }
}

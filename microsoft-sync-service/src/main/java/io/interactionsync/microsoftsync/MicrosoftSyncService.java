package io.interactionsync.microsoftsync;

import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.sync.SyncServiceDefinition;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Set;

/** How this service plugs into sync-core (job queue, worker pool, listener, health, shared meters). */
public class MicrosoftSyncService {

    @Produces
    @Singleton
    SyncServiceDefinition definition(MicrosoftSyncConfig config) {
        return new SyncServiceDefinition("microsoft-sync", Provider.MICROSOFT, Set.of(Source.OUTLOOK_MAIL, Source.OUTLOOK_CALENDAR),
                "microsoft_sync", "microsoftsync", SyncMetrics.BREAKERS, config);
    }
}

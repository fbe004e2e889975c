package io.interactionsync.googlesync;

import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.sync.SyncServiceDefinition;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Set;

/** How this service plugs into sync-core (job queue, worker pool, listener, health, shared meters). */
public class GoogleSyncService {

    @Produces
    @Singleton
    SyncServiceDefinition definition(GoogleSyncConfig config) {
        return new SyncServiceDefinition("google-sync", Provider.GOOGLE, Set.of(Source.GMAIL, Source.GOOGLE_CALENDAR),
                "google_sync", "googlesync", SyncMetrics.BREAKERS, config);
    }
}

package io.interactionsync.googlesync;

import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.SyncSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/** How this service plugs into sync-core (job queue, worker pool, listener, health, shared meters). */
@ApplicationScoped
public class GoogleSyncService implements SyncServiceDefinition {

    private final GoogleSyncConfig config;

    public GoogleSyncService(GoogleSyncConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "google-sync";
    }

    @Override
    public Provider provider() {
        return Provider.GOOGLE;
    }

    @Override
    public Set<Source> defaultSources() {
        return Set.of(Source.GMAIL, Source.GOOGLE_CALENDAR);
    }

    /** Flyway's schema (V1 creates sync_jobs, stronger_mode, merge_sources there). */
    @Override
    public String schema() {
        return "google_sync";
    }

    @Override
    public String metricPrefix() {
        return "googlesync";
    }

    @Override
    public List<String> circuitBreakers() {
        return SyncMetrics.BREAKERS;
    }

    @Override
    public SyncSettings settings() {
        return config;
    }
}

package io.interactionsync.microsoftsync;

import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.SyncSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/** How this service plugs into sync-core (job queue, worker pool, listener, health, shared meters). */
@ApplicationScoped
public class MicrosoftSyncService implements SyncServiceDefinition {

    private final MicrosoftSyncConfig config;

    public MicrosoftSyncService(MicrosoftSyncConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "microsoft-sync";
    }

    @Override
    public Provider provider() {
        return Provider.MICROSOFT;
    }

    @Override
    public Set<Source> defaultSources() {
        return Set.of(Source.OUTLOOK_MAIL, Source.OUTLOOK_CALENDAR);
    }

    /** Flyway's schema (V1 creates sync_jobs, stronger_mode, merge_sources there). */
    @Override
    public String schema() {
        return "microsoft_sync";
    }

    @Override
    public String metricPrefix() {
        return "microsoftsync";
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

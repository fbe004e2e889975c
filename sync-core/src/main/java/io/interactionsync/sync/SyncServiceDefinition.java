package io.interactionsync.sync;

import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a sync service tells sync-core about itself. Each service produces exactly one (a {@code @Produces
 * @Singleton} method, next to its one {@link SyncJobRunner}); everything else in sync-core is parameterised by it.
 *
 * @param name            short name, e.g. {@code google-sync}: worker thread names and the liveness check
 *                        {@code <name>-workers}
 * @param provider        requests for other providers on {@code sync-requests} are ignored
 * @param defaultSources  sources synced when a request names none
 * @param schema          PostgreSQL schema (the service's Flyway schema) holding {@code sync_jobs} and the functions
 *                        {@code stronger_mode} and {@code merge_sources}; see sync-core's README for the DDL. It is
 *                        put into SQL text, so it must be a plain lower-case identifier.
 * @param metricPrefix    prefix of the shared meters, e.g. {@code googlesync} → {@code googlesync.jobs}
 * @param circuitBreakers SmallRye Fault Tolerance circuit breakers exported as {@code <metricPrefix>.circuit.state}
 * @param settings        the service's config mapping (it extends {@link SyncSettings})
 */
public record SyncServiceDefinition(String name, Provider provider, Set<Source> defaultSources, String schema,
                                    String metricPrefix, List<String> circuitBreakers, SyncSettings settings) {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    public SyncServiceDefinition {
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IllegalArgumentException("not a plain SQL schema name: " + schema);
        }
        defaultSources = Set.copyOf(defaultSources);
        circuitBreakers = List.copyOf(circuitBreakers);
    }
}

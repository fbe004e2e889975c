package io.interactionsync.sync;

import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a sync service tells sync-core about itself. Exactly one {@code @ApplicationScoped} bean per service
 * implements it (with one {@link SyncJobRunner}); everything else in sync-core is parameterised by it.
 */
public interface SyncServiceDefinition {

    /** Unquoted lower-case SQL identifier. */
    Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    /** Short name, e.g. {@code google-sync}: worker thread names and the liveness check {@code <name>-workers}. */
    String name();

    /** Requests for other providers on {@code sync-requests} are ignored. */
    Provider provider();

    /** Sources synced when a request names none. */
    Set<Source> defaultSources();

    /**
     * PostgreSQL schema (the service's Flyway schema) holding {@code sync_jobs} and the functions
     * {@code stronger_mode} and {@code merge_sources}; see sync-core's README for the DDL.
     */
    String schema();

    /** Prefix of the shared meters, e.g. {@code googlesync} → {@code googlesync.jobs}, {@code googlesync.circuit.state}. */
    String metricPrefix();

    /** SmallRye Fault Tolerance circuit breakers whose state is exported as {@code <metricPrefix>.circuit.state}. */
    List<String> circuitBreakers();

    /** The service's config mapping (it extends {@link SyncSettings}). */
    SyncSettings settings();
}

package io.interactionsync.sync;

import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A claimed sync of one account (a row of the service schema's {@code sync_jobs}).
 *
 * @param leaseOwner the replica holding the lease
 * @param attempts   how many times the job was claimed (including this one)
 * @param audit      a completeness audit of the sources was asked for (a backfill audits anyway)
 */
public record SyncJob(String accountId, SyncRequest.Mode mode, Set<Source> sources, String reason,
                      Instant requestedAt, String leaseOwner, int attempts, boolean audit) {

    /** A job without an audit request. */
    public SyncJob(String accountId, SyncRequest.Mode mode, Set<Source> sources, String reason, Instant requestedAt,
                   String leaseOwner, int attempts) {
        this(accountId, mode, sources, reason, requestedAt, leaseOwner, attempts, false);
    }

    public static String wire(SyncRequest.Mode mode) {
        return mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    public static SyncRequest.Mode mode(String wire) {
        return SyncRequest.Mode.valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }

    public static String wire(Set<Source> sources) {
        return sources.stream().sorted().map(Source::wireName).collect(Collectors.joining(","));
    }

    public static Set<Source> sources(String wire) {
        Set<Source> sources = EnumSet.noneOf(Source.class);
        if (wire != null && !wire.isBlank()) {
            Arrays.stream(wire.split(",")).map(String::trim).map(Source::fromWireName).forEach(sources::add);
        }
        return sources;
    }
}

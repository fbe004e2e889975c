package io.interactionsync.googlesync.publish;

import io.interactionsync.model.Source;
import io.interactionsync.model.SyncStatus;
import io.quarkus.logging.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Status of one account × source during one job: {@code syncing} at most every N records or T seconds
 * (and a progress line in the log at INFO), then {@code synced}, {@code error} or {@code reauth_required}.
 */
public final class StatusReporter {

    private final SyncStatusPublisher publisher;
    private final String accountId;
    private final Source source;
    private final int everyRecords;
    private final Duration every;
    private final Clock clock;
    private long lastReportedFetched = -1;
    private Instant lastReportedAt = Instant.EPOCH;

    public StatusReporter(SyncStatusPublisher publisher, String accountId, Source source, int everyRecords, Duration every,
                          Clock clock) {
        this.publisher = publisher;
        this.accountId = accountId;
        this.source = source;
        this.everyRecords = everyRecords;
        this.every = every;
        this.clock = clock;
    }

    /** Reports progress if enough records or time went by since the last report (always the first time). */
    public void progress(long fetched, Long estimatedTotal, Instant lastSyncedAt) {
        Instant now = clock.instant();
        boolean due = lastReportedFetched < 0 || fetched - lastReportedFetched >= everyRecords
                || Duration.between(lastReportedAt, now).compareTo(every) >= 0;
        if (!due) {
            return;
        }
        lastReportedFetched = fetched;
        lastReportedAt = now;
        Log.infof("%s backfill: %d fetched of about %s", source.wireName(), fetched,
                estimatedTotal == null ? "?" : estimatedTotal.toString());
        publisher.publish(new SyncStatus(SyncStatus.SCHEMA_VERSION, accountId, source, null, SyncStatus.State.SYNCING,
                fetched, estimatedTotal, lastSyncedAt, null, now));
    }

    public void synced(long fetched, Long estimatedTotal, Instant lastSyncedAt) {
        Log.infof("%s synced: %d fetched", source.wireName(), fetched);
        publisher.publish(new SyncStatus(SyncStatus.SCHEMA_VERSION, accountId, source, null, SyncStatus.State.SYNCED,
                fetched, estimatedTotal, lastSyncedAt, null, clock.instant()));
    }

    public void error(long fetched, Long estimatedTotal, Instant lastSyncedAt, String message) {
        Log.warnf("%s failed: %s", source.wireName(), message);
        publisher.publish(new SyncStatus(SyncStatus.SCHEMA_VERSION, accountId, source, null, SyncStatus.State.ERROR,
                fetched, estimatedTotal, lastSyncedAt, message, clock.instant()));
    }

    public void state(SyncStatus.State state, String message) {
        publisher.publish(new SyncStatus(SyncStatus.SCHEMA_VERSION, accountId, source, null, state, 0, null, null,
                message, clock.instant()));
    }
}

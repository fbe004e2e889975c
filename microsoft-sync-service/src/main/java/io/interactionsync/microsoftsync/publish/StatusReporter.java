package io.interactionsync.microsoftsync.publish;

import io.interactionsync.model.Source;
import io.interactionsync.model.SyncStatus;
import io.quarkus.logging.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Status of one account × source (× shared mailbox) during one job: {@code syncing} at most every N records or T
 * seconds (and a progress line in the log), then {@code synced}, {@code error}, {@code access_denied} or
 * {@code reauth_required}. {@code mailbox} is the shared address, or null for the account's own mailbox.
 */
public final class StatusReporter {

    private final SyncStatusPublisher publisher;
    private final String accountId;
    private final Source source;
    private final String mailbox;
    private final int everyRecords;
    private final Duration every;
    private final Clock clock;
    private long lastReportedFetched = -1;
    private Instant lastReportedAt = Instant.EPOCH;

    public StatusReporter(SyncStatusPublisher publisher, String accountId, Source source, String mailbox, int everyRecords,
                          Duration every, Clock clock) {
        this.publisher = publisher;
        this.accountId = accountId;
        this.source = source;
        this.mailbox = mailbox;
        this.everyRecords = everyRecords;
        this.every = every;
        this.clock = clock;
    }

    /** Reports progress if enough records or time went by since the last report (always the first time). */
    public void progress(long fetched, Instant lastSyncedAt) {
        Instant now = clock.instant();
        boolean due = lastReportedFetched < 0 || fetched - lastReportedFetched >= everyRecords
                || Duration.between(lastReportedAt, now).compareTo(every) >= 0;
        if (!due) {
            return;
        }
        lastReportedFetched = fetched;
        lastReportedAt = now;
        Log.infof("%s%s: %d fetched", source.wireName(), label(), fetched);
        publish(SyncStatus.State.SYNCING, fetched, lastSyncedAt, null);
    }

    public void synced(long fetched, Instant lastSyncedAt) {
        Log.infof("%s%s synced: %d fetched", source.wireName(), label(), fetched);
        publish(SyncStatus.State.SYNCED, fetched, lastSyncedAt, null);
    }

    public void error(long fetched, Instant lastSyncedAt, String message) {
        Log.warnf("%s%s failed: %s", source.wireName(), label(), message);
        publish(SyncStatus.State.ERROR, fetched, lastSyncedAt, message);
    }

    public void state(SyncStatus.State state, String message) {
        Log.infof("%s%s: %s (%s)", source.wireName(), label(), state, message);
        publish(state, 0, null, message);
    }

    private void publish(SyncStatus.State state, long fetched, Instant lastSyncedAt, String message) {
        publisher.publish(new SyncStatus(SyncStatus.SCHEMA_VERSION, accountId, source, mailbox, state, fetched, null,
                lastSyncedAt, message, clock.instant()));
    }

    private String label() {
        return mailbox == null ? "" : " (shared mailbox " + mailbox + ")";
    }
}

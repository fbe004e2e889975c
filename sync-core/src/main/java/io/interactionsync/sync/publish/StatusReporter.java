package io.interactionsync.sync.publish;

import io.interactionsync.model.LogSafe;
import io.interactionsync.model.PushHealth;
import io.interactionsync.model.Source;
import io.interactionsync.sync.audit.AuditResult;
import io.interactionsync.model.SyncStatus;
import io.quarkus.logging.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Status of one account × source (× shared mailbox) during one job: {@code syncing} at most every N records or T
 * seconds (and a progress line in the log at INFO), then {@code synced}, {@code error}, or a terminal state such as
 * {@code reauth_required} / {@code access_denied}. {@code mailbox} is a shared mailbox's address, or null for the
 * account's own data; {@code estimatedTotal} is null when the provider gives no estimate. Once the source's last
 * completeness audit is known ({@link #audit}), every status carries it, and a finished run whose audit left gaps
 * open reports {@code incomplete} (with the audit's reason) instead of {@code synced}.
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
    private AuditResult audit;
    private PushHealth push;

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

    /** For the account's own data (no shared mailbox). */
    public StatusReporter(SyncStatusPublisher publisher, String accountId, Source source, int everyRecords,
                          Duration every, Clock clock) {
        this(publisher, accountId, source, null, everyRecords, every, clock);
    }

    /** The source's last completeness audit (from the store, or one that just ran); null = none yet. */
    public StatusReporter audit(AuditResult lastAudit) {
        this.audit = lastAudit;
        return this;
    }

    /** Reports progress if enough records or time went by since the last report (always the first time). */
    /** The source's push health: carried by every later status of this run. */
    public StatusReporter push(PushHealth health) {
        this.push = health;
        return this;
    }

    public void progress(long fetched, Long estimatedTotal, Instant lastSyncedAt) {
        Instant now = clock.instant();
        boolean due = lastReportedFetched < 0 || fetched - lastReportedFetched >= everyRecords
                || Duration.between(lastReportedAt, now).compareTo(every) >= 0;
        if (!due) {
            return;
        }
        lastReportedFetched = fetched;
        lastReportedAt = now;
        Log.infof("%s%s: %d fetched%s", source.wireName(), label(), fetched,
                estimatedTotal == null ? "" : " of about " + estimatedTotal);
        publish(SyncStatus.State.SYNCING, fetched, estimatedTotal, lastSyncedAt, null);
    }

    public void progress(long fetched, Instant lastSyncedAt) {
        progress(fetched, null, lastSyncedAt);
    }

    /** The run finished: {@code synced}, or {@code incomplete} while the last audit left gaps open. */
    public void synced(long fetched, Long estimatedTotal, Instant lastSyncedAt) {
        if (audit != null && !audit.complete()) {
            Log.infof("%s%s incomplete: %d fetched, %d gaps open after the last audit", source.wireName(), label(),
                    fetched, audit.completeness().unresolved());
            publish(SyncStatus.State.INCOMPLETE, fetched, estimatedTotal, lastSyncedAt, audit.lastError());
            return;
        }
        Log.infof("%s%s synced: %d fetched", source.wireName(), label(), fetched);
        publish(SyncStatus.State.SYNCED, fetched, estimatedTotal, lastSyncedAt, null);
    }

    public void synced(long fetched, Instant lastSyncedAt) {
        synced(fetched, null, lastSyncedAt);
    }

    public void error(long fetched, Long estimatedTotal, Instant lastSyncedAt, String message) {
        Log.warnf("%s%s failed: %s", source.wireName(), label(), LogSafe.redact(message));
        publish(SyncStatus.State.ERROR, fetched, estimatedTotal, lastSyncedAt, message);
    }

    public void error(long fetched, Instant lastSyncedAt, String message) {
        error(fetched, null, lastSyncedAt, message);
    }

    /** A terminal state other than synced/error ({@code reauth_required}, {@code access_denied}). */
    public void state(SyncStatus.State state, String message) {
        Log.infof("%s%s: %s (%s)", source.wireName(), label(), state, LogSafe.redact(message));
        publish(state, 0, null, null, message);
    }

    private void publish(SyncStatus.State state, long fetched, Long estimatedTotal, Instant lastSyncedAt, String message) {
        publisher.publish(new SyncStatus(SyncStatus.SCHEMA_VERSION, accountId, source, mailbox, state, fetched,
                estimatedTotal, lastSyncedAt, message, clock.instant(), audit == null ? null : audit.completeness(), push));
    }

    /** No address in INFO logs: a shared mailbox is named by a short digest of its address (the same in every line). */
    private String label() {
        return mailbox == null ? "" : " (shared mailbox " + LogSafe.hash(mailbox) + ")";
    }
}

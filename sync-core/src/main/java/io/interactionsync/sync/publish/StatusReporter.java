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
 * account's own data. Once the source's last completeness audit is known ({@link #audit}), every status carries it,
 * and a finished run whose audit left gaps open reports {@code incomplete} (with the audit's reason) instead of
 * {@code synced}.
 *
 * <p>{@code fetched} / {@code estimatedTotal} drive the console's progress bar, so one rule holds here for every
 * source, whatever the provider's estimate says (Gmail's and Graph's count more than the horizon, or lag behind):
 * a published {@code estimatedTotal} is never below {@code fetched}, is null while the provider gives none, and a
 * finished run ({@code synced}, {@code incomplete}) reports {@code estimatedTotal = fetched} — the bar is full.
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

    /** The source's push health: carried by every later status of this run. */
    public StatusReporter push(PushHealth health) {
        this.push = health;
        return this;
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
        Long estimate = atLeast(fetched, estimatedTotal);
        Log.infof("%s%s: %s read %d%s", source.wireName(), label(), unit(), fetched,
                estimate == null ? "" : " of about " + estimate);
        publish(SyncStatus.State.SYNCING, fetched, estimate, lastSyncedAt, null);
    }

    public void progress(long fetched, Instant lastSyncedAt) {
        progress(fetched, null, lastSyncedAt);
    }

    /**
     * The run finished: {@code synced}, or {@code incomplete} while the last audit left gaps open; either way with
     * {@code estimatedTotal = fetched}.
     */
    public void synced(long fetched, Instant lastSyncedAt) {
        if (audit != null && !audit.complete()) {
            Log.infof("%s%s incomplete: %s read %d, %d gaps open after the last audit", source.wireName(), label(),
                    unit(), fetched, audit.completeness().unresolved());
            publish(SyncStatus.State.INCOMPLETE, fetched, fetched, lastSyncedAt, audit.lastError());
            return;
        }
        Log.infof("%s%s synced: %s read %d", source.wireName(), label(), unit(), fetched);
        // The run read everything there was: whatever the provider estimated, the total is what was read.
        publish(SyncStatus.State.SYNCED, fetched, fetched, lastSyncedAt, null);
    }

    public void error(long fetched, Long estimatedTotal, Instant lastSyncedAt, String message) {
        Log.warnf("%s%s failed: %s", source.wireName(), label(), LogSafe.redact(message));
        publish(SyncStatus.State.ERROR, fetched, atLeast(fetched, estimatedTotal), lastSyncedAt, message);
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

    /** The estimate as published: never below what was read (a provider's count can lag or miss); null stays null. */
    static Long atLeast(long fetched, Long estimatedTotal) {
        return estimatedTotal == null ? null : Math.max(fetched, estimatedTotal);
    }

    private String unit() {
        return source == Source.GOOGLE_CALENDAR || source == Source.OUTLOOK_CALENDAR ? "events" : "messages";
    }

    /** No address in INFO logs: a shared mailbox is named by a short digest of its address (the same in every line). */
    private String label() {
        return mailbox == null ? "" : " (shared mailbox " + LogSafe.hash(mailbox) + ")";
    }
}

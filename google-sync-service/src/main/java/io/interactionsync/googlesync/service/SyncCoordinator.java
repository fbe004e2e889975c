package io.interactionsync.googlesync.service;

import io.interactionsync.model.LogSafe;
import io.interactionsync.sync.SyncJobRunner;
import io.interactionsync.googlesync.client.GoogleScopes;
import io.interactionsync.sync.JobResult;
import io.interactionsync.sync.JobControl;
import io.interactionsync.sync.SyncJob;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.connector.AccountToken;
import io.interactionsync.sync.connector.ConnectorClient;
import io.interactionsync.sync.jobs.AccountJobs;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.pacing.QuotaPacer;
import io.interactionsync.googlesync.push.GooglePushChannels;
import io.interactionsync.sync.publish.RawRecordPublisher;
import io.interactionsync.sync.publish.StatusReporter;
import io.interactionsync.sync.publish.SyncStatusPublisher;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.sync.jobs.RepositoryException;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.SourceFailedException;
import io.interactionsync.googlesync.source.gmail.GmailBackfillSource;
import io.interactionsync.googlesync.client.calendar.CalendarGateway;
import io.interactionsync.googlesync.client.calendar.CalendarGatewayFactory;
import io.interactionsync.googlesync.repository.CalendarCursorRepository;
import io.interactionsync.googlesync.source.calendar.CalendarCursor;
import io.interactionsync.googlesync.source.calendar.CalendarSource;
import io.interactionsync.googlesync.source.gmail.GmailCursor;
import io.interactionsync.googlesync.source.gmail.GmailIncrementalSource;
import io.interactionsync.googlesync.source.gmail.GmailSession;
import io.interactionsync.googlesync.source.gmail.GmailSessionFactory;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.SyncStatus;
import io.interactionsync.sync.audit.AuditTarget;
import io.interactionsync.sync.audit.CompletenessAuditor;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;

/**
 * Runs one claimed job (Debezium's change-event-source coordinator): gets the account and a token from the
 * connector, then for each requested source runs the backfill step by step from its stored cursor, checking
 * the lease and shutdown between steps; once a backfill completes, the incremental phase continues from the
 * cursor it left; a Gmail history 404 or a Calendar 410 starts a resync once per run. Once caught up, the source's
 * completeness audit runs (sync-core's {@link CompletenessAuditor} over {@link AuditTargets}) after a backfill, when
 * the job asks for one, or daily at the account's slot (sync-core's staggered schedule); the run then reports
 * {@code synced}, or {@code incomplete} while the last audit left gaps open. Before that final status the source's push channel is
 * created or renewed when due ({@link GooglePushChannels}); every status of the run carries its push health.
 */
@ApplicationScoped
public class SyncCoordinator implements SyncJobRunner {

    private final AccountJobs jobs;
    private final GmailSessionFactory gmailSessions;
    private final GmailCursorRepository gmailCursors;
    private final GmailBackfillSource gmailBackfill;
    private final GmailIncrementalSource gmailIncremental;
    private final CalendarCursorRepository calendarCursors;
    private final CalendarSource calendarSource;
    private final CalendarGatewayFactory calendarGateways;
    private final SyncStatusPublisher statusPublisher;
    private final QuotaPacer pacer;
    private final CompletenessAuditor auditor;
    private final AuditTargets auditTargets;
    private final GooglePushChannels push;
    private final GoogleSyncConfig config;
    private final Clock clock = Clock.systemUTC();

    public SyncCoordinator(AccountJobs jobs, GmailSessionFactory gmailSessions, GmailCursorRepository gmailCursors,
                           GmailBackfillSource gmailBackfill, GmailIncrementalSource gmailIncremental,
                           CalendarCursorRepository calendarCursors, CalendarSource calendarSource,
                           CalendarGatewayFactory calendarGateways,
                           SyncStatusPublisher statusPublisher, QuotaPacer pacer, CompletenessAuditor auditor,
                           AuditTargets auditTargets, GooglePushChannels push, GoogleSyncConfig config) {
        this.jobs = jobs;
        this.gmailSessions = gmailSessions;
        this.gmailCursors = gmailCursors;
        this.gmailBackfill = gmailBackfill;
        this.gmailIncremental = gmailIncremental;
        this.calendarCursors = calendarCursors;
        this.calendarSource = calendarSource;
        this.calendarGateways = calendarGateways;
        this.statusPublisher = statusPublisher;
        this.pacer = pacer;
        this.auditor = auditor;
        this.auditTargets = auditTargets;
        this.push = push;
        this.config = config;
    }

    @Override
    public JobResult run(SyncJob job, JobControl control) {
        try {
            return jobs.run(job, account -> null,
                    (source, tokens) -> source == Source.GMAIL ? runGmail(job, tokens, control)
                            : runCalendar(job, tokens, control));
        } finally {
            pacer.forget(job.accountId());
        }
    }

    private JobResult runGmail(SyncJob job, AccessTokenHolder tokens, JobControl control) {
        AccountToken account = tokens.account();
        StatusReporter status = gmailSessions.statusReporter(account.accountId());
        if (!account.hasScope(GoogleScopes.GMAIL)) {
            status.state(SyncStatus.State.ACCESS_DENIED, "the account did not grant " + GoogleScopes.GMAIL);
            return new JobResult.Completed();
        }
        GmailCursor cursor = null;
        try {
            status.push(push.health(account.accountId(), Source.GMAIL));
            Optional<GmailCursor> stored = gmailCursors.load(account.accountId());
            cursor = stored.orElse(null);
            if (cursor == null || job.mode() == SyncRequest.Mode.FULL) {
                cursor = gmailBackfill.start(account.accountId(), cursor == null ? null : cursor.lastSyncedAt());
                Log.infof("gmail backfill starts (run %s, horizon %s)", cursor.syncRunId(), cursor.horizon());
            } else if (cursor.phase() == GmailCursor.Phase.BACKFILL) {
                Log.infof("gmail backfill resumes (run %s): %d fetched, listing %s, %d ids pending", cursor.syncRunId(),
                        cursor.fetched(), cursor.listing(), cursor.pendingIds().size());
            }
            GmailSession session = gmailSessions.open(tokens, status);
            GmailCursor[] current = {cursor};
            AuditTarget audit = auditTargets.gmail(session, control, () -> status.progress(current[0].fetched(),
                    current[0].estimatedTotal(), current[0].lastSyncedAt()));
            lastAudit(account.accountId(), audit, status);
            boolean backfilled = false;
            boolean resynced = false;
            while (true) {
                while (cursor.phase() == GmailCursor.Phase.BACKFILL) {
                    JobResult interrupted = checkControl(control);
                    if (interrupted != null) {
                        return interrupted;
                    }
                    backfilled = true;
                    cursor = gmailBackfill.step(session, cursor);
                }
                try {
                    do {
                        JobResult interrupted = checkControl(control);
                        if (interrupted != null) {
                            return interrupted;
                        }
                        cursor = gmailIncremental.step(session, cursor);
                    } while (cursor.morePages());
                    break;
                } catch (GmailIncrementalSource.HistoryExpiredException e) {
                    if (resynced) {
                        return jobs.retryLater("history expired again right after a resync: " + e.getMessage());
                    }
                    resynced = true;
                    cursor = gmailBackfill.start(account.accountId(), cursor.lastSyncedAt(), true);
                    Log.warnf("gmail %s; full resync (run %s) without re-publishing unchanged messages",
                            LogSafe.redact(e.getMessage()), cursor.syncRunId());
                }
            }
            current[0] = cursor;
            JobResult interrupted = audit(job, account.accountId(), audit, backfilled, status, control);
            if (interrupted != null) {
                return interrupted;
            }
            status.push(push.ensureGmail(tokens, cursor.historyId()));
            status.synced(cursor.fetched(), cursor.lastSyncedAt());
            return new JobResult.Completed();
        } catch (SourceFailedException e) {
            status.error(cursor == null ? 0 : cursor.fetched(), cursor == null ? null : cursor.estimatedTotal(),
                    cursor == null ? null : cursor.lastSyncedAt(), e.getMessage());
            return new JobResult.Failed(e.getMessage());
        } catch (RetryLaterException e) {
            Log.infof("gmail sync paused until %s: %s", e.notBefore(), LogSafe.redact(e.getMessage()));
            return new JobResult.RetryLater(e.notBefore(), e.getMessage());
        } catch (ConnectorClient.ConnectorUnavailableException | RepositoryException
                 | RawRecordPublisher.PublishException e) {
            Log.warnf("gmail step failed, will retry: %s", LogSafe.redact(e.getMessage()));
            return jobs.retryLater(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new JobResult.Stopped();
        }
    }

    private JobResult runCalendar(SyncJob job, AccessTokenHolder tokens, JobControl control) {
        AccountToken account = tokens.account();
        StatusReporter status = new StatusReporter(statusPublisher, account.accountId(), Source.GOOGLE_CALENDAR,
                config.status().everyRecords(), config.status().every(), clock);
        if (!account.hasScope(GoogleScopes.CALENDAR)) {
            status.state(SyncStatus.State.ACCESS_DENIED, "the account did not grant " + GoogleScopes.CALENDAR);
            return new JobResult.Completed();
        }
        CalendarCursor cursor = null;
        CalendarSource.Account who = new CalendarSource.Account(account.accountId(), account.userId(), account.email());
        try {
            status.push(push.health(account.accountId(), Source.GOOGLE_CALENDAR));
            cursor = calendarCursors.load(account.accountId()).orElse(null);
            if (cursor == null || job.mode() == SyncRequest.Mode.FULL) {
                cursor = calendarSource.start(account.accountId(), cursor == null ? null : cursor.lastSyncedAt());
                Log.infof("calendar full listing starts (run %s, timeMin %s)", cursor.syncRunId(), cursor.horizon());
            }
            CalendarGateway calendar = calendarGateways.create(tokens);
            CalendarCursor[] current = {cursor};
            AuditTarget audit = auditTargets.calendar(calendar, who, control, () -> status.progress(current[0].fetched(),
                    current[0].estimatedTotal(), current[0].lastSyncedAt()));
            lastAudit(account.accountId(), audit, status);
            boolean backfilled = false;
            boolean relisted = false;
            while (true) {
                try {
                    do {
                        JobResult interrupted = checkControl(control);
                        if (interrupted != null) {
                            return interrupted;
                        }
                        backfilled |= cursor.phase() == CalendarCursor.Phase.BACKFILL;
                        cursor = calendarSource.step(calendar, who, cursor, status);
                    } while (cursor.phase() == CalendarCursor.Phase.BACKFILL || cursor.morePages());
                    break;
                } catch (CalendarGateway.SyncTokenExpiredException e) {
                    if (relisted) {
                        return jobs.retryLater("calendar sync token expired again right after a full listing");
                    }
                    relisted = true;
                    Log.warnf("calendar sync token no longer valid (410): dropped, full listing again");
                    cursor = calendarSource.start(account.accountId(), cursor.lastSyncedAt(), true);
                }
            }
            current[0] = cursor;
            JobResult interrupted = audit(job, account.accountId(), audit, backfilled, status, control);
            if (interrupted != null) {
                return interrupted;
            }
            status.push(push.ensureCalendar(account.accountId(), calendar));
            status.synced(cursor.fetched(), cursor.lastSyncedAt());
            return new JobResult.Completed();
        } catch (SourceFailedException e) {
            status.error(cursor == null ? 0 : cursor.fetched(), cursor == null ? null : cursor.estimatedTotal(),
                    cursor == null ? null : cursor.lastSyncedAt(), e.getMessage());
            return new JobResult.Failed(e.getMessage());
        } catch (RetryLaterException e) {
            Log.infof("calendar sync paused until %s: %s", e.notBefore(), LogSafe.redact(e.getMessage()));
            return new JobResult.RetryLater(e.notBefore(), e.getMessage());
        } catch (ConnectorClient.ConnectorUnavailableException | RepositoryException
                 | RawRecordPublisher.PublishException e) {
            Log.warnf("calendar step failed, will retry: %s", LogSafe.redact(e.getMessage()));
            return jobs.retryLater(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new JobResult.Stopped();
        }
    }

    /** The source's last audit, so that this run's statuses carry it (and a finished run stays incomplete). */
    private void lastAudit(String accountId, AuditTarget target, StatusReporter status) {
        if (auditor.enabled()) {
            status.audit(auditor.last(accountId, target).orElse(null));
        }
    }

    /**
     * The completeness audit, once the source is caught up: after a backfill (or resync) completed in this run, when
     * the job asks for one, or when it was not audited since its account's daily slot. Its result goes into the status.
     * Null to go on; a job result when the run must end first.
     */
    private JobResult audit(SyncJob job, String accountId, AuditTarget target, boolean backfilled, StatusReporter status,
                            JobControl control) throws InterruptedException {
        if (!auditor.enabled() || !(backfilled || auditor.due(accountId, target, job.audit()))) {
            return null;
        }
        JobResult interrupted = checkControl(control);
        if (interrupted != null) {
            return interrupted;
        }
        Log.infof("%s completeness audit starts (%s)", target.source().wireName(),
                backfilled ? "after the backfill" : job.audit() ? "requested" : "due");
        status.audit(auditor.audit(accountId, target, control));
        return null;
    }

    /** Between steps: stop on shutdown, abort when the lease was lost; null to go on. */
    private static JobResult checkControl(JobControl control) {
        if (control.stopRequested()) {
            return new JobResult.Stopped();
        }
        if (!control.renewLease()) {
            Log.warnf("lease on the account was lost; another replica continues from the saved cursor");
            return new JobResult.Aborted();
        }
        return null;
    }
}

package io.interactionsync.microsoftsync.service;

import io.interactionsync.model.LogSafe;
import io.interactionsync.sync.SyncJobRunner;
import io.interactionsync.sync.JobResult;
import io.interactionsync.microsoftsync.graph.GraphScopes;
import io.interactionsync.sync.JobControl;
import io.interactionsync.sync.SyncJob;
import io.interactionsync.sync.audit.AuditResult;
import io.interactionsync.sync.audit.AuditTarget;
import io.interactionsync.sync.audit.CompletenessAuditor;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.connector.AccountToken;
import io.interactionsync.sync.connector.ConnectorClient;
import io.interactionsync.sync.jobs.AccountJobs;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.graph.GraphApi;
import io.interactionsync.microsoftsync.graph.GraphCallException;
import io.interactionsync.microsoftsync.graph.GraphClients;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.graph.MailboxThrottle;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.microsoftsync.push.GraphSubscriptions;
import io.interactionsync.model.PushHealth;
import io.interactionsync.sync.publish.RawRecordPublisher;
import io.interactionsync.sync.publish.StatusReporter;
import io.interactionsync.sync.publish.SyncStatusPublisher;
import io.interactionsync.microsoftsync.repository.AccountStateRepository;
import io.interactionsync.microsoftsync.repository.CalendarRepository;
import io.interactionsync.microsoftsync.repository.MailCursorRepository;
import io.interactionsync.sync.jobs.RepositoryException;
import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.SourceFailedException;
import io.interactionsync.microsoftsync.source.calendar.CalendarAudit;
import io.interactionsync.microsoftsync.source.calendar.CalendarCursor;
import io.interactionsync.microsoftsync.source.calendar.CalendarDeltaSource;
import io.interactionsync.microsoftsync.source.mail.MailAudit;
import io.interactionsync.microsoftsync.source.mail.MailCursor;
import io.interactionsync.microsoftsync.source.mail.MailDeltaSource;
import io.interactionsync.microsoftsync.source.mail.MailFolderAudit;
import io.interactionsync.microsoftsync.source.mail.MailFolderSource;
import io.interactionsync.microsoftsync.source.mail.MailFolders;
import io.interactionsync.microsoftsync.source.mail.MailRemovals;
import io.interactionsync.microsoftsync.repository.MailboxRepository;
import io.interactionsync.microsoftsync.repository.PublishedMessageRepository;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.SyncStatus;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs one claimed job: a token from the connector, then for each requested source its delta rounds page by page
 * from the stored cursors, checking the lease and shutdown between pages. {@code outlook_mail} reads every synced
 * folder of the account's own mailbox, then of each shared mailbox it subscribes to — unless another subscriber's job reads it now (lease)
 * or read it completely since this request (fetched once however many subscribe). Before that, the subscriber's own
 * access is checked with its own token, and the other subscribers' before a read ({@link SharedMailboxAccess}): a
 * refused one is reported {@code access_denied} for that mailbox and its token is not used for it; the rest of the
 * account goes on. After a mailbox's or the
 * calendar's rounds, the completeness audit runs when due ({@link #auditDue}); its result (or the last one) goes out
 * with every status, so a source stays {@code incomplete} until an audit finds nothing open. Last, before
 * {@code synced}, the source's Graph subscription is created or renewed ({@link GraphSubscriptions}, never failing the
 * run) and its push health goes on the status; a completed source counts as checked for the safety-net poll.
 */
@ApplicationScoped
public class SyncCoordinator implements SyncJobRunner {

    /** Account key of shared-mailbox cursors (one cursor per shared address, whoever reads it). */
    static final String SHARED = "";

    private final AccountJobs jobs;
    private final GraphClients clients;
    private final GraphApi api;
    private final MailboxThrottle throttle;
    private final SyncMetrics metrics;
    private final MailCursorRepository mailCursors;
    private final MailDeltaSource mail;
    private final MailFolderSource folderSource;
    private final MailRemovals removals;
    private final MailboxRepository mailboxes;
    private final PublishedMessageRepository publishedMessages;
    private final CalendarRepository calendarRepository;
    private final CalendarDeltaSource calendar;
    private final SharedMailboxRepository sharedMailboxes;
    private final SharedMailboxLeases leases;
    private final AccountStateRepository accountState;
    private final SyncStatusPublisher statusPublisher;
    private final CompletenessAuditor auditor;
    private final MailAudit mailAudit;
    private final CalendarAudit calendarAudit;
    private final MicrosoftSyncConfig config;
    private final SharedMailboxAccess access;
    private final GraphSubscriptions subscriptions;
    private final Clock clock = Clock.systemUTC();

    public SyncCoordinator(AccountJobs jobs, GraphClients clients, GraphApi api, MailboxThrottle throttle,
                           SyncMetrics metrics, MailCursorRepository mailCursors, MailDeltaSource mail,
                           MailFolderSource folderSource, MailRemovals removals, MailboxRepository mailboxes,
                           PublishedMessageRepository publishedMessages,
                           CalendarRepository calendarRepository, CalendarDeltaSource calendar,
                           SharedMailboxRepository sharedMailboxes, SharedMailboxLeases leases,
                           AccountStateRepository accountState,
                           SyncStatusPublisher statusPublisher,
                           CompletenessAuditor auditor, MailAudit mailAudit, CalendarAudit calendarAudit,
                           MicrosoftSyncConfig config, SharedMailboxAccess access, GraphSubscriptions subscriptions) {
        this.access = access;
        this.subscriptions = subscriptions;
        this.jobs = jobs;
        this.clients = clients;
        this.api = api;
        this.throttle = throttle;
        this.metrics = metrics;
        this.mailCursors = mailCursors;
        this.mail = mail;
        this.folderSource = folderSource;
        this.removals = removals;
        this.mailboxes = mailboxes;
        this.publishedMessages = publishedMessages;
        this.calendarRepository = calendarRepository;
        this.calendar = calendar;
        this.sharedMailboxes = sharedMailboxes;
        this.leases = leases;
        this.accountState = accountState;
        this.statusPublisher = statusPublisher;
        this.auditor = auditor;
        this.mailAudit = mailAudit;
        this.calendarAudit = calendarAudit;
        this.config = config;
    }

    @Override
    public JobResult run(SyncJob job, JobControl control) {
        return jobs.run(job,
                account -> account.email() == null || account.email().isBlank()
                        ? "the connector gave no mailbox address for account " + job.accountId() : null,
                (source, tokens) -> source == Source.OUTLOOK_MAIL ? runMail(job, tokens, control)
                        : runCalendar(job, tokens, control));
    }

    // ------------------------------------------------------------------------------------------ mail

    private JobResult runMail(SyncJob job, AccessTokenHolder tokens, JobControl control) {
        AccountToken account = tokens.account();
        String own = account.email().toLowerCase(Locale.ROOT);
        JobResult result;
        StatusReporter ownStatus = status(account.accountId(), Source.OUTLOOK_MAIL, null);
        if (GraphScopes.granted(account, GraphScopes.MAIL)) {
            GraphGateway graph = gateway(tokens, own, false);
            push(ownStatus, () -> subscriptions.health(account.accountId(), Source.OUTLOOK_MAIL));
            result = runMailbox(job, control, graph, new MailDeltaSource.Target(account.accountId(), account.userId(), own,
                    false), account.accountId(), ownStatus, () -> true,
                    () -> subscriptions.ensure(graph, account.accountId(), Source.OUTLOOK_MAIL));
        } else {
            ownStatus.state(SyncStatus.State.ACCESS_DENIED, "access_denied: the account did not grant Mail.ReadBasic");
            result = new JobResult.Completed();
        }
        if (result instanceof JobResult.Aborted || result instanceof JobResult.Stopped) {
            return result;
        }
        for (String address : sharedMailboxes.addresses(account.accountId())) {
            JobResult shared = runSharedMailbox(job, tokens, control, address);
            if (shared instanceof JobResult.Aborted || shared instanceof JobResult.Stopped) {
                return shared;
            }
            result = AccountJobs.worse(result, shared);
        }
        if (result instanceof JobResult.Completed) {
            pushQuietly(() -> subscriptions.checked(account.accountId(), Source.OUTLOOK_MAIL));
        }
        return result;
    }

    private JobResult runSharedMailbox(SyncJob job, AccessTokenHolder tokens, JobControl control, String address) {
        AccountToken account = tokens.account();
        StatusReporter status = status(account.accountId(), Source.OUTLOOK_MAIL, address);
        // This subscriber's own access first, with its own token (issue 17 item 5): denied (no .Shared scope, or
        // Exchange answers 403) → reported access_denied, and this token is not used for the mailbox.
        try {
            if (access.checkOwn(tokens, address) == SharedMailboxAccess.Outcome.DENIED) {
                // its token can no longer read the mailbox: a subscription it owns goes to another subscriber
                pushQuietly(() -> subscriptions.dropShared(gateway(tokens, address, true), account.accountId(), address,
                        "access denied"));
                return new JobResult.Completed();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new JobResult.Stopped();
        }
        SharedMailboxLeases.Lease lease;
        try {
            Optional<Instant> lastRead = sharedMailboxes.lastSyncedAt(address);
            // An audit asked for is skipped only when another subscriber's job audited the mailbox since.
            boolean auditPending = job.audit() && auditor.enabled() && sharedMailboxes.lastAudit(address)
                    .map(a -> !a.at().isAfter(job.requestedAt())).orElse(true);
            if (job.mode() != SyncRequest.Mode.FULL && lastRead.isPresent() && lastRead.get().isAfter(job.requestedAt())
                    && !auditPending) {
                Log.debugf("shared mailbox %s was read by another subscriber at %s, after this request: skipped", address,
                        lastRead.get());
                renewSharedSubscription(tokens, address);
                return new JobResult.Completed();
            }
            // Short, heartbeat-renewed lease (issue 18): a dead replica's read is taken over within seconds.
            Optional<SharedMailboxLeases.Lease> leased = leases.tryAcquire(address, control.owner(), account.accountId());
            if (leased.isEmpty()) {
                Log.debugf("shared mailbox %s is being read by another subscriber's job: skipped", address);
                renewSharedSubscription(tokens, address);
                return new JobResult.Completed();
            }
            lease = leased.get();
        } catch (RepositoryException e) {
            return jobs.retryLater(e.getMessage());
        }
        JobResult result = null;
        try {
            // read once for all subscribers: each of the others' access is checked with its own token first
            try {
                access.checkOthers(account.accountId(), address);
            } catch (RepositoryException e) {
                Log.warnf("the other subscribers' access to a shared mailbox was not checked: %s", LogSafe.redact(e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result = new JobResult.Stopped();
            }
            GraphGateway graph = gateway(tokens, address, true);
            push(status, () -> subscriptions.sharedHealth(address));
            result = runMailbox(job, control, graph, new MailDeltaSource.Target(account.accountId(), account.userId(), address,
                    true), SHARED, status, lease::valid,
                    () -> subscriptions.ensureShared(graph, account.accountId(), address, true));
            return result;
        } finally {
            try {
                lease.release(result instanceof JobResult.Completed ? account.accountId() : null);
                // The last subscriber left while this read ran: what it wrote since goes with the mailbox's state.
                accountState.eraseIfUnsubscribed(address);
            } catch (RepositoryException e) {
                Log.warnf("could not release a shared mailbox lease (it expires): %s", LogSafe.redact(e.getMessage()));
            }
        }
    }

    /**
     * Every synced folder of one mailbox: the folder tree first (new folders start an initial round, folders gone or
     * excluded are retired), then each folder's delta (those between rounds polled together in {@code $batch}es of
     * 20), then the removals confirmed; then the audit when due. Folders the audit's folder reconciliation found (lost
     * by the folder delta) start their initial rounds right after it, in the same job, and those it retired are
     * retired. Permanent failures of a shared mailbox end only that mailbox.
     */
    private JobResult runMailbox(SyncJob job, JobControl control, GraphGateway graph, MailDeltaSource.Target target,
                                 String accountKey, StatusReporter status, BooleanSupplier extraLease, PushStep push) {
        Progress progress = new Progress();
        String which = target.shared() ? "shared mailbox" : "mailbox";
        try {
            JobResult interrupted = checkControl(control, extraLease);
            if (interrupted != null) {
                return interrupted;
            }
            boolean full = job.mode() == SyncRequest.Mode.FULL;
            // The first complete run of a mailbox (or a full resync) is its backfill: an audit follows it.
            boolean backfill = full || mailboxes.load(accountKey, target.mailbox()).map(m -> m.lastSyncedAt() == null)
                    .orElse(true);
            MailFolders folders = folderSource.discover(graph, accountKey, full);
            MailAudit.Target audit = mailAudit.target(graph, target, accountKey, folders,
                    () -> checkControl(control, extraLease) == null);
            status.audit(lastAudit(target.accountId(), audit));
            interrupted = syncFolders(control, extraLease, graph, target, accountKey, status, folders, folders.syncedIds(),
                    full, progress);
            if (interrupted != null) {
                return interrupted;
            }
            mailboxes.completed(accountKey, target.mailbox(), clock.instant());
            if (auditDue(job, target.accountId(), audit, backfill)) {
                status.audit(auditor.audit(target.accountId(), audit, scoped(control, extraLease)));
                if (target.shared()) {
                    sharedMailboxes.audited(target.mailbox(), target.accountId(), Source.OUTLOOK_MAIL.wireName());
                }
                MailFolderAudit.Reconciled reconciled = audit.reconciled();
                if (reconciled != null && reconciled.changed()) {
                    Log.infof("%s: the audit found %d synced folder(s) the folder delta lost (initial rounds now) and retired %d",
                            which, reconciled.found().size(), reconciled.retired().size());
                    interrupted = syncFolders(control, extraLease, graph, target, accountKey, status, reconciled.folders(),
                            List.copyOf(reconciled.found()), false, progress);
                    if (interrupted != null) {
                        return interrupted;
                    }
                }
            }
            push(status, push);
            status.synced(progress.fetched, progress.lastSyncedAt);
            return new JobResult.Completed();
        } catch (GraphCallException e) {
            if (target.shared()) {
                // One shared mailbox the account cannot read must not stop the rest of the account.
                if ("access_denied".equals(e.code())) {
                    status.state(SyncStatus.State.ACCESS_DENIED, e.getMessage());
                } else {
                    status.error(progress.fetched, progress.lastSyncedAt, e.getMessage());
                }
                return new JobResult.Completed();
            }
            if ("access_denied".equals(e.code())) {
                status.state(SyncStatus.State.ACCESS_DENIED, e.getMessage());
            } else {
                status.error(progress.fetched, progress.lastSyncedAt, e.getMessage());
            }
            return new JobResult.Failed(e.getMessage());
        } catch (SourceFailedException e) {
            status.error(progress.fetched, progress.lastSyncedAt, e.getMessage());
            return new JobResult.Failed(e.getMessage());
        } catch (RetryLaterException e) {
            if (control.stopRequested()) {
                return new JobResult.Stopped();
            }
            Log.infof("mail of the %s paused until %s: %s", which, e.notBefore(), LogSafe.redact(e.getMessage()));
            return new JobResult.RetryLater(e.notBefore(), e.getMessage());
        } catch (ConnectorClient.ConnectorUnavailableException | RepositoryException | RawRecordPublisher.PublishException e) {
            Log.warnf("mail step of the %s failed, will retry: %s", which, LogSafe.redact(e.getMessage()));
            return jobs.retryLater(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new JobResult.Stopped();
        }
    }

    /**
     * The mailbox's progress in this job: messages read by the folders done (each folder's backfill count, see
     * {@link MailCursor#fetched}), what the folders still to read are expected to hold, and the last complete round.
     */
    private static final class Progress {
        long fetched;
        Instant lastSyncedAt;
        /** Folders not done yet → messages expected: its backfill count once known, else Graph's totalItemCount. */
        final java.util.Map<String, Long> expected = new java.util.HashMap<>();

        /** The folder's round ended: its count is final. */
        void done(MailCursor cursor) {
            fetched += cursor.fetched();
            lastSyncedAt = cursor.lastSyncedAt();
            expected.remove(cursor.folder());
        }

        long fetched(MailCursor current) {
            return fetched + current.fetched();
        }

        /** Read so far plus what the other folders are expected to hold; the current folder never below its count. */
        long estimate(MailCursor current) {
            long others = expected.entrySet().stream().filter(e -> !e.getKey().equals(current.folder()))
                    .mapToLong(java.util.Map.Entry::getValue).sum();
            return fetched + others + Math.max(current.fetched(), expected.getOrDefault(current.folder(), 0L));
        }
    }

    /**
     * Retires the folders with a cursor that {@code folders} no longer syncs, reads the delta of each folder of
     * {@code toRead} (batched polls first), then confirms the pending removals. Returns null when done, else how the
     * job ends (stopped, aborted, retry later). A folder whose delta answers 404 is gone without the folder delta
     * saying so: it is marked removed and retired, and the others go on.
     */
    private JobResult syncFolders(JobControl control, BooleanSupplier extraLease, GraphGateway graph,
                                  MailDeltaSource.Target target, String accountKey, StatusReporter status, MailFolders tree,
                                  List<String> toRead, boolean full, Progress progress) throws InterruptedException {
        String which = target.shared() ? "shared mailbox" : "mailbox";
        MailFolders folders = tree;
        retire(accountKey, target.mailbox(), folders, which);
        java.util.Map<String, MailCursor> polled = new java.util.HashMap<>();
        java.util.Set<String> expired = new java.util.HashSet<>();
        List<MailCursor> between = full || !config.mail().batchPolls() ? List.of() : betweenRounds(accountKey, target.mailbox(), toRead);
        for (int from = 0; between.size() >= 2 && from < between.size(); from += GraphGateway.MAX_BATCH) {
            JobResult interrupted = checkControl(control, extraLease);
            if (interrupted != null) {
                return interrupted;
            }
            // One round trip for up to 20 folders instead of one each.
            MailDeltaSource.BatchPoll batch = mail.pollBatched(graph, target,
                    between.subList(from, Math.min(between.size(), from + GraphGateway.MAX_BATCH)));
            polled.putAll(batch.applied());
            expired.addAll(batch.expired());
        }
        java.util.Map<String, MailCursor> stored = new java.util.HashMap<>();
        for (String folder : toRead) {
            MailCursor c = polled.containsKey(folder) ? polled.get(folder)
                    : mailCursors.load(accountKey, target.mailbox(), folder).orElse(null);
            if (c != null) {
                stored.put(folder, c);
            }
        }
        expect(graph, toRead, stored, full, expired, progress);
        for (String folder : toRead) {
            MailCursor cursor = stored.get(folder);
            if (polled.containsKey(folder)) {
                status.progress(progress.fetched(cursor), progress.estimate(cursor), cursor.lastSyncedAt());
                if (!cursor.midRound()) {
                    progress.done(cursor);
                    continue; // the batched poll completed this folder's round
                }
            } else if (cursor == null || full) {
                cursor = newMailRound(accountKey, target.mailbox(), folder, cursor);
                Log.infof("%s folder %s: initial round (run %s, horizon %s)", which, folder, cursor.syncRunId(),
                        cursor.horizon());
                Log.debugf("folder %s of %s is %s", folder, target.mailbox(), folders.path(folder));
            } else if (!cursor.midRound()) {
                cursor = cursor.newRun();
            }
            boolean restarted = false;
            if (expired.contains(folder)) {
                restarted = true;
                Log.warnf("mail delta of %s folder %s no longer valid (410 in the batched poll): link dropped, folder "
                        + "restarts once", which, folder);
                cursor = newMailRound(accountKey, target.mailbox(), folder, cursor);
            }
            boolean gone = false;
            while (true) {
                try {
                    do {
                        JobResult interrupted = checkControl(control, extraLease);
                        if (interrupted != null) {
                            return interrupted;
                        }
                        cursor = mail.step(graph, target, cursor);
                        status.progress(progress.fetched(cursor), progress.estimate(cursor), cursor.lastSyncedAt());
                    } while (cursor.midRound());
                    break;
                } catch (GraphCallException.DeltaExpired e) {
                    if (restarted) {
                        return jobs.retryLater("mail delta of " + which + " folder " + folder
                                + " expired again right after a restart: " + e.getMessage());
                    }
                    restarted = true;
                    Log.warnf("mail delta of %s folder %s no longer valid (%s): link dropped, folder restarts once",
                            which, folder, LogSafe.redact(e.getMessage()));
                    cursor = newMailRound(accountKey, target.mailbox(), folder, cursor);
                } catch (GraphCallException.FolderGone e) {
                    gone = true;
                    break;
                }
            }
            if (gone) {
                Log.warnf("%s folder %s no longer exists (its removal never came through the folder delta): retired",
                        which, folder);
                mailboxes.saveFolders(accountKey, target.mailbox(),
                        List.of(new MailboxRepository.FolderChange(folder, null, null, true)));
                folders = mailboxes.folders(accountKey, target.mailbox(), List.copyOf(folders.excludedIds()));
                retire(accountKey, target.mailbox(), folders, which);
                progress.expected.remove(folder);
                continue;
            }
            progress.done(cursor);
        }
        int deletes = removals.confirm(graph, target, accountKey, folders, () -> checkControl(control, extraLease) == null);
        if (deletes < 0) {
            JobResult interrupted = checkControl(control, extraLease);
            return interrupted != null ? interrupted : jobs.retryLater("removal confirmation interrupted");
        }
        return null;
    }

    /**
     * What each folder of {@code toRead} is expected to hold: its backfill count when its initial round ended, else
     * Graph's totalItemCount (the whole folder, older mail too: an over-estimate the run corrects as each folder
     * ends), asked only for those folders ({@code GET /mailFolders/{id}} in {@code $batch}es of 20). A folder Graph
     * gives no count for is expected to hold what it read.
     */
    private void expect(GraphGateway graph, List<String> toRead, java.util.Map<String, MailCursor> stored, boolean full,
                        java.util.Set<String> expired, Progress progress) throws InterruptedException {
        List<String> initial = toRead.stream().filter(f -> full || expired.contains(f) || !stored.containsKey(f)
                || !stored.get(f).backfilled()).toList();
        java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> counted = initial.isEmpty()
                ? java.util.Map.of() : graph.mailFolders(initial);
        for (String folder : toRead) {
            MailCursor c = stored.get(folder);
            long read = c == null || full || expired.contains(folder) ? 0 : c.fetched();
            com.fasterxml.jackson.databind.JsonNode f = counted.get(folder);
            long count = initial.contains(folder) && f != null ? f.path("totalItemCount").asLong(0) : 0;
            progress.expected.put(folder, Math.max(read, count));
        }
    }

    /** Drops the cursors of folders no longer synced; their published messages become removals to confirm. */
    private void retire(String accountKey, String mailbox, MailFolders folders, String which) {
        List<String> retired = mailCursors.folders(accountKey, mailbox).stream().filter(f -> !folders.synced(f)).toList();
        if (!retired.isEmpty()) {
            publishedMessages.retireFolders(accountKey, mailbox, retired, java.util.UUID.randomUUID().toString(),
                    clock.instant());
            Log.infof("%s: %d folder(s) deleted or excluded since the last run: cursors dropped, their messages' removals "
                    + "to confirm", which, retired.size());
        }
    }

    /** The cursors of the synced folders between two incremental rounds, ready for a batched poll. */
    private List<MailCursor> betweenRounds(String accountKey, String mailbox, List<String> synced) {
        List<MailCursor> out = new java.util.ArrayList<>();
        for (String folder : synced) {
            MailCursor c = mailCursors.load(accountKey, mailbox, folder).orElse(null);
            if (c != null && c.phase() == MailCursor.Phase.INCREMENTAL && !c.midRound() && c.deltaLink() != null) {
                out.add(c.newRun());
            }
        }
        return out;
    }

    private MailCursor newMailRound(String accountKey, String mailbox, String folder, MailCursor previous) {
        Instant now = clock.instant();
        Instant horizon = now.atOffset(ZoneOffset.UTC).minusMonths(config.backfillMonths()).toInstant();
        return MailCursor.initial(accountKey, mailbox, folder, horizon, now, previous == null ? null : previous.lastSyncedAt());
    }

    // ------------------------------------------------------------------------------------------ calendar

    private JobResult runCalendar(SyncJob job, AccessTokenHolder tokens, JobControl control) {
        AccountToken account = tokens.account();
        String own = account.email().toLowerCase(Locale.ROOT);
        StatusReporter status = status(account.accountId(), Source.OUTLOOK_CALENDAR, null);
        if (!GraphScopes.granted(account, GraphScopes.CALENDAR)) {
            status.state(SyncStatus.State.ACCESS_DENIED, "access_denied: the account did not grant Calendars.ReadBasic");
            return new JobResult.Completed();
        }
        MailDeltaSource.Target target = new MailDeltaSource.Target(account.accountId(), account.userId(), own, false);
        CalendarCursor cursor = null;
        // Graph gives no count of a calendarView: a re-anchored window expects what the previous one held.
        Long previousRound = null;
        try {
            cursor = calendarRepository.load(account.accountId()).orElse(null);
            // The first round (or a full resync) is the calendar's backfill: an audit follows it.
            boolean backfill = cursor == null || job.mode() == SyncRequest.Mode.FULL;
            if (cursor == null || job.mode() == SyncRequest.Mode.FULL) {
                if (cursor != null) {
                    previousRound = cursor.fetched();
                    calendarRepository.forgetEvents(account.accountId());
                }
                cursor = calendar.start(cursor == null ? null : cursor.lastSyncedAt());
                Log.infof("calendar initial round (run %s, window %s .. %s)", cursor.syncRunId(), cursor.windowStart(),
                        cursor.windowEnd());
            } else if (cursor.nextLink() == null && cursor.phase() == CalendarCursor.Phase.INCREMENTAL
                    && calendar.dueForReanchor(cursor)) {
                Instant oldEnd = cursor.windowEnd();
                previousRound = cursor.fetched();
                cursor = calendar.start(cursor.lastSyncedAt());
                Log.infof("calendar window re-anchored: end %s -> %s (unchanged events are not republished)", oldEnd,
                        cursor.windowEnd());
            } else if (cursor.nextLink() == null) {
                cursor = cursor.newRun();
            }
            GraphGateway graph = gateway(tokens, own, false);
            push(status, () -> subscriptions.health(account.accountId(), Source.OUTLOOK_CALENDAR));
            status.audit(lastAudit(account.accountId(), calendarAudit.target(graph, target, cursor, () -> true)));
            boolean restarted = false;
            while (true) {
                try {
                    do {
                        JobResult interrupted = checkControl(control, () -> true);
                        if (interrupted != null) {
                            return interrupted;
                        }
                        boolean initial = cursor.phase() == CalendarCursor.Phase.INITIAL;
                        cursor = calendar.step(graph, target, cursor);
                        status.progress(cursor.fetched(), initial ? previousRound : Long.valueOf(cursor.fetched()),
                                cursor.lastSyncedAt());
                    } while (cursor.nextLink() != null);
                    break;
                } catch (GraphCallException.DeltaExpired e) {
                    if (restarted) {
                        return jobs.retryLater("calendar delta expired again right after a restart: " + e.getMessage());
                    }
                    restarted = true;
                    Log.warnf("calendar delta no longer valid (%s): link dropped, new round (deduplicated)", LogSafe.redact(e.getMessage()));
                    cursor = calendar.start(cursor.lastSyncedAt());
                }
            }
            AuditTarget audit = calendarAudit.target(graph, target, cursor, () -> checkControl(control, () -> true) == null);
            if (auditDue(job, account.accountId(), audit, backfill)) {
                status.audit(auditor.audit(account.accountId(), audit, control));
            }
            push(status, () -> subscriptions.ensure(graph, account.accountId(), Source.OUTLOOK_CALENDAR));
            pushQuietly(() -> subscriptions.checked(account.accountId(), Source.OUTLOOK_CALENDAR));
            status.synced(cursor.fetched(), cursor.lastSyncedAt());
            return new JobResult.Completed();
        } catch (GraphCallException e) {
            if ("access_denied".equals(e.code())) {
                status.state(SyncStatus.State.ACCESS_DENIED, e.getMessage());
            } else {
                status.error(cursor == null ? 0 : cursor.fetched(), cursor == null ? null : cursor.lastSyncedAt(),
                        e.getMessage());
            }
            return new JobResult.Failed(e.getMessage());
        } catch (SourceFailedException e) {
            status.error(cursor == null ? 0 : cursor.fetched(), cursor == null ? null : cursor.lastSyncedAt(), e.getMessage());
            return new JobResult.Failed(e.getMessage());
        } catch (RetryLaterException e) {
            if (control.stopRequested()) {
                return new JobResult.Stopped();
            }
            Log.infof("calendar paused until %s: %s", e.notBefore(), LogSafe.redact(e.getMessage()));
            return new JobResult.RetryLater(e.notBefore(), e.getMessage());
        } catch (ConnectorClient.ConnectorUnavailableException | RepositoryException | RawRecordPublisher.PublishException e) {
            Log.warnf("calendar step failed, will retry: %s", LogSafe.redact(e.getMessage()));
            return jobs.retryLater(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new JobResult.Stopped();
        }
    }

    // ------------------------------------------------------------------------------------------ audit

    /**
     * Whether the source's completeness audit runs now: after its backfill, when the request asked for one, or at its
     * daily slot (sync-core's staggered {@code AuditSchedule}). A shared mailbox is audited once for all its
     * subscribers: its slot follows the mailbox address, and its last audit by any subscriber's job counts.
     */
    private boolean auditDue(SyncJob job, String accountId, AuditTarget target, boolean backfill) {
        if (!auditor.enabled()) {
            return false;
        }
        if (target.mailbox() == null) {
            return auditor.due(accountId, target, job.audit() || backfill);
        }
        return job.audit() || backfill
                || auditor.dailyDue(target.mailbox(), sharedMailboxes.lastAudit(target.mailbox()).map(a -> a.at()));
    }

    /** The source's last audit (a shared mailbox's by whichever subscriber's job ran it), so statuses keep carrying it. */
    private AuditResult lastAudit(String accountId, AuditTarget target) {
        if (!auditor.enabled()) {
            return null;
        }
        String by = target.mailbox() == null ? accountId
                : sharedMailboxes.lastAudit(target.mailbox()).map(SharedMailboxRepository.LastAudit::by).orElse(accountId);
        return auditor.last(by, target).orElse(null);
    }

    /** The job's control with a shared mailbox's lease checked alongside the job's (both renewed by heartbeats). */
    private static JobControl scoped(JobControl control, BooleanSupplier extraLease) {
        return new JobControl() {
            @Override
            public boolean renewLease() {
                return control.renewLease() && extraLease.getAsBoolean();
            }

            @Override
            public boolean stopRequested() {
                return control.stopRequested();
            }

            @Override
            public String owner() {
                return control.owner();
            }
        };
    }

    // ------------------------------------------------------------------------------------------ push

    /** A push step of a run: creating or renewing a subscription, or reading the health a status carries. */
    @FunctionalInterface
    private interface PushStep {
        PushHealth run() throws InterruptedException;
    }

    /** A push step whose result does not matter. */
    @FunctionalInterface
    private interface PushAction {
        void run() throws InterruptedException;
    }

    /**
     * Runs a push step and puts its health on the status; push never fails the sync (GraphSubscriptions records its
     * own Graph failures on the channel; anything else, e.g. the database, is logged and the run goes on).
     */
    private static void push(StatusReporter status, PushStep step) {
        try {
            PushHealth health = step.run();
            if (health != null) {
                status.push(health);
            }
        } catch (ConnectorClient.ReauthRequiredException | ConnectorClient.AccountGoneException e) {
            throw e;
        } catch (RuntimeException e) {
            Log.warnf("push step failed (the sync goes on; the safety net polls): %s", LogSafe.redact(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: the run's next blocking call ends it
        }
    }

    private static void pushQuietly(PushAction action) {
        push(null, () -> {
            action.run();
            return null;
        });
    }

    /** This job skipped a shared mailbox another subscriber read: a subscription of it this account owns is renewed. */
    private void renewSharedSubscription(AccessTokenHolder tokens, String address) {
        pushQuietly(() -> subscriptions.ensureShared(gateway(tokens, address, true), tokens.account().accountId(), address,
                false));
    }

    // ------------------------------------------------------------------------------------------ helpers

    private GraphGateway gateway(AccessTokenHolder tokens, String mailbox, boolean shared) {
        return new GraphGateway(clients.graph(), clients.links(), api, tokens, throttle, metrics, config, clock, mailbox, shared);
    }

    private StatusReporter status(String accountId, Source source, String mailbox) {
        return new StatusReporter(statusPublisher, accountId, source, mailbox, config.status().everyRecords(),
                config.status().every(), clock);
    }

    /** Between pages: stop on shutdown, abort when a lease was lost; null to go on. */
    private static JobResult checkControl(JobControl control, BooleanSupplier extraLease) {
        if (control.stopRequested()) {
            return new JobResult.Stopped();
        }
        if (!control.renewLease() || !extraLease.getAsBoolean()) {
            Log.warnf("a lease was lost; another replica continues from the saved cursor");
            return new JobResult.Aborted();
        }
        return null;
    }
}

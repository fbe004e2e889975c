package io.interactionsync.googlesync.source.gmail;

import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import io.interactionsync.googlesync.client.gmail.GmailGateway;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.googlesync.repository.GmailCursorRepository.KnownMessage;
import io.interactionsync.googlesync.repository.GmailCursorRepository.MessageState;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.sync.JobControl;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.audit.AuditTarget;
import io.interactionsync.sync.publish.RawRecordPublisher;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * Gmail as the completeness audit sees it (one account, one job): the provider side is {@code messages.list} without
 * labelIds (5 units per page of ids, paced and retried like every call), newest first and cut at the horizon; the
 * published side is {@code gmail_message_states}. Repairs are fetched with {@code messages.get(format=metadata)} and
 * published like a sync step: records acked by Kafka first, then the states.
 *
 * <p>The listing must stop at the horizon without fetching the mailbox behind it. Listed ids known with their
 * internalDate (the state table) date themselves; unknown ones are dated only when needed: an id known to be within
 * the horizon dates every unknown id listed before it, and at the end of a page that ends with unknown ids its last
 * one is probed ({@code messages.get(format=minimal)}, 5 units); when that one is older, a binary search over the
 * unknown run finds the cut. An id that cannot be dated counts as within: {@link #republish} judges it.
 */
public final class GmailAuditTarget implements AuditTarget {

    /** Ids per repair step: fetched, published and remembered together. */
    private static final int REPAIR_CHUNK = 50;
    /** Ids per step of confirmations and deletes (the lease is renewed between steps). */
    private static final int CONFIRM_CHUNK = 200;

    private final GmailSession session;
    private final GmailCursorRepository states;
    private final RawRecordPublisher publisher;
    private final SyncMetrics metrics;
    private final GoogleSyncConfig config;
    private final JobControl control;
    private final Runnable progress;
    private final Clock clock;
    private final Instant horizon;
    private final String runId = "audit-" + UUID.randomUUID();

    /**
     * @param progress called after each listed page (a syncing status for long listings)
     */
    public GmailAuditTarget(GmailSession session, GmailCursorRepository states, RawRecordPublisher publisher,
                            SyncMetrics metrics, GoogleSyncConfig config, JobControl control, Runnable progress,
                            Clock clock) {
        this.session = session;
        this.states = states;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
        this.control = control;
        this.progress = progress;
        this.clock = clock;
        this.horizon = clock.instant().atOffset(java.time.ZoneOffset.UTC).minusMonths(config.backfillMonths()).toInstant();
    }

    @Override
    public Source source() {
        return Source.GMAIL;
    }

    @Override
    public void listProvider(Consumer<String> sink) throws InterruptedException {
        long horizonMillis = horizon.toEpochMilli();
        List<String> undated = new ArrayList<>(); // listed, not known with a date yet; newest first
        String pageToken = null;
        do {
            checkControl();
            ListMessagesResponse page = session.gmail().listAllMail(pageToken);
            List<String> ids = page.getMessages() == null ? List.of()
                    : page.getMessages().stream().map(Message::getId).filter(java.util.Objects::nonNull).toList();
            Map<String, KnownMessage> known = states.known(session.accountId(), ids);
            for (String id : ids) {
                KnownMessage k = known.get(id);
                if (k != null && k.internalDate() != null) {
                    if (k.internalDate() < horizonMillis) {
                        // Listed newest first: the horizon lies before this id, somewhere in the undated run.
                        cut(undated, undated.size(), sink);
                        return;
                    }
                    undated.forEach(sink); // listed before a message within the horizon: within too
                    undated.clear();
                    if (k.state() != MessageState.EXCLUDED) {
                        sink.accept(id);
                    }
                } else if (k == null || k.state() != MessageState.EXCLUDED) {
                    undated.add(id);
                } // else a draft or chat known from its history: never published, and it dates nothing
            }
            pageToken = page.getNextPageToken();
            if (!undated.isEmpty()) {
                if (datedWithin(undated.getLast())) {
                    undated.forEach(sink);
                    undated.clear();
                } else {
                    cut(undated, undated.size() - 1, sink);
                    return;
                }
            }
            progress.run();
        } while (pageToken != null);
    }

    /**
     * The horizon lies within {@code undated} (newest first), before index {@code older} (an id from there on is
     * known or probed to be older): passes the ids before the first older one, found by binary search (one probe per
     * step).
     */
    private void cut(List<String> undated, int older, Consumer<String> sink) throws InterruptedException {
        int within = 0;
        while (within < older) {
            int mid = (within + older) >>> 1;
            if (datedWithin(undated.get(mid))) {
                within = mid + 1;
            } else {
                older = mid;
            }
        }
        undated.subList(0, within).forEach(sink);
        undated.clear();
    }

    /** One probe (format=minimal): within the horizon, or not datable (gone, failing) → true. */
    private boolean datedWithin(String id) throws InterruptedException {
        try {
            Message m = session.gmail().getMessageMinimal(id);
            return m.getInternalDate() == null || m.getInternalDate() >= horizon.toEpochMilli();
        } catch (GmailGateway.NotFoundException e) {
            return true;
        } catch (RetryLaterException e) {
            rethrowIfProviderWide(e);
            return true;
        }
    }

    @Override
    public Map<String, Boolean> published() {
        return states.publishedWithin(session.accountId(), horizon);
    }

    @Override
    public Set<String> confirmGone(Collection<String> ids) throws InterruptedException {
        Set<String> gone = new HashSet<>();
        for (List<String> chunk : chunks(ids, CONFIRM_CHUNK)) {
            checkControl();
            GmailBackfillSource.runConcurrently(chunk, config.gmail().getConcurrency(), this::probe, result -> {
                if (result != null) {
                    gone.add(result);
                }
            });
        }
        return gone;
    }

    /** The id when Gmail no longer has it in scope (404, or in TRASH/SPAM); null when it is still there or unsure. */
    private String probe(String id) throws InterruptedException {
        try {
            Message m = session.gmail().getMessageMinimal(id);
            return GmailScope.deleting(GmailScope.labels(m)) ? id : null;
        } catch (GmailGateway.NotFoundException e) {
            return id;
        } catch (RetryLaterException e) {
            rethrowIfProviderWide(e);
            return null; // not confirmed: never delete on a failed look
        }
    }

    @Override
    public Repair republish(Collection<String> ids) throws InterruptedException {
        Set<String> published = new LinkedHashSet<>();
        Set<String> notEligible = new LinkedHashSet<>();
        Map<String, String> failed = new LinkedHashMap<>();
        long horizonMillis = horizon.toEpochMilli();
        for (List<String> chunk : chunks(ids, REPAIR_CHUNK)) {
            checkControl();
            List<GmailBackfillSource.Fetch> fetches = new ArrayList<>(chunk.size());
            GmailBackfillSource.runConcurrently(chunk, config.gmail().getConcurrency(), this::fetch, fetches::add);
            Map<String, KnownMessage> known = states.known(session.accountId(), chunk);
            Instant observedAt = clock.instant();
            List<RawRecord> records = new ArrayList<>();
            List<GmailCursorRepository.MessageRef> upserted = new ArrayList<>();
            List<GmailCursorRepository.MessageRef> excluded = new ArrayList<>();
            for (GmailBackfillSource.Fetch f : fetches) {
                switch (f) {
                    case GmailBackfillSource.Fetch.Fetched(String id, Message m) -> {
                        KnownMessage k = known.get(id);
                        boolean live = k != null && k.state() == MessageState.LIVE;
                        List<String> labels = GmailScope.labels(m);
                        if (GmailScope.excluded(labels)) {
                            notEligible.add(id);
                            excluded.add(GmailBackfillSource.ref(m));
                        } else if (GmailScope.deleting(labels) || (!live && !GmailScope.withinHorizon(m, horizonMillis))) {
                            // Moved to TRASH/SPAM since it was listed (the history or the next audit deletes it), or
                            // older than the horizon and never published.
                            notEligible.add(id);
                        } else {
                            RawRecord r = GmailBackfillSource.toRecord(session, runId, m, observedAt);
                            records.add(r);
                            upserted.add(GmailBackfillSource.published(r));
                        }
                    }
                    case GmailBackfillSource.Fetch.Gone(String id) -> notEligible.add(id); // deleted since it was listed
                    case GmailBackfillSource.Fetch.Failed(String id, RuntimeException error) ->
                            failed.put(id, error.getMessage());
                }
            }
            publisher.publishAndAwait(records);
            metrics.published(Source.GMAIL, records.size());
            states.saveDecisions(session.accountId(),
                    new GmailCursorRepository.Decisions(upserted, List.of(), excluded, List.of()));
            upserted.forEach(m -> published.add(m.id()));
        }
        return new Repair(published, notEligible, failed);
    }

    private GmailBackfillSource.Fetch fetch(String id) throws InterruptedException {
        try {
            return new GmailBackfillSource.Fetch.Fetched(id, session.gmail().getMessageMetadata(id));
        } catch (GmailGateway.NotFoundException e) {
            return new GmailBackfillSource.Fetch.Gone(id);
        } catch (RetryLaterException e) {
            rethrowIfProviderWide(e);
            return new GmailBackfillSource.Fetch.Failed(id, e);
        }
    }

    @Override
    public Set<String> publishDeletes(Collection<String> ids) throws InterruptedException {
        Set<String> deleted = new LinkedHashSet<>();
        for (List<String> chunk : chunks(ids, CONFIRM_CHUNK)) {
            checkControl();
            Map<String, KnownMessage> known = states.known(session.accountId(), chunk);
            Instant observedAt = clock.instant();
            List<RawRecord> records = chunk.stream().map(id -> GmailBackfillSource.deleteRecord(session, runId, id,
                    known.containsKey(id) ? known.get(id).threadId() : null, observedAt)).toList();
            publisher.publishAndAwait(records);
            metrics.published(Source.GMAIL, records.size());
            states.saveDecisions(session.accountId(), GmailCursorRepository.Decisions.deleted(chunk));
            deleted.addAll(chunk);
        }
        return deleted;
    }

    /** A call that failed for the whole provider (circuit open) ends the audit: the job is rescheduled. */
    private static void rethrowIfProviderWide(RetryLaterException e) {
        if (e.getCause() instanceof CircuitBreakerOpenException) {
            throw e;
        }
    }

    /** Between pages and repair steps: a shutdown or a lost lease ends the audit (it runs again with the job). */
    private void checkControl() {
        if (control.stopRequested() || !control.renewLease()) {
            throw new RetryLaterException("audit interrupted (shutdown or lease lost)", clock.instant());
        }
    }

    static List<List<String>> chunks(Collection<String> ids, int size) {
        List<List<String>> chunks = new ArrayList<>();
        List<String> all = List.copyOf(ids);
        for (int i = 0; i < all.size(); i += size) {
            chunks.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return chunks;
    }
}

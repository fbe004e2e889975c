package io.interactionsync.googlesync.source.gmail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.Profile;
import io.interactionsync.googlesync.client.gmail.GmailGateway;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.googlesync.publish.RawRecordPublisher;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.googlesync.source.RetryLaterException;
import io.interactionsync.googlesync.source.SourceFailedException;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.jboss.logging.MDC;

/**
 * The Gmail backfill (Debezium's snapshot source), run as small resumable steps. Each {@link #step} does
 * one thing — read the profile's historyId, list one page of one label, or fetch one bounded batch of
 * messages — publishes what it read, waits for Kafka's acks, saves the next cursor and returns it. A crash
 * anywhere re-does at most that one step.
 *
 * <p>Order: getProfile (historyId for the incremental phase, read before anything is listed) → INBOX pages
 * → SENT pages (ids already listed under INBOX skipped) → complete. Each label stops at the horizon: the
 * list is newest first, so the first fetched message older than the horizon ends the label.
 */
@ApplicationScoped
public class GmailBackfillSource {

    private final GmailCursorRepository cursors;
    private final RawRecordPublisher publisher;
    private final SyncMetrics metrics;
    private final GoogleSyncConfig config;
    private final Clock clock;

    @Inject
    public GmailBackfillSource(GmailCursorRepository cursors, RawRecordPublisher publisher, SyncMetrics metrics,
                               GoogleSyncConfig config) {
        this(cursors, publisher, metrics, config, Clock.systemUTC());
    }

    GmailBackfillSource(GmailCursorRepository cursors, RawRecordPublisher publisher, SyncMetrics metrics,
                        GoogleSyncConfig config, Clock clock) {
        this.cursors = cursors;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
    }

    /** A new backfill (no cursor yet, or a full resync requested): saved before the first step. */
    public GmailCursor start(String accountId, Instant previousLastSyncedAt) {
        return start(accountId, previousLastSyncedAt, false);
    }

    /**
     * A new backfill; {@code resync} after an expired historyId: messages already published (and still listed)
     * are not fetched nor published again, published ones no longer listed get a delete record at the end.
     */
    public GmailCursor start(String accountId, Instant previousLastSyncedAt, boolean resync) {
        Instant now = clock.instant();
        Instant horizon = now.atOffset(ZoneOffset.UTC).minusMonths(config.backfillMonths()).toInstant();
        GmailCursor cursor = GmailCursor.startBackfill(horizon, now, previousLastSyncedAt, resync);
        cursors.restart(accountId, cursor);
        return cursor;
    }

    /** Runs one step from {@code cursor} and returns the saved next cursor (phase incremental once done). */
    public GmailCursor step(GmailSession session, GmailCursor cursor) throws InterruptedException {
        if (cursor.phase() != GmailCursor.Phase.BACKFILL) {
            throw new IllegalStateException("not in backfill: " + cursor.phase());
        }
        long started = System.nanoTime();
        if (!cursor.profileRead()) {
            Profile profile = session.gmail().profile();
            if (profile.getHistoryId() == null) {
                throw new SourceFailedException("Gmail returned a profile without historyId");
            }
            GmailCursor next = cursor.withHistoryId(profile.getHistoryId().toString());
            cursors.save(session.accountId(), next);
            metrics.step(Source.GMAIL, "profile", Duration.ofNanos(System.nanoTime() - started));
            return next;
        }
        GmailCursor current = skipExhaustedLabels(cursor);
        if (current.labelsDone()) {
            GmailCursor done = current.toIncremental(clock.instant());
            if (current.resync()) {
                List<GmailCursorRepository.PublishedMessage> gone =
                        cursors.publishedButNotListed(session.accountId(), current.horizon());
                List<RawRecord> deletes = new ArrayList<>();
                Instant observedAt = clock.instant();
                for (GmailCursorRepository.PublishedMessage m : gone) {
                    deletes.add(deleteRecord(session, current.syncRunId(), m.id(), m.threadId(), observedAt));
                }
                publisher.publishAndAwait(deletes);
                metrics.published(Source.GMAIL, deletes.size());
                done = done.afterFetch(List.of(), 0, 0, deletes.size(), 0, 0, false);
                cursors.saveCompleted(session.accountId(), done, gone.stream().map(GmailCursorRepository.PublishedMessage::id).toList());
            } else {
                cursors.saveCompleted(session.accountId(), done);
            }
            session.status().synced(done.fetched(), done.estimatedTotal(), done.lastSyncedAt());
            return done;
        }
        GmailCursor next = current.pendingIds().isEmpty() ? listPage(session, current) : fetchBatch(session, current);
        metrics.step(Source.GMAIL, current.pendingIds().isEmpty() ? "list" : "get",
                Duration.ofNanos(System.nanoTime() - started));
        return next;
    }

    private static GmailCursor skipExhaustedLabels(GmailCursor cursor) {
        GmailCursor c = cursor;
        while (!c.labelsDone() && c.pendingIds().isEmpty() && !c.morePages()) {
            c = c.nextLabel();
        }
        return c;
    }

    private GmailCursor listPage(GmailSession session, GmailCursor cursor) throws InterruptedException {
        String label = cursor.label();
        ListMessagesResponse page = session.gmail().listMessages(label, cursor.pageToken());
        java.util.Map<String, String> threadOf = new java.util.LinkedHashMap<>();
        if (page.getMessages() != null) {
            for (Message m : page.getMessages()) {
                if (m.getId() != null) {
                    threadOf.putIfAbsent(m.getId(), m.getThreadId());
                }
            }
        }
        List<String> ids = new ArrayList<>(threadOf.keySet());
        List<String> labels = GmailCursor.BACKFILL_LABELS;
        boolean firstLabel = labels.indexOf(label) == 0;
        boolean lastLabel = labels.indexOf(label) == labels.size() - 1;
        List<String> fresh = ids;
        if (!firstLabel) {
            Set<String> listedBefore = cursors.alreadyListed(session.accountId(), ids);
            fresh = ids.stream().filter(id -> !listedBefore.contains(id)).toList();
        }
        Long estimate = cursor.pageToken() == null && page.getResultSizeEstimate() != null
                ? page.getResultSizeEstimate() : null;
        GmailCursor next = cursor.afterList(fresh, page.getNextPageToken(), estimate);
        java.util.Map<String, String> listed = new java.util.LinkedHashMap<>();
        fresh.forEach(id -> listed.put(id, threadOf.get(id)));
        cursors.saveWithListedIds(session.accountId(), next, listed);
        session.status().progress(next.fetched(), next.estimatedTotal(), next.lastSyncedAt());
        return next;
    }

    private GmailCursor fetchBatch(GmailSession session, GmailCursor cursor) throws InterruptedException {
        List<String> pending = cursor.pendingIds();
        List<String> batch = pending.subList(0, Math.min(config.gmail().getBatchSize(), pending.size()));
        // A resync after an expired historyId: what was published and is still listed is unchanged for us.
        Set<String> unchanged = cursor.resync() ? cursors.published(session.accountId(), batch) : Set.of();
        List<String> toFetch = batch.stream().filter(id -> !unchanged.contains(id)).toList();
        List<Fetch> fetches = fetchGrouped(session, toFetch, cursors.threadIds(session.accountId(), toFetch));

        Instant observedAt = clock.instant();
        long horizonMillis = cursor.horizon().toEpochMilli();
        List<RawRecord> records = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> notFound = new ArrayList<>();
        long beyond = 0;
        boolean horizonReached = false;
        RuntimeException lastFailure = null;
        for (Fetch f : fetches) {
            switch (f) {
                case Fetch.Fetched(String id, Message message) -> {
                    if (message.getInternalDate() != null && message.getInternalDate() < horizonMillis) {
                        beyond++;
                        horizonReached = true;
                    } else {
                        records.add(toRecord(session, cursor.syncRunId(), message, observedAt));
                    }
                }
                case Fetch.Gone(String id) -> notFound.add(id);
                case Fetch.Failed(String id, RuntimeException error) -> {
                    failed.add(id);
                    lastFailure = error;
                }
            }
        }
        publisher.publishAndAwait(records);
        metrics.published(Source.GMAIL, records.size());
        if (!unchanged.isEmpty()) {
            metrics.skipped(Source.GMAIL, "unchanged", unchanged.size());
        }

        List<String> remaining = new ArrayList<>(failed);
        if (!horizonReached) {
            remaining.addAll(pending.subList(batch.size(), pending.size()));
        }
        int headFailures = failed.isEmpty() ? 0 : cursor.headFailures() + 1;
        long skipped = notFound.size();
        boolean giveUp = !failed.isEmpty() && headFailures >= config.retry().messageMaxAttempts();
        if (giveUp) {
            remaining.removeAll(failed);
            skipped += failed.size();
            headFailures = 0;
        }
        GmailCursor next = cursor.afterFetch(remaining, headFailures, records.size(), records.size(), skipped, beyond,
                horizonReached);
        // Skips are written before the cursor that passes them, so a crash in between never loses the reason.
        cursors.recordSkipped(session.accountId(), cursor.syncRunId(), notFound, "not_found: deleted before it was fetched");
        metrics.skipped(Source.GMAIL, "not_found", notFound.size());
        if (giveUp) {
            String reason = "failed in " + config.retry().messageMaxAttempts() + " steps: " + lastFailure.getMessage();
            cursors.recordSkipped(session.accountId(), cursor.syncRunId(), failed, reason);
            metrics.skipped(Source.GMAIL, "failed", failed.size());
        }
        cursors.saveAfterPublish(session.accountId(), next, records.stream().map(GmailBackfillSource::published).toList(),
                List.of());
        session.status().progress(next.fetched(), next.estimatedTotal(), next.lastSyncedAt());
        if (!failed.isEmpty() && !giveUp) {
            Instant notBefore = lastFailure instanceof RetryLaterException later ? later.notBefore()
                    : clock.instant().plus(config.worker().retryDelay());
            throw new RetryLaterException(failed.size() + " message(s) could not be fetched: " + lastFailure.getMessage(),
                    notBefore, lastFailure);
        }
        return next;
    }

    /**
     * Fetches the batch in batch order: a thread holding at least {@code thread-min-messages} of the batch's ids
     * with one threads.get (10 units), the other ids with messages.get (5 units each), concurrently.
     */
    private List<Fetch> fetchGrouped(GmailSession session, List<String> ids, java.util.Map<String, String> threadOf)
            throws InterruptedException {
        int min = config.gmail().threadMinMessages();
        java.util.Map<String, List<String>> byThread = new java.util.LinkedHashMap<>();
        for (String id : ids) {
            String t = threadOf.get(id);
            if (t != null) {
                byThread.computeIfAbsent(t, k -> new ArrayList<>()).add(id);
            }
        }
        byThread.values().removeIf(group -> min <= 0 || group.size() < min);
        if (byThread.isEmpty()) {
            return fetchAll(session, ids, config.gmail().getConcurrency());
        }
        Set<String> viaThreads = new java.util.HashSet<>();
        byThread.values().forEach(viaThreads::addAll);
        List<String> single = ids.stream().filter(id -> !viaThreads.contains(id)).toList();
        java.util.Map<String, Fetch> results = new java.util.HashMap<>();
        for (Fetch f : fetchAll(session, single, config.gmail().getConcurrency())) {
            results.put(f.id(), f);
        }
        Semaphore permits = new Semaphore(Math.max(1, config.gmail().getConcurrency()));
        Object mdcAccount = MDC.get("accountId");
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<Fetch>>> futures = new ArrayList<>();
            for (var group : byThread.entrySet()) {
                futures.add(executor.submit(() -> {
                    permits.acquire();
                    try {
                        if (mdcAccount != null) {
                            MDC.put("accountId", mdcAccount);
                        }
                        return fetchThread(session, group.getKey(), group.getValue());
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<List<Fetch>> future : futures) {
                try {
                    future.get().forEach(f -> results.put(f.id(), f));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof InterruptedException interrupted) {
                        throw interrupted;
                    }
                    throw new IllegalStateException("unexpected failure fetching a Gmail thread", e.getCause());
                }
            }
        }
        return ids.stream().map(results::get).toList();
    }

    private static List<Fetch> fetchThread(GmailSession session, String threadId, List<String> wanted)
            throws InterruptedException {
        try {
            com.google.api.services.gmail.model.Thread thread = session.gmail().getThreadMetadata(threadId);
            java.util.Map<String, Message> byId = new java.util.HashMap<>();
            if (thread.getMessages() != null) {
                thread.getMessages().forEach(m -> byId.put(m.getId(), m));
            }
            return wanted.stream().map(id -> byId.containsKey(id)
                    ? (Fetch) new Fetch.Fetched(id, byId.get(id)) : new Fetch.Gone(id)).toList();
        } catch (GmailGateway.NotFoundException e) {
            return wanted.stream().map(id -> (Fetch) new Fetch.Gone(id)).toList();
        } catch (RetryLaterException e) {
            return wanted.stream().map(id -> (Fetch) new Fetch.Failed(id, e)).toList();
        }
    }

    /** messages.get for every id of the batch, a few at a time, each on its own virtual thread; in batch order. */
    static List<Fetch> fetchAll(GmailSession session, List<String> ids, int concurrency) throws InterruptedException {
        Semaphore permits = new Semaphore(Math.max(1, concurrency));
        Object mdcAccount = MDC.get("accountId");
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Fetch>> futures = new ArrayList<>(ids.size());
            for (String id : ids) {
                futures.add(executor.submit(() -> {
                    permits.acquire();
                    try {
                        if (mdcAccount != null) {
                            MDC.put("accountId", mdcAccount);
                        }
                        return fetchOne(session, id);
                    } finally {
                        permits.release();
                    }
                }));
            }
            List<Fetch> results = new ArrayList<>(ids.size());
            SourceFailedException sourceFailure = null;
            for (Future<Fetch> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof SourceFailedException failure) {
                        sourceFailure = failure;
                    } else if (e.getCause() instanceof InterruptedException interrupted) {
                        throw interrupted;
                    } else {
                        throw new IllegalStateException("unexpected failure fetching Gmail messages", e.getCause());
                    }
                }
            }
            if (sourceFailure != null) {
                throw sourceFailure;
            }
            return results;
        }
    }

    private static Fetch fetchOne(GmailSession session, String id) throws InterruptedException {
        try {
            return new Fetch.Fetched(id, session.gmail().getMessageMetadata(id));
        } catch (GmailGateway.NotFoundException e) {
            return new Fetch.Gone(id);
        } catch (RetryLaterException e) {
            return new Fetch.Failed(id, e);
        }
    }

    static RawRecord toRecord(GmailSession session, String syncRunId, Message message, Instant observedAt) {
        return record(session, syncRunId, RawRecord.Op.UPSERT, message, observedAt);
    }

    /** A record whose payload is the resource exactly as the API returned it. */
    static RawRecord record(GmailSession session, String syncRunId, RawRecord.Op op, Message message, Instant observedAt) {
        JsonNode payload;
        try {
            payload = Json.mapper().readTree(session.gmail().serialize(message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Gmail message " + message.getId() + " is not valid JSON", e);
        }
        return new RawRecord(RawRecord.SCHEMA_VERSION, Source.GMAIL, op, session.accountId(),
                session.userId(), session.mailbox(), false, message.getId(), observedAt, syncRunId, payload);
    }

    /** A delete record with payload {@code {id, threadId}}. */
    static RawRecord deleteRecord(GmailSession session, String syncRunId, String id, String threadId, Instant observedAt) {
        return record(session, syncRunId, RawRecord.Op.DELETE, new Message().setId(id).setThreadId(threadId), observedAt);
    }

    /** What {@code gmail_published_ids} remembers of an upsert record. */
    static GmailCursorRepository.PublishedMessage published(RawRecord r) {
        JsonNode p = r.payload();
        JsonNode date = p.path("internalDate");
        Long internalDate = date.isMissingNode() || date.isNull() ? null : Long.valueOf(date.asText());
        return new GmailCursorRepository.PublishedMessage(r.remoteId(), p.path("threadId").asText(null), internalDate);
    }

    /** What became of one messages.get. */
    sealed interface Fetch {
        String id();

        record Fetched(String id, Message message) implements Fetch {
        }

        record Gone(String id) implements Fetch {
        }

        record Failed(String id, RuntimeException error) implements Fetch {
        }
    }
}

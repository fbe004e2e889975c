package io.interactionsync.googlesync.source.gmail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.Profile;
import io.interactionsync.googlesync.client.gmail.GmailGateway;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.sync.publish.RawRecordPublisher;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.SourceFailedException;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.jboss.logging.MDC;

/**
 * The Gmail backfill (Debezium's snapshot source), run as small resumable steps. Each {@link #step} does
 * one thing — read the profile's historyId, list one page of all mail, or fetch one bounded batch of
 * messages — publishes what it read, waits for Kafka's acks, saves the next cursor and returns it. A crash
 * anywhere re-does at most that one step.
 *
 * <p>Order: getProfile (historyId for the incremental phase, read before anything is listed) → pages of all mail
 * ({@code messages.list} without labelIds: SPAM and TRASH excluded by Gmail; ids already listed, or taken from a
 * fetched thread, skipped) → complete. The listing is newest first, so the first fetched message older than the
 * horizon ends it. Drafts and chats are fetched (a listing does not tell them apart) but never published (R-C1).
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
        GmailCursor current = cursor;
        if (current.legacyListing()) {
            // Saved by the former INBOX-then-SENT listing: list all mail from the start; what was listed is skipped.
            current = current.restartListing();
        }
        if (current.pendingIds().isEmpty() && !current.morePages() && !current.listingDone()) {
            current = current.listed();
        }
        if (current.listingDone()) {
            GmailCursor done = current.toIncremental(clock.instant());
            if (current.resync()) {
                List<GmailCursorRepository.MessageRef> gone =
                        cursors.liveButNotListed(session.accountId(), current.horizon());
                List<RawRecord> deletes = new ArrayList<>();
                Instant observedAt = clock.instant();
                for (GmailCursorRepository.MessageRef m : gone) {
                    deletes.add(deleteRecord(session, current.syncRunId(), m.id(), m.threadId(), observedAt));
                }
                publisher.publishAndAwait(deletes);
                metrics.published(Source.GMAIL, deletes.size());
                done = done.afterFetch(List.of(), 0, 0, deletes.size(), 0, 0, false);
                cursors.saveCompleted(session.accountId(), done,
                        gone.stream().map(GmailCursorRepository.MessageRef::id).toList());
            } else {
                cursors.saveCompleted(session.accountId(), done);
            }
            // Synced (or incomplete) is the coordinator's to say, once the history is caught up and the audit ran.
            session.status().progress(done.fetched(), done.estimatedTotal(), done.lastSyncedAt());
            return done;
        }
        GmailCursor next = current.pendingIds().isEmpty() ? listPage(session, current) : fetchBatch(session, current);
        metrics.step(Source.GMAIL, current.pendingIds().isEmpty() ? "list" : "get",
                Duration.ofNanos(System.nanoTime() - started));
        return next;
    }

    private GmailCursor listPage(GmailSession session, GmailCursor cursor) throws InterruptedException {
        ListMessagesResponse page = session.gmail().listAllMail(cursor.pageToken());
        Map<String, String> threadOf = new LinkedHashMap<>();
        if (page.getMessages() != null) {
            for (Message m : page.getMessages()) {
                if (m.getId() != null) {
                    threadOf.putIfAbsent(m.getId(), m.getThreadId());
                }
            }
        }
        // Ids listed on an earlier page, or already taken from a thread fetched earlier, are not queued again.
        Set<String> listedBefore = cursors.alreadyListed(session.accountId(), threadOf.keySet());
        Map<String, String> fresh = new LinkedHashMap<>();
        threadOf.forEach((id, thread) -> {
            if (!listedBefore.contains(id)) {
                fresh.put(id, thread);
            }
        });
        Long estimate = cursor.pageToken() == null && page.getResultSizeEstimate() != null
                ? page.getResultSizeEstimate() : null;
        GmailCursor next = cursor.afterList(new ArrayList<>(fresh.keySet()), page.getNextPageToken(), estimate);
        cursors.saveWithListedIds(session.accountId(), next, fresh);
        session.status().progress(next.fetched(), next.estimatedTotal(), next.lastSyncedAt());
        return next;
    }

    /**
     * Fetches the next {@code get-batch-size} queued ids and publishes them. The fetch is planned over the whole
     * queue (the listed page), not only the batch: a thread is fetched with one threads.get when the queue holds at
     * least {@code thread-min-messages} of its ids, or when a queued id is a reply (its thread id is not its own id:
     * Gmail names a thread after its first message, so the thread holds more messages). The thread's other
     * messages within the horizon that were not listed yet (older pages) are taken too — published when in scope,
     * remembered as excluded when drafts or chats — and recorded as listed, so later pages skip them.
     */
    private GmailCursor fetchBatch(GmailSession session, GmailCursor cursor) throws InterruptedException {
        String accountId = session.accountId();
        List<String> queue = cursor.pendingIds();
        // A resync after an expired historyId: what was published live and is still listed is unchanged for us.
        Set<String> unchanged = cursor.resync() ? cursors.live(accountId, queue) : Set.of();
        List<String> candidates = unchanged.isEmpty() ? queue
                : queue.stream().filter(id -> !unchanged.contains(id)).toList();
        List<Call> calls = plan(candidates, cursors.threadIds(accountId, candidates));
        Fetched fetched = execute(session, calls);

        Instant observedAt = clock.instant();
        long horizonMillis = cursor.horizon().toEpochMilli();
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < queue.size(); i++) {
            position.put(queue.get(i), i);
        }
        // The queue is newest first: the first queued message older than the horizon ends the listing there.
        int cut = queue.size();
        for (Fetch f : fetched.queued().values()) {
            if (f instanceof Fetch.Fetched(String id, Message m) && !GmailScope.withinHorizon(m, horizonMillis)) {
                cut = Math.min(cut, position.get(id));
            }
        }
        boolean horizonReached = cut < queue.size();
        List<RawRecord> records = new ArrayList<>();
        List<GmailCursorRepository.MessageRef> excluded = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> notFound = new ArrayList<>();
        Set<String> done = new HashSet<>(unchanged);
        long beyond = 0;
        RuntimeException lastFailure = null;
        for (String id : queue) {
            Fetch f = fetched.queued().get(id);
            switch (f) {
                case null -> {
                }
                case Fetch.Fetched(String fid, Message message) -> {
                    done.add(fid);
                    if (!GmailScope.withinHorizon(message, horizonMillis)) {
                        beyond++;
                    } else if (GmailScope.inScope(message)) {
                        records.add(toRecord(session, cursor.syncRunId(), message, observedAt));
                    } else if (GmailScope.excluded(GmailScope.labels(message))) {
                        excluded.add(ref(message));
                    }
                    // Else moved to TRASH/SPAM since it was listed: the history from the profile's id tells it.
                }
                case Fetch.Gone(String gid) -> {
                    done.add(gid);
                    notFound.add(gid);
                }
                case Fetch.Failed(String fid, RuntimeException error) -> {
                    failed.add(fid);
                    lastFailure = error;
                }
            }
        }
        // The fetched threads' other messages within the horizon, never listed nor taken before. SPAM/TRASH ones are
        // not listed either: they are left alone.
        Map<String, Message> extra = new LinkedHashMap<>();
        for (Message m : fetched.others()) {
            if (!position.containsKey(m.getId()) && GmailScope.withinHorizon(m, horizonMillis)
                    && !GmailScope.deleting(GmailScope.labels(m))) {
                extra.putIfAbsent(m.getId(), m);
            }
        }
        extra.keySet().removeAll(cursors.alreadyListed(accountId, extra.keySet()));
        Set<String> extraUnchanged = cursor.resync() ? cursors.live(accountId, extra.keySet()) : Set.of();
        Map<String, String> extraListed = new LinkedHashMap<>();
        for (Message m : extra.values()) {
            extraListed.put(m.getId(), m.getThreadId());
            if (extraUnchanged.contains(m.getId())) {
                continue;
            }
            if (GmailScope.inScope(m)) {
                records.add(toRecord(session, cursor.syncRunId(), m, observedAt));
            } else {
                excluded.add(ref(m));
            }
        }
        publisher.publishAndAwait(records);
        metrics.published(Source.GMAIL, records.size());
        if (!unchanged.isEmpty() || !extraUnchanged.isEmpty()) {
            metrics.skipped(Source.GMAIL, "unchanged", unchanged.size() + extraUnchanged.size());
        }
        metrics.skipped(Source.GMAIL, "draft_or_chat", excluded.size());

        int headFailures = failed.isEmpty() ? 0 : cursor.headFailures() + 1;
        long skipped = notFound.size();
        boolean giveUp = !failed.isEmpty() && headFailures >= config.retry().messageMaxAttempts();
        if (giveUp) {
            done.addAll(failed);
            skipped += failed.size();
            headFailures = 0;
        }
        // Failed ids keep their place (newest first); nothing at or after the horizon's cut stays queued.
        List<String> remaining = queue.subList(0, cut).stream().filter(id -> !done.contains(id)).toList();
        // Read = inside the horizon and in scope: published now, or (resync) published before and unchanged.
        int cutAt = cut;
        long unchangedRead = unchanged.stream().filter(id -> position.get(id) < cutAt).count() + extraUnchanged.size();
        GmailCursor next = cursor.afterFetch(remaining, headFailures, records.size() + unchangedRead, records.size(),
                skipped, beyond, horizonReached);
        // Skips are written before the cursor that passes them, so a crash in between never loses the reason.
        cursors.recordSkipped(accountId, cursor.syncRunId(), notFound, "not_found: deleted before it was fetched");
        metrics.skipped(Source.GMAIL, "not_found", notFound.size());
        if (giveUp) {
            String reason = "failed in " + config.retry().messageMaxAttempts() + " steps: " + lastFailure.getMessage();
            cursors.recordSkipped(accountId, cursor.syncRunId(), failed, reason);
            metrics.skipped(Source.GMAIL, "failed", failed.size());
        }
        cursors.saveAfterFetch(accountId, next, new GmailCursorRepository.Decisions(
                records.stream().map(GmailBackfillSource::published).toList(), List.of(), excluded, List.of()),
                extraListed);
        session.status().progress(next.fetched(), next.estimatedTotal(), next.lastSyncedAt());
        if (!failed.isEmpty() && !giveUp) {
            Instant notBefore = lastFailure instanceof RetryLaterException later ? later.notBefore()
                    : clock.instant().plus(config.worker().retryDelay());
            throw new RetryLaterException(failed.size() + " message(s) could not be fetched: " + lastFailure.getMessage(),
                    notBefore, lastFailure);
        }
        return next;
    }

    /** One Gmail call of a batch: messages.get of one id, or threads.get covering the queued ids of one thread. */
    sealed interface Call {
        record OneMessage(String id) implements Call {
        }

        record WholeThread(String threadId, List<String> ids) implements Call {
        }
    }

    /**
     * The calls of the next batch, in queue order, until they cover {@code get-batch-size} queued ids. A thread
     * call covers every queued id of its thread, wherever it is in the queue.
     */
    List<Call> plan(List<String> queue, Map<String, String> threadOf) {
        int min = config.gmail().threadMinMessages();
        boolean replies = config.gmail().threadsForReplies();
        Map<String, List<String>> queuedByThread = new HashMap<>();
        for (String id : queue) {
            String t = threadOf.get(id);
            if (t != null) {
                queuedByThread.computeIfAbsent(t, k -> new ArrayList<>()).add(id);
            }
        }
        List<Call> calls = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (String id : queue) {
            if (covered.size() >= config.gmail().getBatchSize()) {
                break;
            }
            if (covered.contains(id)) {
                continue;
            }
            String t = threadOf.get(id);
            List<String> ids = t == null ? List.of() : queuedByThread.get(t);
            if (t != null && ((min > 0 && ids.size() >= min) || (replies && !t.equals(id)))) {
                calls.add(new Call.WholeThread(t, ids));
                covered.addAll(ids);
            } else {
                calls.add(new Call.OneMessage(id));
                covered.add(id);
            }
        }
        return calls;
    }

    /** What a batch's calls returned: per queued id, and every other message of the fetched threads. */
    private record Fetched(Map<String, Fetch> queued, List<Message> others) {
    }

    private Fetched execute(GmailSession session, List<Call> calls) throws InterruptedException {
        List<List<Fetch>> perCall = new ArrayList<>();
        List<List<Message>> threadMessages = new ArrayList<>();
        runConcurrently(calls, config.gmail().getConcurrency(), call -> switch (call) {
            case Call.OneMessage(String id) -> new CallResult(List.of(fetchOne(session, id)), List.of());
            case Call.WholeThread(String threadId, List<String> ids) -> fetchThread(session, threadId, ids);
        }, result -> {
            perCall.add(result.fetches());
            threadMessages.add(result.messages());
        });
        Map<String, Fetch> queued = new HashMap<>();
        perCall.forEach(list -> list.forEach(f -> queued.put(f.id(), f)));
        List<Message> others = new ArrayList<>();
        threadMessages.forEach(others::addAll);
        return new Fetched(queued, others);
    }

    private record CallResult(List<Fetch> fetches, List<Message> messages) {
    }

    private static CallResult fetchThread(GmailSession session, String threadId, List<String> wanted)
            throws InterruptedException {
        try {
            com.google.api.services.gmail.model.Thread thread = session.gmail().getThreadMetadata(threadId);
            Map<String, Message> byId = new LinkedHashMap<>();
            if (thread.getMessages() != null) {
                thread.getMessages().forEach(m -> byId.put(m.getId(), m));
            }
            List<Fetch> fetches = wanted.stream().map(id -> byId.containsKey(id)
                    ? (Fetch) new Fetch.Fetched(id, byId.get(id)) : new Fetch.Gone(id)).toList();
            return new CallResult(fetches, List.copyOf(byId.values()));
        } catch (GmailGateway.NotFoundException e) {
            return new CallResult(wanted.stream().map(id -> (Fetch) new Fetch.Gone(id)).toList(), List.of());
        } catch (RetryLaterException e) {
            return new CallResult(wanted.stream().map(id -> (Fetch) new Fetch.Failed(id, e)).toList(), List.of());
        }
    }

    @FunctionalInterface
    interface Task<T, R> {
        R run(T input) throws InterruptedException;
    }

    /**
     * Runs {@code task} for every input on its own virtual thread, at most {@code concurrency} at a time, and hands
     * the results to {@code sink} in input order. A task's runtime exception (e.g. {@link SourceFailedException},
     * reauthorization required) fails the whole batch once every task ended, rethrown as it was.
     */
    static <T, R> void runConcurrently(List<T> inputs, int concurrency, Task<T, R> task,
                                       java.util.function.Consumer<R> sink) throws InterruptedException {
        Semaphore permits = new Semaphore(Math.max(1, concurrency));
        Object mdcAccount = MDC.get("accountId");
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<R>> futures = new ArrayList<>(inputs.size());
            for (T input : inputs) {
                futures.add(executor.submit(() -> {
                    permits.acquire();
                    try {
                        if (mdcAccount != null) {
                            MDC.put("accountId", mdcAccount);
                        }
                        return task.run(input);
                    } finally {
                        permits.release();
                    }
                }));
            }
            RuntimeException failure = null;
            for (Future<R> future : futures) {
                try {
                    sink.accept(future.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof InterruptedException interrupted) {
                        throw interrupted;
                    }
                    // Kept as thrown (source failed, reauthorization required, …): the coordinator acts on the type.
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException("unexpected failure fetching from Gmail", e.getCause());
                    if (failure == null) {
                        failure = cause;
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** messages.get for every id, a few at a time, each on its own virtual thread; in the order of {@code ids}. */
    static List<Fetch> fetchAll(GmailSession session, List<String> ids, int concurrency) throws InterruptedException {
        List<Fetch> results = new ArrayList<>(ids.size());
        runConcurrently(ids, concurrency, id -> fetchOne(session, id), results::add);
        return results;
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

    /** What {@code gmail_message_states} remembers of an upsert record. */
    static GmailCursorRepository.MessageRef published(RawRecord r) {
        JsonNode p = r.payload();
        JsonNode date = p.path("internalDate");
        Long internalDate = date.isMissingNode() || date.isNull() ? null : Long.valueOf(date.asText());
        return new GmailCursorRepository.MessageRef(r.remoteId(), p.path("threadId").asText(null), internalDate);
    }

    /** What {@code gmail_message_states} remembers of a fetched message. */
    static GmailCursorRepository.MessageRef ref(Message m) {
        return new GmailCursorRepository.MessageRef(m.getId(), m.getThreadId(), m.getInternalDate());
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

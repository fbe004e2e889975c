package io.interactionsync.googlesync.source.gmail;

import com.google.api.services.gmail.model.History;
import com.google.api.services.gmail.model.HistoryLabelAdded;
import com.google.api.services.gmail.model.HistoryLabelRemoved;
import com.google.api.services.gmail.model.HistoryMessageAdded;
import com.google.api.services.gmail.model.HistoryMessageDeleted;
import com.google.api.services.gmail.model.ListHistoryResponse;
import com.google.api.services.gmail.model.Message;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.sync.publish.RawRecordPublisher;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.SourceFailedException;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Gmail incremental source (Debezium's streaming source): one {@link #step} reads one page of
 * {@code history.list} from the cursor's historyId, publishes what changed in INBOX ∪ SENT, awaits Kafka's acks
 * and only then saves the next cursor. The response's {@code historyId} becomes the cursor after the last page.
 *
 * <p>Per message the page's changes are folded: a {@code messageDeleted} → a {@code delete} record with the
 * history's {@code {id, threadId}} as payload. A message added or relabelled is fetched (its current labels
 * decide): in INBOX or SENT (and not TRASH/SPAM) → {@code upsert}; otherwise → {@code delete} if this service
 * had published it or the change removed INBOX/SENT (payload = the message as fetched). A message that is
 * gone by the time it is fetched (404) is left to its own {@code messageDeleted} record.
 */
@ApplicationScoped
public class GmailIncrementalSource {

    private final GmailCursorRepository cursors;
    private final RawRecordPublisher publisher;
    private final SyncMetrics metrics;
    private final GoogleSyncConfig config;
    private final Clock clock = Clock.systemUTC();

    public GmailIncrementalSource(GmailCursorRepository cursors, RawRecordPublisher publisher, SyncMetrics metrics,
                                  GoogleSyncConfig config) {
        this.cursors = cursors;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
    }

    /** The history from the cursor's historyId is no longer kept (404): a full resync is needed. */
    public static class HistoryExpiredException extends RuntimeException {
        public HistoryExpiredException(String message) {
            super(message);
        }
    }

    /** Reads and publishes one history page; returns the saved cursor ({@code morePages} while pages remain). */
    public GmailCursor step(GmailSession session, GmailCursor cursor) throws InterruptedException {
        if (cursor.phase() != GmailCursor.Phase.INCREMENTAL || cursor.historyId() == null) {
            throw new IllegalStateException("no incremental cursor: " + cursor.phase());
        }
        long started = System.nanoTime();
        ListHistoryResponse page;
        try {
            page = session.gmail().listHistory(cursor.historyId(), cursor.pageToken());
        } catch (io.interactionsync.googlesync.client.gmail.GmailGateway.NotFoundException e) {
            throw new HistoryExpiredException("history from " + cursor.historyId() + " is no longer available: "
                    + e.getMessage());
        }
        if (page.getNextPageToken() == null && page.getHistoryId() == null) {
            throw new SourceFailedException("Gmail history.list returned neither nextPageToken nor historyId");
        }
        Map<String, Change> changes = fold(page.getHistory());

        List<String> toFetch = changes.values().stream().filter(c -> !c.deleted).map(c -> c.id).toList();
        Set<String> publishedBefore = cursors.published(session.accountId(),
                changes.keySet().stream().toList());
        List<GmailBackfillSource.Fetch> fetches = GmailBackfillSource.fetchAll(session, toFetch,
                config.gmail().getConcurrency());

        Instant observedAt = clock.instant();
        String runId = cursor.syncRunId();
        List<RawRecord> records = new ArrayList<>();
        List<GmailCursorRepository.PublishedMessage> upserted = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        RuntimeException lastFailure = null;
        for (Change c : changes.values()) {
            if (c.deleted) {
                records.add(GmailBackfillSource.record(session, runId, RawRecord.Op.DELETE, c.message, observedAt));
                deleted.add(c.id);
            }
        }
        for (GmailBackfillSource.Fetch f : fetches) {
            switch (f) {
                case GmailBackfillSource.Fetch.Fetched(String id, Message message) -> {
                    if (GmailScope.inScope(message)) {
                        RawRecord r = GmailBackfillSource.toRecord(session, runId, message, observedAt);
                        records.add(r);
                        upserted.add(GmailBackfillSource.published(r));
                    } else if (publishedBefore.contains(id) || changes.get(id).leftScope) {
                        records.add(GmailBackfillSource.record(session, runId, RawRecord.Op.DELETE, message, observedAt));
                        deleted.add(id);
                    }
                }
                case GmailBackfillSource.Fetch.Gone(String id) -> {
                    // Deleted meanwhile: its messageDeleted history record publishes the delete.
                }
                case GmailBackfillSource.Fetch.Failed(String id, RuntimeException error) -> {
                    failed.add(id);
                    lastFailure = error;
                }
            }
        }

        if (!failed.isEmpty()) {
            int failures = cursor.headFailures() + 1;
            if (failures < config.retry().messageMaxAttempts()) {
                // Nothing of this page is published: it is read again later, the cursor stays behind it.
                cursors.save(session.accountId(), cursor.withHeadFailures(failures));
                Instant notBefore = lastFailure instanceof RetryLaterException later ? later.notBefore()
                        : clock.instant().plus(config.worker().retryDelay());
                throw new RetryLaterException(failed.size() + " changed message(s) could not be fetched: "
                        + lastFailure.getMessage(), notBefore, lastFailure);
            }
            String reason = "failed in " + failures + " steps: " + lastFailure.getMessage();
            cursors.recordSkipped(session.accountId(), runId, failed, reason);
            metrics.skipped(Source.GMAIL, "failed", failed.size());
        }
        publisher.publishAndAwait(records);
        metrics.published(Source.GMAIL, records.size());
        long fetched = fetches.stream().filter(f -> f instanceof GmailBackfillSource.Fetch.Fetched).count();
        GmailCursor next = cursor.afterHistoryPage(page.getNextPageToken(),
                page.getHistoryId() == null ? null : page.getHistoryId().toString(), fetched, records.size(),
                failed.size(), clock.instant());
        cursors.saveAfterPublish(session.accountId(), next, upserted, deleted);
        metrics.step(Source.GMAIL, "history", Duration.ofNanos(System.nanoTime() - started));
        if (!records.isEmpty()) {
            io.quarkus.logging.Log.infof("gmail incremental: %d change(s) published (%d upsert, %d delete), historyId %s",
                    records.size(), upserted.size(), deleted.size(), next.historyId());
        }
        return next;
    }

    /** The page's history records folded per message, in order; a deletion is final. */
    private static Map<String, Change> fold(List<History> history) {
        Map<String, Change> changes = new LinkedHashMap<>();
        if (history == null) {
            return changes;
        }
        for (History h : history) {
            if (h.getMessagesAdded() != null) {
                for (HistoryMessageAdded a : h.getMessagesAdded()) {
                    touch(changes, a.getMessage(), false);
                }
            }
            if (h.getLabelsAdded() != null) {
                for (HistoryLabelAdded a : h.getLabelsAdded()) {
                    touch(changes, a.getMessage(), false);
                }
            }
            if (h.getLabelsRemoved() != null) {
                for (HistoryLabelRemoved r : h.getLabelsRemoved()) {
                    boolean left = r.getLabelIds() != null && r.getLabelIds().stream().anyMatch(GmailScope.IN_SCOPE::contains);
                    touch(changes, r.getMessage(), left);
                }
            }
            if (h.getMessagesDeleted() != null) {
                for (HistoryMessageDeleted d : h.getMessagesDeleted()) {
                    Message m = d.getMessage();
                    if (m != null && m.getId() != null) {
                        Change c = changes.computeIfAbsent(m.getId(), id -> new Change(id, m));
                        c.deleted = true;
                        c.message = m;
                    }
                }
            }
        }
        return changes;
    }

    private static void touch(Map<String, Change> changes, Message m, boolean leftScope) {
        if (m == null || m.getId() == null) {
            return;
        }
        Change c = changes.computeIfAbsent(m.getId(), id -> new Change(id, m));
        c.leftScope |= leftScope;
    }

    /** What happened to one message within a history page. */
    private static final class Change {
        final String id;
        Message message;
        boolean deleted;
        boolean leftScope;

        Change(String id, Message message) {
            this.id = id;
            this.message = message;
        }
    }
}

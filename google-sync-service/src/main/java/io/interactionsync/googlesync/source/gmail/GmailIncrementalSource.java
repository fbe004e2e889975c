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
 * {@code history.list} from the cursor's historyId, publishes what changed, awaits Kafka's acks and only then saves
 * the next cursor. The response's {@code historyId} becomes the cursor after the last page.
 *
 * <p>Per message the page's changes are folded and decided against {@code gmail_message_states} (SPEC §4, R-F2):
 * <ul>
 * <li>{@code messageDeleted} → a {@code delete} (payload: the history's {@code {id, threadId}}) if the message is
 * live; a draft or chat known as excluded is forgotten;</li>
 * <li>TRASH or SPAM added (its labels now hold one) → a {@code delete} if live (payload: the history's message), with
 * no fetch;</li>
 * <li>{@code messageAdded}, or TRASH/SPAM/DRAFT/CHAT removed from a message that is not live → fetched; in scope
 * (none of TRASH, SPAM, DRAFT, CHAT) and within the horizon or published before → {@code upsert} (a revive); a draft
 * or chat → remembered as excluded;</li>
 * <li>any other label change (archive = INBOX removed, user labels, read/unread) → nothing, no fetch.</li>
 * </ul>
 * When the history's message carries no labelIds, a change touching TRASH/SPAM is decided on the fetched message.
 * A message gone by the time it is fetched (404) is left to its own {@code messageDeleted} record.
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
        String accountId = session.accountId();
        Map<String, GmailCursorRepository.MessageState> known = cursors.states(accountId, changes.keySet());

        Instant observedAt = clock.instant();
        String runId = cursor.syncRunId();
        long horizonMillis = cursor.horizon() == null ? Long.MIN_VALUE : cursor.horizon().toEpochMilli();
        List<RawRecord> records = new ArrayList<>();
        List<GmailCursorRepository.MessageRef> upserted = new ArrayList<>();
        List<GmailCursorRepository.MessageRef> excluded = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<String> forgotten = new ArrayList<>();
        List<String> toFetch = new ArrayList<>();
        for (Change c : changes.values()) {
            GmailCursorRepository.MessageState state = known.get(c.id);
            boolean live = state == GmailCursorRepository.MessageState.LIVE;
            if (c.deleted) {
                if (live) {
                    records.add(GmailBackfillSource.record(session, runId, RawRecord.Op.DELETE, c.message, observedAt));
                    deleted.add(c.id);
                } else if (state == GmailCursorRepository.MessageState.EXCLUDED) {
                    forgotten.add(c.id);
                }
            } else if (!c.added && !c.scopeTouched) {
                // Archived, relabelled, read or unread: the interaction stands, nothing to publish or fetch.
            } else if (c.labels == null) {
                toFetch.add(c.id);
            } else if (GmailScope.deleting(c.labels)) {
                if (live) {
                    records.add(GmailBackfillSource.record(session, runId, RawRecord.Op.DELETE, c.message, observedAt));
                    deleted.add(c.id);
                }
            } else if (GmailScope.excluded(c.labels)) {
                if (state == null) {
                    excluded.add(new GmailCursorRepository.MessageRef(c.id, c.message.getThreadId(), null));
                }
            } else if (c.added || !live) {
                toFetch.add(c.id);
            }
        }
        List<GmailBackfillSource.Fetch> fetches = GmailBackfillSource.fetchAll(session, toFetch,
                config.gmail().getConcurrency());

        List<String> failed = new ArrayList<>();
        int beyond = 0;
        RuntimeException lastFailure = null;
        for (GmailBackfillSource.Fetch f : fetches) {
            switch (f) {
                case GmailBackfillSource.Fetch.Fetched(String id, Message message) -> {
                    GmailCursorRepository.MessageState state = known.get(id);
                    List<String> labels = GmailScope.labels(message);
                    if (GmailScope.deleting(labels)) {
                        if (state == GmailCursorRepository.MessageState.LIVE) {
                            records.add(GmailBackfillSource.record(session, runId, RawRecord.Op.DELETE, message, observedAt));
                            deleted.add(id);
                        }
                    } else if (GmailScope.excluded(labels)) {
                        if (state == null) {
                            excluded.add(GmailBackfillSource.ref(message));
                        }
                    } else if (state != null || GmailScope.withinHorizon(message, horizonMillis)) {
                        RawRecord r = GmailBackfillSource.toRecord(session, runId, message, observedAt);
                        records.add(r);
                        upserted.add(GmailBackfillSource.published(r));
                    } else {
                        beyond++;
                    }
                }
                case GmailBackfillSource.Fetch.Gone(String id) -> {
                    // Deleted meanwhile: its messageDeleted history record decides.
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
                cursors.save(accountId, cursor.withHeadFailures(failures));
                Instant notBefore = lastFailure instanceof RetryLaterException later ? later.notBefore()
                        : clock.instant().plus(config.worker().retryDelay());
                throw new RetryLaterException(failed.size() + " changed message(s) could not be fetched: "
                        + lastFailure.getMessage(), notBefore, lastFailure);
            }
            String reason = "failed in " + failures + " steps: " + lastFailure.getMessage();
            cursors.recordSkipped(accountId, runId, failed, reason);
            metrics.skipped(Source.GMAIL, "failed", failed.size());
        }
        publisher.publishAndAwait(records);
        metrics.published(Source.GMAIL, records.size());
        GmailCursor next = cursor.afterHistoryPage(page.getNextPageToken(),
                page.getHistoryId() == null ? null : page.getHistoryId().toString(), records.size(),
                failed.size(), clock.instant());
        cursors.saveAfterPublish(accountId, next,
                new GmailCursorRepository.Decisions(upserted, deleted, excluded, forgotten));
        if (beyond > 0) {
            metrics.skipped(Source.GMAIL, "beyond_horizon", beyond);
        }
        metrics.step(Source.GMAIL, "history", Duration.ofNanos(System.nanoTime() - started));
        if (!records.isEmpty()) {
            io.quarkus.logging.Log.infof("gmail incremental: %d change(s) published (%d upsert, %d delete), historyId %s",
                    records.size(), upserted.size(), deleted.size(), next.historyId());
        }
        return next;
    }

    /**
     * The page's history records folded per message, in order: whether it was added, deleted (final), whether a
     * change touched TRASH/SPAM/DRAFT/CHAT, and its labels after its last change (when the history carries them).
     */
    private static Map<String, Change> fold(List<History> history) {
        Map<String, Change> changes = new LinkedHashMap<>();
        if (history == null) {
            return changes;
        }
        for (History h : history) {
            if (h.getMessagesAdded() != null) {
                for (HistoryMessageAdded a : h.getMessagesAdded()) {
                    Change c = touch(changes, a.getMessage());
                    if (c != null) {
                        c.added = true;
                    }
                }
            }
            if (h.getLabelsAdded() != null) {
                for (HistoryLabelAdded a : h.getLabelsAdded()) {
                    labelChange(changes, a.getMessage(), a.getLabelIds());
                }
            }
            if (h.getLabelsRemoved() != null) {
                for (HistoryLabelRemoved r : h.getLabelsRemoved()) {
                    labelChange(changes, r.getMessage(), r.getLabelIds());
                }
            }
            if (h.getMessagesDeleted() != null) {
                for (HistoryMessageDeleted d : h.getMessagesDeleted()) {
                    Message m = d.getMessage();
                    if (m != null && m.getId() != null) {
                        Change c = changes.computeIfAbsent(m.getId(), Change::new);
                        c.deleted = true;
                        c.message = m;
                    }
                }
            }
        }
        return changes;
    }

    private static void labelChange(Map<String, Change> changes, Message m, List<String> changed) {
        Change c = touch(changes, m);
        if (c != null && changed != null && GmailScope.touchesScope(changed)) {
            c.scopeTouched = true;
        }
    }

    /** Records that {@code m} changed; its labels (when given) are those after the change. */
    private static Change touch(Map<String, Change> changes, Message m) {
        if (m == null || m.getId() == null) {
            return null;
        }
        Change c = changes.computeIfAbsent(m.getId(), Change::new);
        if (!c.deleted) {
            c.message = m;
            c.labels = m.getLabelIds();
        }
        return c;
    }

    /** What happened to one message within a history page. */
    private static final class Change {
        final String id;
        Message message;
        List<String> labels;
        boolean added;
        boolean deleted;
        boolean scopeTouched;

        Change(String id) {
            this.id = id;
        }
    }
}

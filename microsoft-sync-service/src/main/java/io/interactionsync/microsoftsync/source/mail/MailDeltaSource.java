package io.interactionsync.microsoftsync.source.mail;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.graph.GraphCallException;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.sync.publish.RawRecordPublisher;
import io.interactionsync.microsoftsync.repository.PublishedMessageRepository;
import io.interactionsync.sync.SourceFailedException;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Outlook mail delta of one folder (by id), one page per step: messages → {@code upsert} (the initial round skips
 * those received before the horizon, client-side: a {@code receivedDateTime} $filter caps delta at 5,000 messages);
 * {@code @removed} → a pending removal, not a delete: the message may have moved to another folder (immutable ids
 * keep its id), which {@link MailRemovals} confirms at the end of the mailbox's run. The records are published and
 * acknowledged by Kafka before the cursor (nextLink, or the deltaLink that ends the round) is saved, in one
 * transaction with the published-messages rows and the pending removals. Payloads are the Graph JSON objects as
 * returned.
 */
@ApplicationScoped
public class MailDeltaSource {

    private final PublishedMessageRepository publishedMessages;
    private final RawRecordPublisher publisher;
    private final SyncMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    public MailDeltaSource(PublishedMessageRepository publishedMessages, RawRecordPublisher publisher, SyncMetrics metrics) {
        this.publishedMessages = publishedMessages;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /** Who the records are published for: the reading account, and the mailbox read. */
    public record Target(String accountId, String userId, String mailbox, boolean shared) {
    }

    /** Reads one page from the cursor and returns the saved next cursor; {@link GraphCallException.FolderGone} on a 404. */
    public MailCursor step(GraphGateway graph, Target target, MailCursor cursor) throws InterruptedException {
        long started = System.nanoTime();
        JsonNode page = graph.mailDelta(cursor.folder(), cursor.link(), cursor.horizon());
        if (page == null) {
            throw new GraphCallException.FolderGone(cursor.folder());
        }
        return apply(target, cursor, page, started);
    }

    /**
     * The incremental poll of several folders of one mailbox in one {@code $batch} round trip: each folder answered
     * 200 is applied like a step (and saved); the others are left to the caller's normal step (which then meets the
     * 410, 429 … itself). Returns the saved cursors of the folders applied.
     */
    public BatchPoll pollBatched(GraphGateway graph, Target target, List<MailCursor> cursors) throws InterruptedException {
        long started = System.nanoTime();
        List<String> links = cursors.stream().map(MailCursor::link).toList();
        List<JsonNode> pages = graph.mailDeltaBatch(links);
        java.util.Map<String, MailCursor> applied = new java.util.LinkedHashMap<>();
        java.util.Set<String> expired = new java.util.HashSet<>();
        for (int i = 0; i < cursors.size(); i++) {
            JsonNode page = pages.get(i);
            if (GraphGateway.isExpired(page)) {
                expired.add(cursors.get(i).folder());
            } else if (page != null) {
                applied.put(cursors.get(i).folder(), apply(target, cursors.get(i), page, started));
            }
        }
        return new BatchPoll(applied, expired);
    }

    /** Folders whose batched page was applied (cursor saved), and folders whose delta link expired (410). */
    public record BatchPoll(java.util.Map<String, MailCursor> applied, java.util.Set<String> expired) {
        public static final BatchPoll NONE = new BatchPoll(java.util.Map.of(), java.util.Set.of());
    }

    private MailCursor apply(Target target, MailCursor cursor, JsonNode page, long started) throws InterruptedException {
        String nextLink = text(page, "@odata.nextLink");
        String deltaLink = text(page, "@odata.deltaLink");
        if (nextLink == null && deltaLink == null) {
            throw new SourceFailedException("Graph mail delta answered neither @odata.nextLink nor @odata.deltaLink");
        }
        Instant observedAt = clock.instant();
        // The last word per id on this page (Graph may repeat an item).
        Map<String, JsonNode> items = new LinkedHashMap<>();
        for (JsonNode item : page.path("value")) {
            String id = text(item, "id");
            if (id != null) {
                items.remove(id);
                items.put(id, item);
            }
        }
        List<RawRecord> records = new ArrayList<>();
        List<PublishedMessageRepository.Published> published = new ArrayList<>();
        List<String> beyond = new ArrayList<>();
        List<PublishedMessageRepository.PendingRemoval> removals = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : items.entrySet()) {
            String id = e.getKey();
            JsonNode item = e.getValue();
            if (item.has("@removed")) {
                // Left this folder: moved (not a delete) or deleted. Confirmed at the end of the mailbox's run.
                removals.add(new PublishedMessageRepository.PendingRemoval(id, cursor.folder(), true, item.toString(),
                        cursor.syncRunId(), observedAt));
                continue;
            }
            if (cursor.phase() == MailCursor.Phase.INITIAL && before(item, cursor.horizon())) {
                beyond.add(id);
                continue;
            }
            records.add(new RawRecord(RawRecord.SCHEMA_VERSION, Source.OUTLOOK_MAIL, RawRecord.Op.UPSERT, target.accountId(),
                    target.userId(), target.mailbox(), target.shared(), id, observedAt, cursor.syncRunId(), item));
            published.add(new PublishedMessageRepository.Published(id, cursor.folder(), received(item)));
        }
        publisher.publishAndAwait(records);
        metrics.published(Source.OUTLOOK_MAIL, target.shared(), records.size());
        MailCursor next = cursor.afterPage(nextLink, deltaLink, records.size(), beyond.size(), clock.instant());
        publishedMessages.commitPage(next, target.accountId(), published, beyond, removals);
        metrics.step(Source.OUTLOOK_MAIL, cursor.phase().wire(), Duration.ofNanos(System.nanoTime() - started));
        return next;
    }

    static Instant received(JsonNode message) {
        String received = text(message, "receivedDateTime");
        try {
            return received == null ? null : OffsetDateTime.parse(received).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static boolean before(JsonNode message, Instant horizon) {
        if (horizon == null) {
            return false;
        }
        String received = text(message, "receivedDateTime");
        if (received == null) {
            received = text(message, "sentDateTime");
        }
        if (received == null) {
            return false; // no date: keep it rather than lose it
        }
        try {
            return OffsetDateTime.parse(received).toInstant().isBefore(horizon);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}

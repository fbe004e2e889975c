package io.interactionsync.microsoftsync.source.mail;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.microsoftsync.repository.PublishedMessageRepository;
import io.interactionsync.microsoftsync.repository.PublishedMessageRepository.PendingRemoval;
import io.interactionsync.microsoftsync.repository.PublishedMessageRepository.Resolution;
import io.interactionsync.microsoftsync.repository.PublishedMessageRepository.Row;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.sync.publish.RawRecordPublisher;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Confirms the messages that left a synced folder, at the end of a mailbox's run (after every folder's delta was
 * read), so that only real deletions become {@code delete} records (R-F2):
 * <ul>
 * <li>seen since in another synced folder (its published row moved there), or never published → nothing;</li>
 * <li>its folder was deleted or is now under an excluded folder → {@code delete} (unless the folder is synced again);</li>
 * <li>otherwise Graph is asked where it is ({@code GET /messages/{id}}, immutable id, in {@code $batch}es): 404 →
 * {@code delete}; in an excluded folder (deleteditems, junkemail, drafts, …, or one outside the folder tree) →
 * {@code delete}; in a synced folder → nothing (that folder's delta publishes it; its row follows it now).</li>
 * </ul>
 * Deletes are acknowledged by Kafka before the published rows are marked and the pending entries dropped.
 */
@ApplicationScoped
public class MailRemovals {

    private final PublishedMessageRepository published;
    private final RawRecordPublisher publisher;
    private final SyncMetrics metrics;
    private final MicrosoftSyncConfig config;
    private final Clock clock = Clock.systemUTC();

    public MailRemovals(PublishedMessageRepository published, RawRecordPublisher publisher, SyncMetrics metrics,
                        MicrosoftSyncConfig config) {
        this.published = published;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * Confirms the mailbox's pending removals; returns the deletes published, or -1 when {@code keepGoing} said to stop
     * between two steps (the rest stays pending). Removals Graph gave no answer for stay pending for the next run.
     */
    public int confirm(GraphGateway graph, MailDeltaSource.Target target, String accountKey, MailFolders folders,
                       BooleanSupplier keepGoing) throws InterruptedException {
        int deletes = 0;
        int unresolved = 0;
        while (true) {
            List<PendingRemoval> batch = published.pending(accountKey, target.mailbox(), config.mail().removalsPerStep(), unresolved);
            if (batch.isEmpty()) {
                return deletes;
            }
            Map<String, Row> rows = published.rows(accountKey, target.mailbox(),
                    batch.stream().map(PendingRemoval::messageId).collect(java.util.stream.Collectors.toSet()));
            List<Resolution> resolutions = new ArrayList<>();
            List<PendingRemoval> toAsk = new ArrayList<>();
            int superseded = 0;
            for (PendingRemoval p : batch) {
                Row row = rows.get(p.messageId());
                if (row == null || row.deleted() || !row.folderId().equals(p.folderId())) {
                    superseded++;
                    resolutions.add(new Resolution(p, false, null));
                } else if (!p.confirm()) {
                    boolean gone = !folders.synced(p.folderId());
                    resolutions.add(new Resolution(p, gone, null));
                    superseded += gone ? 0 : 1;
                } else {
                    toAsk.add(p);
                }
            }
            Map<String, String> located = toAsk.isEmpty() ? Map.of()
                    : graph.messageFolders(List.copyOf(new LinkedHashSet<>(toAsk.stream().map(PendingRemoval::messageId).toList())));
            int moved = 0;
            int unanswered = 0;
            for (PendingRemoval p : toAsk) {
                String where = located.get(p.messageId());
                if (where == null) {
                    unanswered++;
                } else if (!where.equals(GraphGateway.GONE) && folders.synced(where)) {
                    moved++;
                    resolutions.add(new Resolution(p, false, where));
                } else {
                    resolutions.add(new Resolution(p, true, null));
                }
            }
            List<RawRecord> records = new ArrayList<>();
            Instant now = clock.instant();
            for (Resolution r : resolutions) {
                if (r.deleted()) {
                    records.add(new RawRecord(RawRecord.SCHEMA_VERSION, Source.OUTLOOK_MAIL, RawRecord.Op.DELETE,
                            target.accountId(), target.userId(), target.mailbox(), target.shared(), r.removal().messageId(), now,
                            r.removal().syncRunId(), payload(r.removal())));
                }
            }
            publisher.publishAndAwait(records);
            metrics.published(Source.OUTLOOK_MAIL, target.shared(), records.size());
            published.resolve(accountKey, target.mailbox(), resolutions);
            deletes += records.size();
            metrics.removal("deleted", records.size());
            metrics.removal("moved", moved);
            metrics.removal("superseded", superseded);
            metrics.removal("unresolved", unanswered);
            unresolved += unanswered;
            Log.debugf("removals of %s: %d deletes, %d moved, %d superseded, %d unresolved so far", target.mailbox(),
                    records.size(), moved, superseded, unresolved);
            if (!keepGoing.getAsBoolean()) {
                return -1;
            }
        }
    }

    private static JsonNode payload(PendingRemoval p) {
        try {
            return Json.mapper().readTree(p.payload());
        } catch (IOException e) {
            return Json.mapper().createObjectNode().put("id", p.messageId()).set("@removed",
                    Json.mapper().createObjectNode().put("reason", "deleted"));
        }
    }
}

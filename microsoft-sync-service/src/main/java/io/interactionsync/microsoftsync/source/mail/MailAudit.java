package io.interactionsync.microsoftsync.source.mail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.microsoftsync.repository.PublishedMessageRepository;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.audit.AuditTarget;
import io.interactionsync.sync.publish.RawRecordPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The Outlook mail side of the completeness audit, per mailbox (own or shared):
 * <ul>
 * <li>folders: the tree listed without delta and reconciled with the known one first ({@link MailFolderAudit}), so a
 * folder the folder delta lost is listed (its messages count as missing and are repaired now) and one gone or now
 * excluded is left out (its messages are confirmed gone);</li>
 * <li>provider: {@code GET /mailFolders/{id}/messages?$select=id&$filter=receivedDateTime ge <horizon>} per synced
 * folder, nextLinks followed verbatim (pinned, throttled per mailbox, immutable ids);</li>
 * <li>published: {@code published_messages} received inside the horizon;</li>
 * <li>gone: {@code GET /messages/{id}} in {@code $batch}es, 404 or now in a folder that is not synced (deleted
 * items, junk, recoverable items…); no answer → not gone (asked again by the next audit);</li>
 * <li>repair: the same GET with the delta's {@code $select} → {@code upsert} (not eligible: gone, outside the synced
 * folders, older than the horizon); deletes as a folder retirement publishes them.</li>
 * </ul>
 * Every publish waits for Kafka's acks before {@code published_messages} is updated. Between pages and chunks the
 * job's lease (and the shared mailbox's) and shutdown are checked.
 */
@ApplicationScoped
public class MailAudit {

    /** Ids confirmed or fetched per step ($batches of 20 inside), between two lease checks. */
    static final int CHUNK = 200;

    private final PublishedMessageRepository publishedMessages;
    private final MailFolderAudit folderAudit;
    private final RawRecordPublisher publisher;
    private final SyncMetrics metrics;
    private final MicrosoftSyncConfig config;
    private final Clock clock = Clock.systemUTC();

    public MailAudit(PublishedMessageRepository publishedMessages, MailFolderAudit folderAudit, RawRecordPublisher publisher,
                     SyncMetrics metrics, MicrosoftSyncConfig config) {
        this.publishedMessages = publishedMessages;
        this.folderAudit = folderAudit;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * @param accountKey the account id for an own mailbox, {@code ""} for a shared one (as in the mail tables)
     * @param folders    the folder tree of this run (reconciled by the audit before its listing)
     * @param keepGoing  false once the job must stop (shutdown, a lease lost)
     */
    public Target target(GraphGateway graph, MailDeltaSource.Target target, String accountKey, MailFolders folders,
                              BooleanSupplier keepGoing) {
        Instant horizon = clock.instant().atOffset(ZoneOffset.UTC).minusMonths(config.backfillMonths()).toInstant();
        return new Target(graph, target, accountKey, folders, horizon, keepGoing);
    }

    /** One mailbox's audit; after it ran, {@link #reconciled()} tells what the folder reconciliation changed. */
    public final class Target implements AuditTarget {

        private final GraphGateway graph;
        private final MailDeltaSource.Target target;
        private final String accountKey;
        private MailFolders folders;
        private MailFolderAudit.Reconciled reconciled;
        private final Instant horizon;
        private final BooleanSupplier keepGoing;
        private final String runId = UUID.randomUUID().toString();
        private final Map<String, String> publishedBy = new HashMap<>();

        Target(GraphGateway graph, MailDeltaSource.Target target, String accountKey, MailFolders folders, Instant horizon,
               BooleanSupplier keepGoing) {
            this.graph = graph;
            this.target = target;
            this.accountKey = accountKey;
            this.folders = folders;
            this.horizon = horizon;
            this.keepGoing = keepGoing;
        }

        @Override
        public Source source() {
            return Source.OUTLOOK_MAIL;
        }

        @Override
        public String mailbox() {
            return target.shared() ? target.mailbox() : null;
        }

        /** What the folder reconciliation changed; null before {@link #listProvider} ran. */
        public MailFolderAudit.Reconciled reconciled() {
            return reconciled;
        }

        @Override
        public void listProvider(Consumer<String> sink) throws InterruptedException {
            reconciled = folderAudit.reconcile(graph, accountKey, folders, this::check);
            folders = reconciled.folders();
            metrics.auditFolders("found", reconciled.found().size());
            metrics.auditFolders("retired", reconciled.retired().size());
            for (String folder : folders.syncedIds()) {
                String link = null;
                do {
                    check();
                    JsonNode page = graph.messageIds(folder, horizon, link);
                    if (page == null) {
                        break; // the folder went since discovery: its messages are confirmed one by one
                    }
                    for (JsonNode item : page.path("value")) {
                        String id = item.path("id").asText(null);
                        if (id != null) {
                            sink.accept(id);
                        }
                    }
                    link = page.path("@odata.nextLink").asText(null);
                } while (link != null);
            }
        }

        @Override
        public Map<String, Boolean> published() {
            Map<String, Boolean> out = new HashMap<>();
            publishedMessages.since(accountKey, target.mailbox(), horizon).forEach((id, row) -> {
                out.put(id, !row.deleted());
                publishedBy.put(id, row.publishedBy());
            });
            return out;
        }

        @Override
        public Set<String> confirmGone(Collection<String> ids) throws InterruptedException {
            Set<String> gone = new LinkedHashSet<>();
            for (List<String> chunk : chunks(ids)) {
                check();
                graph.messageFolders(chunk).forEach((id, folder) -> {
                    if (folder.equals(GraphGateway.GONE) || !folders.synced(folder)) {
                        gone.add(id);
                    }
                });
            }
            return gone;
        }

        @Override
        public Repair republish(Collection<String> ids) throws InterruptedException {
            Set<String> published = new LinkedHashSet<>();
            Set<String> notEligible = new LinkedHashSet<>();
            Map<String, String> failed = new LinkedHashMap<>();
            for (List<String> chunk : chunks(ids)) {
                check();
                GraphGateway.Fetched fetched = graph.messages(chunk);
                notEligible.addAll(fetched.gone());
                failed.putAll(fetched.failed());
                List<RawRecord> records = new ArrayList<>();
                List<PublishedMessageRepository.Published> rows = new ArrayList<>();
                Instant observedAt = clock.instant();
                for (Map.Entry<String, JsonNode> e : fetched.found().entrySet()) {
                    JsonNode message = e.getValue();
                    String folder = message.path("parentFolderId").asText(null);
                    if (!folders.synced(folder) || MailDeltaSource.before(message, horizon)) {
                        notEligible.add(e.getKey());
                        continue;
                    }
                    records.add(new RawRecord(RawRecord.SCHEMA_VERSION, Source.OUTLOOK_MAIL, RawRecord.Op.UPSERT,
                            target.accountId(), target.userId(), target.mailbox(), target.shared(), e.getKey(), observedAt,
                            runId, message));
                    rows.add(new PublishedMessageRepository.Published(e.getKey(), folder, MailDeltaSource.received(message)));
                }
                publisher.publishAndAwait(records);
                metrics.published(Source.OUTLOOK_MAIL, target.shared(), records.size());
                publishedMessages.repaired(accountKey, target.mailbox(), target.accountId(), rows);
                rows.forEach(r -> published.add(r.messageId()));
            }
            return new Repair(published, notEligible, failed);
        }

        @Override
        public Set<String> publishDeletes(Collection<String> ids) throws InterruptedException {
            Set<String> deleted = new LinkedHashSet<>();
            for (List<String> chunk : chunks(ids)) {
                check();
                Instant observedAt = clock.instant();
                List<RawRecord> records = chunk.stream().map(id -> new RawRecord(RawRecord.SCHEMA_VERSION,
                        Source.OUTLOOK_MAIL, RawRecord.Op.DELETE, target.accountId(), target.userId(), target.mailbox(),
                        target.shared(), id, observedAt, runId, removed(id))).toList();
                publisher.publishAndAwait(records);
                metrics.published(Source.OUTLOOK_MAIL, target.shared(), records.size());
                metrics.removal("deleted", records.size());
                publishedMessages.markDeleted(accountKey, target.mailbox(), chunk);
                deleted.addAll(chunk);
            }
            return deleted;
        }

        @Override
        public String note() {
            return reconciled == null ? "" : "; folders found (lost by the folder delta) " + reconciled.found().size()
                    + ", retired " + reconciled.retired().size();
        }

        /** A shared mailbox's records were published under the subscriber whose job read them. */
        @Override
        public String ingestAccount(String accountId, String id) {
            return target.shared() ? publishedBy.getOrDefault(id, accountId) : accountId;
        }

        private void check() {
            if (!keepGoing.getAsBoolean()) {
                throw new RetryLaterException("audit interrupted (shutdown or lease lost)", clock.instant());
            }
        }
    }

    /** The delete record's payload: Graph's {@code @removed} shape, as the delta reports a deletion. */
    static JsonNode removed(String id) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("@odata.type", "#microsoft.graph.message");
        out.put("id", id);
        out.putObject("@removed").put("reason", "deleted");
        return out;
    }

    static List<List<String>> chunks(Collection<String> ids) {
        List<String> all = List.copyOf(ids);
        List<List<String>> out = new ArrayList<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            out.add(all.subList(from, Math.min(all.size(), from + CHUNK)));
        }
        return out;
    }
}

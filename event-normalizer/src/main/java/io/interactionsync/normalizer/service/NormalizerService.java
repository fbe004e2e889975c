package io.interactionsync.normalizer.service;

import io.interactionsync.model.DeadLetter;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.LogSafe;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.config.NormalizerConfig;
import io.interactionsync.normalizer.mapper.Mappers;
import io.interactionsync.normalizer.outbox.OutboxRelay;
import io.interactionsync.normalizer.outbox.OutboxRepository;
import io.interactionsync.normalizer.outbox.OutboxRepository.OutboxMessage;
import io.interactionsync.normalizer.rederive.RederiveRepository;
import io.interactionsync.normalizer.rederive.RederiveWorker;
import io.interactionsync.normalizer.repository.BlocklistRepository;
import io.interactionsync.normalizer.repository.DeadLetteredRepository;
import io.interactionsync.normalizer.repository.DirectoryRepository;
import io.interactionsync.normalizer.repository.EventRepository;
import io.interactionsync.normalizer.repository.EventRepository.EventKey;
import io.interactionsync.normalizer.repository.ErasedAccountRepository;
import io.interactionsync.normalizer.repository.EventRows;
import io.interactionsync.normalizer.repository.SqlStates;
import io.interactionsync.normalizer.repository.VersionRepository;
import io.interactionsync.normalizer.service.BatchNormalizer.Lookups;
import io.interactionsync.normalizer.service.BatchNormalizer.Plan;
import io.interactionsync.normalizer.service.BatchNormalizer.Prepared;
import io.interactionsync.normalizer.service.BatchNormalizer.RecordKey;
import io.interactionsync.normalizer.service.BatchNormalizer.RemoteKey;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Processes one batch of raw records: decode and map (pure, {@link BatchNormalizer}), then one transaction that
 * learns owner aliases, retracts events no longer produced, upserts the rest, appends every changed event and every
 * dead letter to the outbox, and remembers the resources it dead-lettered (for the completeness audit). The Kafka
 * offsets are acknowledged by the caller only after this commits.
 */
@ApplicationScoped
public class NormalizerService {

    private final Pool pool;
    private final EventRepository events;
    private final DirectoryRepository directory;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final VersionRepository versions;
    private final DeadLetteredRepository deadLettered;
    private final NormalizerMetrics metrics;
    private final NormalizerConfig config;
    private final DataKeys dataKeys;
    private final ErasedAccountRepository erasedAccounts;
    private final BlocklistRepository blocklists;
    private final RederiveRepository rederive;
    private final RederiveWorker rederiveWorker;
    private final RecordDecoder decoder = new RecordDecoder(Clock.systemUTC());
    private final BatchNormalizer normalizer;

    public NormalizerService(Pool pool, EventRepository events, DirectoryRepository directory, OutboxRepository outbox,
                             OutboxRelay relay, VersionRepository versions, DeadLetteredRepository deadLettered,
                             NormalizerMetrics metrics, NormalizerConfig config, DataKeyCache dataKeys,
                             ErasedAccountRepository erasedAccounts, BlocklistRepository blocklists,
                             RederiveRepository rederive, RederiveWorker rederiveWorker) {
        this.rederive = rederive;
        this.rederiveWorker = rederiveWorker;
        this.dataKeys = dataKeys;
        this.erasedAccounts = erasedAccounts;
        this.blocklists = blocklists;
        this.versions = versions;
        this.deadLettered = deadLettered;
        this.pool = pool;
        this.events = events;
        this.directory = directory;
        this.outbox = outbox;
        this.relay = relay;
        this.metrics = metrics;
        this.config = config;
        this.normalizer = new BatchNormalizer(decoder, Mappers.all(config.fanOut().maxRecipients()));
    }

    /**
     * Normalizes and commits a batch; completes only after the commit. Transient failures (connection, outage)
     * are retried with backoff and then fail the consumer, which resumes from the last committed offset. A data
     * error PostgreSQL raises for the batch (a value it cannot store) is isolated by writing the records one by one;
     * the record that still fails is dead-lettered as {@code write_failed}, so no record can stop the partition.
     */
    public Uni<Void> process(List<IncomingRecord> batch) {
        return process(batch, false);
    }

    /** A replayed batch: like {@link #process(List)}, but poison records are not dead-lettered a second time. */
    public Uni<Void> replay(List<IncomingRecord> batch) {
        return process(batch, true);
    }

    /**
     * Records processed again because evidence their resources depend on changed ({@link RederiveWorker}): a replay of
     * just those records, with the evidence as it is now.
     */
    public Uni<Void> rederive(List<IncomingRecord> batch) {
        return process(batch, true);
    }

    private Uni<Void> process(List<IncomingRecord> batch, boolean replay) {
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return commit(batch, replay, true)
                .onFailure(SqlStates::isUniqueViolation).recoverWithUni(e -> {
                    // A first-seen resource had rows after all (e.g. written before versions were kept): upserts only.
                    Log.infof("batch of %d raw records found stored rows for resources it had not seen (%s); "
                            + "writing it again with upserts", batch.size(), LogSafe.redact(e.getMessage()));
                    return commit(batch, replay, false);
                })
                .onFailure(NormalizerService::isDataError).recoverWithUni(e -> {
                    Log.warnf("batch of %d raw records rejected by PostgreSQL (%s); writing them one by one",
                            batch.size(), DeadLetterReasons.writeFailed(e));
                    return oneByOne(batch, replay);
                })
                // the connector down (a restart, a deploy): the batch waits for its data keys as long as it takes,
                // instead of failing the channel after a few retries and leaving the replica unready until restarted
                .onFailure(DataKeys.UnavailableException.class).invoke(e -> Log.warnf(
                        "batch of %d raw records waits for the connector's data keys: %s", batch.size(),
                        LogSafe.redact(e.getMessage())))
                .onFailure(DataKeys.UnavailableException.class).retry()
                .withBackOff(config.write().initialBackoff(), config.write().maxBackoff()).indefinitely()
                .onFailure().invoke(e -> Log.warnf(LogSafe.redact(e), "batch of %d raw records failed to commit; retrying", batch.size()))
                .onFailure().retry().withBackOff(config.write().initialBackoff()).atMost(config.write().maxRetries());
    }

    /**
     * One transaction for the batch. {@code insertNew}: write the rows of resources seen for the first time with plain
     * inserts (no per-row conflict check); false: upserts only, the fallback when such a row existed after all.
     */
    private Uni<Void> commit(List<IncomingRecord> batch, boolean replay, boolean insertNew) {
        return commit(batch, replay, insertNew, Set.of());
    }

    /**
     * Erasure first: the purged accounts among the batch's keys are looked up, and their records dropped while the
     * batch is prepared (sealed ones with a destroyed key too). Under the batch's account locks — which a purge takes as
     * well — the accounts are checked again: one purged in between makes the whole batch prepared again without it.
     */
    private Uni<Void> commit(List<IncomingRecord> batch, boolean replay, boolean insertNew, Set<String> knownErased) {
        Set<String> keys = new HashSet<>();
        batch.forEach(r -> {
            if (r.key() != null) {
                keys.add(r.key());
            }
        });
        return erasedAccounts.erased(pool, keys).flatMap(found -> {
            Set<String> erased = union(knownErased, found);
            // Decoding (with the data keys) and mapping are CPU work and may wait for the connector: on a worker
            // thread, never on the event loop that runs the Kafka consumer and the database client (with several
            // consumers, batches are prepared in parallel).
            return Uni.createFrom().item(() -> normalizer.prepare(batch, dataKeys, erased))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .flatMap(prepared -> pool.withTransaction(conn -> write(conn, prepared, replay, insertNew, erased)))
                    .invoke(written -> {
                        record(written.plan());
                        relay.committed(written.outboxRowId(), written.announced());
                        if (written.enqueued() > 0) {
                            rederiveWorker.wake();
                        }
                    })
                    .replaceWithVoid()
                    .onFailure(ErasedMeanwhile.class).recoverWithUni(e -> {
                        Set<String> now = ((ErasedMeanwhile) e).accounts;
                        Log.infof("%d accounts of a batch were purged while it was prepared; preparing it again",
                                now.size());
                        return commit(batch, replay, insertNew, union(erased, now));
                    });
        });
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    /** Accounts purged between a batch's preparation and its transaction (rolled back, prepared again). */
    static final class ErasedMeanwhile extends RuntimeException {
        final Set<String> accounts;

        ErasedMeanwhile(Set<String> accounts) {
            super("accounts purged meanwhile: " + accounts.size(), null, false, false);
            this.accounts = accounts;
        }
    }

    /** One transaction per record, in order (a stream, not a chain of thousands of nested Unis). */
    private Uni<Void> oneByOne(List<IncomingRecord> batch, boolean replay) {
        return Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(r -> commit(List.of(r), replay, false)
                        .onFailure(NormalizerService::isDataError).recoverWithUni(e -> replay
                                ? Uni.createFrom().voidItem() : writeFailed(r, e)))
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> writeFailed(IncomingRecord r, Throwable e) {
        // it decoded before (or it would not have reached the database), so its resource is known (clear fields)
        RecordKey key = decoder.resourceOf(r);
        DeadLetter dl = decoder.reject(r, key, RecordDecoder.WRITE_FAILED, DeadLetterReasons.writeFailed(e)).deadLetter();
        return pool.withTransaction(conn -> Uni.combine().all().unis(
                        outbox.append(conn, List.of(OutboxMessage.of(Topics.RAW_RECORDS_DLQ, dl.key(), json(dl)))),
                        deadLettered.save(conn, key == null ? Map.of() : Map.of(key, dl))).discardItems())
                .invoke(() -> {
                    metrics.deadLetter(dl.code());
                    Log.warnf("raw record %s-%d@%d (key %s) dead-lettered: %s", dl.sourceTopic(), dl.partition(),
                            dl.offset(), dl.key(), abbreviate(dl.reason()));
                    relay.wake();
                });
    }

    /** PostgreSQL refused the data (classes 22 data exception, 23 integrity, 54 program limit), not an outage. */
    static boolean isDataError(Throwable e) {
        if (e instanceof PgException pg && pg.getSqlState() != null) {
            String state = pg.getSqlState();
            return state.startsWith("22") || state.startsWith("23") || state.startsWith("54");
        }
        return false;
    }

    private Uni<Written> write(SqlConnection conn, Prepared prepared, boolean replay, boolean insertNew,
                               Set<String> erased) {
        Set<String> touched = prepared.touchedAccounts();
        // The users whose events the batch decides: the envelopes' and the subscribers' of its shared mailboxes (read
        // before the locks; one that subscribes meanwhile has the mailbox re-derived by its own transaction).
        Uni<Set<String>> users = prepared.sharedMailboxKeys().isEmpty() ? Uni.createFrom().item(prepared.userIds())
                : directory.subscribers(conn, prepared.sharedMailboxKeys()).map(subscribers -> {
                    Set<String> all = new HashSet<>(prepared.userIds());
                    subscribers.values().forEach(list -> list.forEach(sub -> all.add(sub.userId())));
                    return all;
                });
        // The blocklist lock (shared) first, then the accounts and users: a blocklist change (exclusive) waits for the
        // batches that read the old lists and erases what they wrote; the next batches read the new lists. Pipelined.
        return users.flatMap(u -> Uni.combine().all().unis(blocklists.lockShared(conn),
                        versions.lock(conn, prepared.accountIds(), u, prepared.sharedMailboxKeys())).discardItems())
                // pipelined with the lookups: purged since the batch was prepared? (the purge takes the same locks)
                .flatMap(v -> Uni.combine().all().unis(erasedAccounts.erased(conn, touched), lookups(conn, prepared))
                        .asTuple())
                .map(t -> {
                    Set<String> meanwhile = new HashSet<>(t.getItem1());
                    meanwhile.removeAll(erased);
                    if (!meanwhile.isEmpty()) {
                        throw new ErasedMeanwhile(meanwhile);
                    }
                    return t.getItem2();
                })
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(lookups -> normalizer.plan(prepared, lookups, retentionWindow()))
                .flatMap(plan -> apply(conn, plan, replay, insertNew));
    }

    /** The retention window now: events older than it are not stored (nor revived by a replay or a late record). */
    RetentionWindow retentionWindow() {
        return new RetentionWindow(java.time.Instant.now(), config.retention().eventMonths());
    }

    /**
     * Everything the plan needs, read after the account locks. Independent reads are issued together: the reactive
     * client pipelines them on the transaction's connection, so they cost one round trip, not one each.
     */
    private Uni<Lookups> lookups(SqlConnection conn, Prepared prepared) {
        if (prepared.sharedMailboxKeys().isEmpty()) {
            Map<String, List<BatchNormalizer.Subscriber>> none = Map.of();
            return Uni.combine().all().unis(versions.versions(conn, prepared.recordKeys()),
                            directory.ownerAddresses(conn, prepared.userIds()),
                            directory.collectionsOf(conn, prepared.mailboxKeys()),
                            events.emailedContacts(conn, questions(prepared.senderKeys(), none)),
                            events.sentMessageIds(conn, questions(prepared.referencedIds(), none)),
                            directory.folderVotes(conn, folderAccounts(prepared)),
                            blocklists.forBatch(conn, prepared.userIds(), batchMembers(prepared)))
                    .with((applied, aliases, collections, emailed, sentIds, folders, lists) ->
                            new Lookups(aliases, collections, emailed, sentIds, none, applied, folders, lists));
        }
        return versions.versions(conn, prepared.recordKeys()).flatMap(applied ->
                directory.subscribers(conn, prepared.sharedMailboxKeys()).flatMap(subscribers -> {
            // R-B5: a shared mailbox's subscribers are users of this batch too.
            Set<String> users = new HashSet<>(prepared.userIds());
            subscribers.values().forEach(list -> list.forEach(s -> users.add(s.userId())));
            return directory.ownerAddresses(conn, users).flatMap(aliases -> {
                Set<String> members = new HashSet<>(prepared.mailboxKeys());
                aliases.values().forEach(members::addAll); // a subscriber's own collections…
                prepared.batchOwnersByUser().values().forEach(members::addAll); // …also by addresses new in this batch
                return Uni.combine().all().unis(directory.collectionsOf(conn, members),
                                events.emailedContacts(conn, questions(prepared.senderKeys(), subscribers)),
                                events.sentMessageIds(conn, questions(prepared.referencedIds(), subscribers)),
                                directory.folderVotes(conn, folderAccounts(prepared)),
                                blocklists.forBatch(conn, users, members))
                        .with((collections, emailed, sentIds, folders, lists) -> new Lookups(aliases, collections, emailed,
                                sentIds, subscribers, applied, folders, lists));
            });
        }));
    }

    /** The batch's mailboxes and the owner addresses it teaches: members of the teams whose blocklists may apply. */
    private static Set<String> batchMembers(Prepared prepared) {
        Set<String> members = new HashSet<>(prepared.mailboxKeys());
        prepared.batchOwnersByUser().values().forEach(members::addAll);
        return members;
    }

    /** The accounts whose folders may name their Sent Items (R-B1, Outlook): those with alias candidates or votes. */
    private static Set<String> folderAccounts(Prepared prepared) {
        Set<String> out = new HashSet<>();
        prepared.aliasCandidates().forEach(c -> out.add(c.accountId()));
        prepared.folderVotes().forEach(v -> out.add(v.resource().accountId()));
        return out;
    }

    /** History questions by user, a shared mailbox's asked for each of its subscribers (and its fetching user). */
    private static Map<String, Set<String>> questions(Map<String, Set<String>> byUser,
                                                      Map<String, List<BatchNormalizer.Subscriber>> subscribers) {
        Map<String, Set<String>> out = new java.util.HashMap<>();
        byUser.forEach((user, keys) -> {
            if (!user.startsWith("\u0000shared:")) {
                out.computeIfAbsent(user, u -> new HashSet<>()).addAll(keys);
            }
        });
        subscribers.forEach((mailbox, list) -> {
            Set<String> keys = byUser.getOrDefault(BatchNormalizer.sharedOwner(mailbox), Set.of());
            if (!keys.isEmpty()) {
                list.forEach(sub -> out.computeIfAbsent(sub.userId(), u -> new HashSet<>()).addAll(keys));
            }
        });
        return out;
    }

    private Uni<Written> apply(SqlConnection conn, Plan plan, boolean replay, boolean insertNew) {
        List<InteractionEvent> desired = new ArrayList<>();
        List<InteractionEvent> firstSeen = new ArrayList<>(); // resources with no rows yet: plain inserts
        Set<EventKey> desiredKeys = new HashSet<>();
        for (Map.Entry<RemoteKey, List<InteractionEvent>> entry : plan.desired().entrySet()) {
            boolean isNew = insertNew && !plan.mayHaveEvents().contains(entry.getKey());
            for (InteractionEvent e : entry.getValue()) {
                if (desiredKeys.add(EventKey.of(e))) {
                    (isNew ? firstSeen : desired).add(e);
                }
            }
        }
        Set<RecordKey> storedVersions = insertNew ? plan.storedVersions() : plan.versions().keySet();
        // pipelined: the aliases, the versions, the dead-lettered resources (a statement only when the batch has
        // some; a replay remembers them too) and the live keys do not depend on each other
        Map<String, Set<String>> newOwners = new java.util.HashMap<>();
        return Uni.combine().all().unis(directory.addOwnerAddresses(conn, plan.ownerAddresses()),
                        directory.addFolderVotes(conn, plan.folderVotes()),
                        versions.save(conn, plan.versions(), storedVersions, plan.sharedMailboxes()),
                        deadLettered.save(conn, plan.deadLettered()), rederive.saveDependents(conn, plan.historyDependents()),
                        events.liveKeys(conn, plan.mayHaveEvents()))
                .with((owners, f, v, d, h, live) -> {
                    newOwners.putAll(owners);
                    @SuppressWarnings("unchecked")
                    Set<EventKey> keys = (Set<EventKey>) live;
                    return keys;
                })
                .flatMap(live -> {
                    Set<EventKey> retracted = new HashSet<>(live);
                    retracted.removeAll(desiredKeys);
                    return events.markDeleted(conn, retracted);
                })
                .flatMap(deleted -> writeEvents(conn, desired, firstSeen).flatMap(written -> {
                    metrics.eventsDeleted(deleted.size());
                    metrics.eventsWritten(written.size());
                    // The announced events as written: retracted rows as read back, changed ones from the plan.
                    Map<UUID, InteractionEvent> byId = new java.util.HashMap<>(desired.size() * 2);
                    desired.forEach(e -> byId.put(e.id(), e));
                    firstSeen.forEach(e -> byId.put(e.id(), e));
                    List<InteractionEvent> announced = new ArrayList<>(deleted.size() + written.size());
                    announced.addAll(deleted);
                    written.forEach(id -> announced.add(EventRows.asStored(byId.get(id))));
                    List<OutboxMessage> deadLetters = new ArrayList<>();
                    for (DeadLetter dl : replay ? List.<DeadLetter>of() : plan.deadLetters()) {
                        deadLetters.add(OutboxMessage.of(Topics.RAW_RECORDS_DLQ, dl.key(), json(dl)));
                    }
                    return Uni.combine().all().unis(outbox.appendEvents(conn, announced.stream().map(InteractionEvent::id).toList()),
                                    outbox.append(conn, deadLetters), enqueueChanged(conn, announced, written, newOwners, plan.sentFolderMoved()))
                            .with((rowId, v, enqueued) -> new Written(plan, rowId, announced, (Integer) enqueued));
                }));
    }

    /**
     * Order independence (issue 18): evidence this transaction changed re-derives what depends on it. The first outbound
     * event of a user for an address or a Message-ID flips R-C6/R-C7 history for the messages that asked about it; an
     * address that became the user's own (R-B1) changes every past event that had it as the contact. Queued in this
     * transaction (after its own writes, so this batch's dependents are found too), drained after the commit.
     */
    private Uni<Integer> enqueueChanged(SqlConnection conn, List<InteractionEvent> announced, List<UUID> written,
                                        Map<String, Set<String>> newOwners, Set<String> sentFolderMoved) {
        List<String> users = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        for (InteractionEvent e : announced) {
            if (!e.deleted() && e.direction() == InteractionEvent.Direction.OUTBOUND) {
                users.add(e.userId());
                evidence.add(BatchNormalizer.HistoryDependent.wroteTo(e.contactEmail()));
                if (e.internetMessageId() != null) {
                    users.add(e.userId());
                    evidence.add(BatchNormalizer.HistoryDependent.sent(e.internetMessageId()));
                }
            }
        }
        Set<String> ownersMoved = new HashSet<>(newOwners.keySet());
        ownersMoved.addAll(sentFolderMoved);
        return rederive.enqueueHistoryChanges(conn, users, evidence, written)
                .flatMap(history -> rederive.enqueueUsers(conn, ownersMoved, RederiveRepository.Reason.ALIAS)
                        .map(aliases -> {
                            metrics.rederiveEnqueued(RederiveRepository.Reason.HISTORY.label, history);
                            metrics.rederiveEnqueued(RederiveRepository.Reason.ALIAS.label, aliases);
                            return history + aliases;
                        }));
    }

    /** Upserts {@code desired}, inserts {@code firstSeen} (pipelined); the ids of the rows inserted or changed. */
    private Uni<List<UUID>> writeEvents(SqlConnection conn, List<InteractionEvent> desired,
                                        List<InteractionEvent> firstSeen) {
        return Uni.combine().all().unis(events.upsert(conn, desired), events.insertNew(conn, firstSeen))
                .with((upserted, inserted) -> {
                    List<UUID> all = new ArrayList<>(upserted.size() + inserted.size());
                    all.addAll(upserted);
                    all.addAll(inserted);
                    return all;
                });
    }

    /** A committed batch: its plan, and the outbox row announcing its changed events (0: none). */
    private record Written(Plan plan, long outboxRowId, List<InteractionEvent> announced, int enqueued) {
    }

    private void record(Plan plan) {
        metrics.records(plan.stats().records());
        metrics.deletes(plan.stats().deletes());
        metrics.droppedAddresses(plan.stats().droppedAddresses());
        metrics.blocked(plan.stats().blocked());
        metrics.fanOutTruncated(plan.stats().fanOutTruncated());
        plan.stats().skipped().forEach(metrics::skipped);
        plan.stats().outcomes().forEach(metrics::outcome);
        plan.stats().erased().forEach(metrics::erased);
        for (DeadLetter dl : plan.deadLetters()) {
            metrics.deadLetter(dl.code());
            Log.warnf("raw record %s-%d@%d (key %s) dead-lettered: %s %s", dl.sourceTopic(), dl.partition(),
                    dl.offset(), dl.key(), dl.code(), abbreviate(dl.reason()));
        }
    }

    static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}

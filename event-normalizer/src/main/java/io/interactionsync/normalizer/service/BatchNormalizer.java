package io.interactionsync.normalizer.service;

import io.interactionsync.model.DeadLetter;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.mapper.Mapping;
import io.interactionsync.normalizer.mapper.Mappers;
import io.interactionsync.normalizer.mapper.PayloadException;
import io.interactionsync.normalizer.mapper.RecordMapper;
import io.interactionsync.normalizer.mapper.RecordMapper.HistoryQuestions;
import io.interactionsync.normalizer.parse.AddressKeys;
import io.interactionsync.normalizer.repository.ResourceIds;
import io.interactionsync.normalizer.rules.Blocklists;
import io.interactionsync.normalizer.rules.History;
import io.interactionsync.normalizer.rules.MailFacts;
import io.interactionsync.normalizer.rules.MailboxContext;
import io.interactionsync.normalizer.rules.SkipReason;
import io.interactionsync.normalizer.service.RecordDecoder.Decoded;
import io.interactionsync.normalizer.service.RecordDecoder.Rejected;
import io.interactionsync.normalizer.service.RecordDecoder.Valid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The pure part of processing a batch of raw records: decode, learn owner aliases, work out what to look up,
 * then map each record with its mailbox context into a {@link Plan}. No I/O: the service does the lookups in
 * between and writes the plan in one transaction.
 */
public final class BatchNormalizer {

    /** (userId, source, remoteId): the unit a raw record replaces. */
    public record RemoteKey(String userId, Source source, String remoteId) {
    }

    /** An owner address of a user's account (R-B1): the account's own address or an alias seen in its SENT mail. */
    public record OwnerAddress(String accountId, String userId, String key) {
    }

    /**
     * A team collection from the directory (R-B2), as identity keys and lower-case domains, with the team's retention
     * window in months (null: the global one).
     */
    public record Collection(String collectionId, Set<String> memberKeys, Set<String> internalDomains,
                             Integer eventMonths) {

        public Collection(String collectionId, Set<String> memberKeys, Set<String> internalDomains) {
            this(collectionId, memberKeys, internalDomains, null);
        }
    }

    /**
     * A raw record's identity: the reading account's resource; Kafka keeps one account's records in order.
     * {@code resourceId}: its {@code record_versions} key ({@link ResourceIds}), derived once per record.
     */
    public record RecordKey(String accountId, Source source, String remoteId, UUID resourceId) {
        static RecordKey of(RawRecord r) {
            return of(r.accountId(), r.source(), r.remoteId());
        }

        public static RecordKey of(String accountId, Source source, String remoteId) {
            return new RecordKey(accountId, source, remoteId, ResourceIds.of(accountId, source, remoteId));
        }
    }

    /** Whose mailbox a record was read from: its records share one {@link MailboxContext} within a batch. */
    record ContextKey(String userId, String mailbox, boolean sharedMailbox) {
    }

    /** Where the record that last decided a resource was read from. */
    public record Version(int partition, long offset) {
    }

    /**
     * A message From another address than its mailbox's, in folder {@code folderId} (Outlook, R-B1): an alias of the
     * account if that folder is its Sent Items.
     */
    /**
     * R-B1 (Outlook): a message that looks like the owner's own sent copy, in folder {@code folderId}: a vote for that
     * folder being Sent Items. Counted once per resource, when it is first seen, so a redelivery or a re-derivation
     * never counts it again.
     */
    public record FolderVote(RecordKey resource, String userId, String folderId) {
    }

    public record AliasCandidate(String accountId, String userId, String folderId, String key) {
    }

    /** A subscriber of a shared mailbox (R-B5): the account that added it and its user. */
    public record Subscriber(String accountId, String userId) {
    }

    /**
     * R-C6/R-C7: the class of a user's copy of a resource depends on one piece of that user's history, {@code to:} an
     * address (has the user written to this sender?) or {@code id:} a Message-ID (did the user send the message this
     * one replies to?). Stored, so that the user's first outbound event for it re-derives the resource.
     */
    public record HistoryDependent(String userId, String evidence, RecordKey resource) {
        public static String wroteTo(String address) {
            return "to:" + address;
        }

        public static String sent(String internetMessageId) {
            return "id:" + internetMessageId;
        }
    }

    /**
     * A decoded record with its key, mail facts and history questions, derived once for all the passes over the batch
     * (facts null: none).
     */
    public record Parsed(Valid valid, MailFacts facts, RecordKey key, HistoryQuestions questions) {
        public RawRecord record() {
            return valid.record();
        }

        public IncomingRecord incoming() {
            return valid.incoming();
        }
    }

    /**
     * Decoded batch and what to look up before mapping it. {@code sharedMailboxKeys}: the shared mailboxes whose
     * subscribers must be looked up (R-B5). {@code senderKeys} / {@code referencedIds}: the history questions by user
     * (by {@link #sharedOwner(String)} for a shared mailbox's records, asked for each of its subscribers), so the
     * lookups probe (user, key) pairs, not every user × every key. {@code deadLettered}: the dead letters whose
     * resource is known, by resource (the last one of a resource wins).
     */
    public record Prepared(List<Parsed> records, List<DeadLetter> deadLetters, Set<OwnerAddress> ownerAddresses,
                           Set<String> accountIds, Set<String> mailboxKeys, Set<String> userIds,
                           Map<String, Set<String>> senderKeys, Map<String, Set<String>> referencedIds,
                           Set<String> sharedMailboxKeys,
                           Map<String, Integer> outcomes, Map<String, Set<String>> batchOwnersByUser,
                           List<FolderVote> folderVotes, List<AliasCandidate> aliasCandidates,
                           Map<RecordKey, DeadLetter> deadLettered, Map<String, Integer> erased) {

        /**
         * The accounts the batch would write for or dead-letter under (envelope account ids, Kafka keys of dead
         * letters): a purge of one of them committed since {@link #prepare} means the batch must be prepared again.
         */
        public Set<String> touchedAccounts() {
            Set<String> out = new HashSet<>(accountIds);
            deadLetters.forEach(dl -> {
                if (dl.key() != null) {
                    out.add(dl.key());
                }
            });
            deadLettered.keySet().forEach(k -> out.add(k.accountId()));
            return out;
        }

        public Set<RecordKey> recordKeys() {
            Set<RecordKey> keys = new java.util.LinkedHashSet<>();
            records.forEach(v -> keys.add(v.key()));
            return keys;
        }
    }

    /**
     * What the database knows about the batch's users; {@code ownerKeysByUser}: every account's owner addresses;
     * {@code subscribersByMailbox}: the active subscribers of each shared mailbox (identity key) of the batch;
     * {@code blocklists}: the users' own and their teams' blocklists.
     */
    public record Lookups(Map<String, Set<String>> ownerKeysByUser, List<Collection> collections,
                          Map<String, Set<String>> emailedByUser, Map<String, Set<String>> sentIdsByUser,
                          Map<String, List<Subscriber>> subscribersByMailbox, Map<RecordKey, Version> versions,
                          Map<String, Map<String, Long>> folderVotes, Blocklists blocklists) {
        public static final Lookups EMPTY = new Lookups(Map.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(),
                Map.of());

        /** Without blocklists. */
        public Lookups(Map<String, Set<String>> ownerKeysByUser, List<Collection> collections,
                       Map<String, Set<String>> emailedByUser, Map<String, Set<String>> sentIdsByUser,
                       Map<String, List<Subscriber>> subscribersByMailbox, Map<RecordKey, Version> versions,
                       Map<String, Map<String, Long>> folderVotes) {
            this(ownerKeysByUser, collections, emailedByUser, sentIdsByUser, subscribersByMailbox, versions, folderVotes,
                    Blocklists.NONE);
        }

        public Lookups withBlocklists(Blocklists lists) {
            return new Lookups(ownerKeysByUser, collections, emailedByUser, sentIdsByUser, subscribersByMailbox, versions,
                    folderVotes, lists);
        }

        public Lookups(Map<String, Set<String>> ownerKeysByUser, List<Collection> collections,
                       Map<String, Set<String>> emailedByUser, Map<String, Set<String>> sentIdsByUser) {
            this(ownerKeysByUser, collections, emailedByUser, sentIdsByUser, Map.of(), Map.of(), Map.of());
        }

        public Lookups(Map<String, Set<String>> ownerKeysByUser, List<Collection> collections,
                       Map<String, Set<String>> emailedByUser, Map<String, Set<String>> sentIdsByUser,
                       Map<String, List<Subscriber>> subscribersByMailbox) {
            this(ownerKeysByUser, collections, emailedByUser, sentIdsByUser, subscribersByMailbox, Map.of(), Map.of());
        }
    }

    /**
     * The batch's effect: for each remote key the complete set of live events (empty = none, e.g. skipped or
     * deleted), in offset order with the last record of a key winning; new owner aliases; dead letters.
     * {@code mayHaveEvents}: the remote keys that can already have events — their record was applied before (it
     * has a version) or comes from a shared mailbox (which any subscriber's account may have read). Only these need
     * their live events looked up for retraction; a first-seen resource (a backfill) has none. {@code storedVersions}:
     * the batch's resources that already have a version row. {@code deadLettered}: the resources to remember as
     * dead-lettered for the completeness audit, each with its last dead letter — those whose dead letter names them
     * and that have no version (stored or from this batch: a resource with a version counts as processed).
     * {@code historyDependents}: which piece of history each mapped record's class depends on (R-C6/R-C7);
     * {@code sharedMailboxes}: the shared mailbox (identity key) of each resource read from one (R-B5);
     * {@code sentFolderMoved}: users whose Outlook Sent Items this batch decided or changed (R-B1).
     */
    public record Plan(Map<RemoteKey, List<InteractionEvent>> desired, Set<OwnerAddress> ownerAddresses,
                       List<DeadLetter> deadLetters, Stats stats, Map<RecordKey, Version> versions,
                       Set<RemoteKey> mayHaveEvents, Set<RecordKey> storedVersions,
                       Map<String, Map<String, Integer>> folderVotes, Map<RecordKey, DeadLetter> deadLettered,
                       List<HistoryDependent> historyDependents, Map<RecordKey, String> sharedMailboxes,
                       Set<String> sentFolderMoved) {
    }

    /**
     * Counters for metrics and logs. {@code stale}: records older than the version already applied (a replay
     * behind the live consumer), skipped. {@code outcomes}: records by {@code source/outcome} (outcome: events,
     * no_events, expired — every event older than the retention window —, delete, stale, dead_letter, erased;
     * source {@code unknown} when the envelope could not be read). {@code erased}: records dropped because their data
     * was erased, by reason ({@code key_erased}, {@code account_erased}). {@code blocked}: events not produced because
     * their contact is on the user's or the team's blocklist. {@code fanOutTruncated}: messages above the fan-out cap
     * (R-B3), whose recipients beyond it became no events.
     */
    public record Stats(int records, int deletes, Map<SkipReason, Integer> skipped, int droppedAddresses, int stale,
                        Map<String, Integer> outcomes, Map<String, Integer> erased, int blocked, int fanOutTruncated) {
    }

    /** Why a record was dropped unread: its data key was destroyed at the connector. */
    public static final String KEY_ERASED = "key_erased";
    /** Why a record was dropped unread: its account was purged here ({@code erased_accounts}). */
    public static final String ACCOUNT_ERASED = "account_erased";

    /** The pseudo user under which a shared mailbox's history questions are collected until its subscribers are known. */
    public static String sharedOwner(String mailboxKey) {
        return "\u0000shared:" + mailboxKey;
    }

    /** Outcome counter keys. */
    static void count(Map<String, Integer> outcomes, Source source, String outcome) {
        outcomes.merge((source == null ? "unknown" : source.wireName()) + "/" + outcome, 1, Integer::sum);
    }

    private final RecordDecoder decoder;
    private final Mappers mappers;

    public BatchNormalizer(RecordDecoder decoder, Mappers mappers) {
        this.decoder = decoder;
        this.mappers = mappers;
    }

    /** A batch of plaintext records (or sealed ones with unknown keys), no account erased. */
    public Prepared prepare(List<IncomingRecord> batch) {
        return prepare(batch, DataKeys.NONE, Set.of());
    }

    /**
     * Decodes the batch: envelopes read, the data keys of the sealed ones resolved together ({@code keys}, may block
     * or throw {@link DataKeys.UnavailableException}), opened, bound. A record of an {@code erasedAccounts} account
     * (by Kafka key or envelope) or sealed with a destroyed key is dropped before anything else — never mapped, never
     * dead-lettered — and counted in {@link Prepared#erased()}.
     */
    public Prepared prepare(List<IncomingRecord> batch, DataKeys keys, Set<String> erasedAccounts) {
        Map<String, Integer> erased = new HashMap<>();
        Map<String, Integer> outcomes = new HashMap<>();
        List<RecordDecoder.Read> reads = new ArrayList<>(batch.size());
        Set<String> kids = new HashSet<>();
        for (IncomingRecord in : batch) {
            if (in.key() != null && erasedAccounts.contains(in.key())) {
                erased.merge(ACCOUNT_ERASED, 1, Integer::sum);
                count(outcomes, null, "erased");
                continue;
            }
            RecordDecoder.Read read = decoder.read(in);
            if (read instanceof RecordDecoder.Envelope e && erasedAccounts.contains(e.accountId())) {
                erased.merge(ACCOUNT_ERASED, 1, Integer::sum);
                count(outcomes, null, "erased");
                continue;
            }
            if (read instanceof RecordDecoder.Envelope e && e.kid() != null) {
                kids.add(e.kid());
            }
            reads.add(read);
        }
        Map<String, DataKeys.Lookup> resolved = kids.isEmpty() ? Map.of() : keys.resolve(kids);
        List<Parsed> valid = new ArrayList<>(batch.size());
        List<DeadLetter> dead = new ArrayList<>();
        Set<OwnerAddress> owners = new java.util.LinkedHashSet<>();
        Set<String> accounts = new HashSet<>();
        Set<String> mailboxes = new HashSet<>();
        Set<String> users = new HashSet<>();
        Map<String, Set<String>> senders = new HashMap<>();
        Map<String, Set<String>> refs = new HashMap<>();
        Set<String> shared = new HashSet<>();
        List<FolderVote> folderVotes = new ArrayList<>();
        List<AliasCandidate> aliasCandidates = new ArrayList<>();
        Map<RecordKey, DeadLetter> keyed = new LinkedHashMap<>();
        for (RecordDecoder.Read read : reads) {
            IncomingRecord in = read.incoming();
            Decoded d = read instanceof RecordDecoder.Envelope e ? decoder.finish(e, resolved) : (Rejected) read;
            if (d instanceof RecordDecoder.Erased x) {
                erased.merge(KEY_ERASED, 1, Integer::sum);
                count(outcomes, x.source(), "erased");
                continue;
            }
            if (d instanceof Rejected r && r.key() != null && erasedAccounts.contains(r.key().accountId())) {
                erased.merge(ACCOUNT_ERASED, 1, Integer::sum); // not even its dead letter is kept
                count(outcomes, null, "erased");
                continue;
            }
            if (d instanceof Rejected r) {
                deadLetter(r, dead, keyed);
                count(outcomes, null, "dead_letter");
                continue;
            }
            Valid v = (Valid) d;
            RawRecord rec = v.record();
            RecordMapper mapper = mappers.forSource(rec.source()).orElse(null);
            if (mapper == null) {
                deadLetter(decoder.reject(in, RecordKey.of(rec), RecordDecoder.UNSUPPORTED_SOURCE,
                        "no mapper for source " + rec.source().wireName() + " yet"), dead, keyed);
                continue;
            }
            MailFacts facts = null;
            HistoryQuestions questions = HistoryQuestions.NONE;
            try {
                if (rec.op() == RawRecord.Op.UPSERT) {
                    facts = mapper.facts(rec);
                    for (String alias : mapper.ownerAliases(rec, facts)) {
                        owners.add(new OwnerAddress(rec.accountId(), rec.userId(), alias));
                    }
                    mapper.folderEvidence(rec, facts).ifPresent(f -> {
                        if (f.sentByOwner()) {
                            folderVotes.add(new FolderVote(RecordKey.of(rec), rec.userId(), f.folderId()));
                        } else if (f.fromKey() != null) {
                            aliasCandidates.add(new AliasCandidate(rec.accountId(), rec.userId(), f.folderId(), f.fromKey()));
                        }
                    });
                    HistoryQuestions q = mapper.historyQuestions(rec, facts);
                    questions = q;
                    List<String> askers = rec.sharedMailbox()
                            ? List.of(rec.userId(), sharedOwner(AddressKeys.key(rec.mailbox()).orElse(rec.mailbox())))
                            : List.of(rec.userId());
                    for (String asker : askers) {
                        if (!q.senderKeys().isEmpty()) {
                            senders.computeIfAbsent(asker, u -> new HashSet<>()).addAll(q.senderKeys());
                        }
                        if (!q.referencedMessageIds().isEmpty()) {
                            refs.computeIfAbsent(asker, u -> new HashSet<>()).addAll(q.referencedMessageIds());
                        }
                    }
                }
            } catch (PayloadException e) {
                deadLetter(decoder.reject(in, RecordKey.of(rec), e.code(), e.getMessage()), dead, keyed);
                count(outcomes, rec.source(), "dead_letter");
                continue;
            } catch (RuntimeException e) {
                deadLetter(decoder.reject(in, RecordKey.of(rec), RecordDecoder.MAPPING_FAILED, DeadLetterReasons.mappingFailed(e)), dead,
                        keyed);
                count(outcomes, rec.source(), "dead_letter");
                continue;
            }
            valid.add(new Parsed(v, facts, RecordKey.of(rec), questions));
            accounts.add(rec.accountId());
            users.add(rec.userId());
            AddressKeys.key(rec.mailbox()).ifPresent(k -> {
                mailboxes.add(k);
                if (rec.sharedMailbox()) {
                    shared.add(k);
                } else {
                    owners.add(new OwnerAddress(rec.accountId(), rec.userId(), k));
                }
            });
        }
        Map<String, Set<String>> ownersByUser = new HashMap<>();
        for (OwnerAddress o : owners) {
            ownersByUser.computeIfAbsent(o.userId(), u -> new HashSet<>()).add(o.key());
        }
        return new Prepared(valid, dead, owners, accounts, mailboxes, users, senders, refs, shared, outcomes,
                ownersByUser, folderVotes, aliasCandidates, keyed, erased);
    }

    /** Collects a dead letter, and by resource when its record named one (the last of a resource wins). */
    private static void deadLetter(Rejected r, List<DeadLetter> dead, Map<RecordKey, DeadLetter> keyed) {
        dead.add(r.deadLetter());
        if (r.key() != null) {
            keyed.remove(r.key());
            keyed.put(r.key(), r.deadLetter());
        }
    }

    /**
     * R-B1 for Outlook: the aliases this batch reveals, now that the accounts' Sent Items are known (the folder holding
     * the most of the owner's own sent copies, stored and in this batch; or one named {@code sentitems}): the From of
     * every other message in that folder that is not the mailbox's own address.
     */
    static Set<OwnerAddress> outlookAliases(Prepared prepared, Lookups lookups, Map<String, Map<String, Integer>> votes) {
        Set<OwnerAddress> out = new java.util.LinkedHashSet<>();
        Map<String, Optional<String>> sentFolders = new HashMap<>();
        for (AliasCandidate c : prepared.aliasCandidates()) {
            Optional<String> sent = sentFolders.computeIfAbsent(c.accountId(), a -> sentFolder(
                    lookups.folderVotes().getOrDefault(a, Map.of()), votes.getOrDefault(a, Map.of())));
            if (c.folderId().equalsIgnoreCase("sentitems") || sent.filter(c.folderId()::equals).isPresent()) {
                out.add(new OwnerAddress(c.accountId(), c.userId(), c.key()));
            }
        }
        return out;
    }

    /** The folder with the most owner-sent messages (stored + this batch's); none on a tie or without any. */
    static Optional<String> sentFolder(Map<String, Long> stored, Map<String, Integer> batch) {
        Map<String, Long> votes = new HashMap<>(stored);
        batch.forEach((folder, n) -> votes.merge(folder, n.longValue(), Long::sum));
        String best = null;
        long max = 0;
        boolean tie = false;
        for (Map.Entry<String, Long> e : votes.entrySet()) {
            if (e.getValue() > max) {
                best = e.getKey();
                max = e.getValue();
                tie = false;
            } else if (e.getValue() == max) {
                tie = true;
            }
        }
        return tie ? Optional.empty() : Optional.ofNullable(best);
    }

    public Plan plan(Prepared prepared, Lookups lookups) {
        return plan(prepared, lookups, RetentionWindow.NONE);
    }

    /**
     * The batch's plan; events older than the retention window of their user's team ({@code window}) are left out, so
     * that a late record, a redelivery or a replay never stores (or revives) what the window erased. A record whose
     * events are all left out still counts as processed (its version is kept), like a rule skip.
     */
    public Plan plan(Prepared prepared, Lookups lookups, RetentionWindow window) {
        Map<String, Map<String, Integer>> votes = new HashMap<>();
        Set<String> sentFolderMoved = new HashSet<>();
        firstVotes(prepared, lookups, votes, sentFolderMoved);
        Set<OwnerAddress> learned = outlookAliases(prepared, lookups, votes);
        Set<OwnerAddress> ownerAddresses = prepared.ownerAddresses();
        Map<String, Set<String>> batchOwners = prepared.batchOwnersByUser();
        if (!learned.isEmpty()) {
            ownerAddresses = new java.util.LinkedHashSet<>(ownerAddresses);
            ownerAddresses.addAll(learned);
            batchOwners = copy(batchOwners);
            for (OwnerAddress o : learned) {
                batchOwners.computeIfAbsent(o.userId(), u -> new HashSet<>()).add(o.key());
            }
        }
        Map<RemoteKey, List<InteractionEvent>> desired = new LinkedHashMap<>();
        List<DeadLetter> dead = new ArrayList<>(prepared.deadLetters());
        Map<RecordKey, DeadLetter> keyed = new LinkedHashMap<>(prepared.deadLettered());
        Map<SkipReason, Integer> skipped = new EnumMap<>(SkipReason.class);
        int deletes = 0;
        int dropped = 0;
        // History as stored (the user's outbound events), never what this batch adds: the same answer whatever the
        // batching. The batch's first outbound events for an address or Message-ID re-derive their dependents after
        // the commit (NormalizerService → rederive_queue), this batch's own included.
        Map<String, Set<String>> emailed = lookups.emailedByUser();
        Map<String, Set<String>> sentIds = lookups.sentIdsByUser();
        Map<String, Integer> outcomes = new HashMap<>(prepared.outcomes());
        Map<ContextKey, MailboxContext> contexts = new HashMap<>(); // per user × mailbox: the same for all its records
        Map<ContextKey, Optional<Instant>> cutoffs = new HashMap<>(); // likewise: the retention window's cutoff
        List<Parsed> current = new ArrayList<>(prepared.records().size());
        int stale = 0;
        for (Parsed v : prepared.records()) {
            RecordKey rk = v.key();
            Version stored = lookups.versions().get(rk);
            Version mine = new Version(v.incoming().partition(), v.incoming().offset());
            if (stored != null && stored.partition() == mine.partition() && stored.offset() > mine.offset()) {
                stale++; // a newer record of this resource was applied already (replay behind live)
                count(outcomes, v.record().source(), "stale");
                continue;
            }
            current.add(v);
        }
        // Records that fail to map below decide nothing: they get no version (see the versions loop at the end).
        Set<Parsed> failed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<HistoryDependent> dependents = new ArrayList<>();
        Map<RecordKey, String> sharedMailboxes = new HashMap<>();
        Set<RemoteKey> mayHaveEvents = new HashSet<>();
        Map<String, Blocklists.Matcher> blockedByUser = new HashMap<>(); // per user: own list ∪ the teams' lists
        Map<String, Set<String>> owners = batchOwners;
        int blocked = 0;
        int fanOutTruncated = 0;
        for (Parsed v : current) {
            List<RawRecord> attributed = attributions(v.record(), lookups);
            if (v.record().sharedMailbox()) {
                AddressKeys.key(v.record().mailbox()).ifPresent(k -> sharedMailboxes.put(v.key(), k));
            }
            if (v.record().sharedMailbox() || lookups.versions().containsKey(v.key())) {
                attributed.forEach(rec -> mayHaveEvents.add(new RemoteKey(rec.userId(), rec.source(), rec.remoteId())));
            }
            if (v.record().op() == RawRecord.Op.DELETE) {
                for (RawRecord rec : attributed) {
                    RemoteKey key = new RemoteKey(rec.userId(), rec.source(), rec.remoteId());
                    desired.remove(key);
                    desired.put(key, List.of());
                }
                deletes++;
                count(outcomes, v.record().source(), "delete");
                continue;
            }
            RecordMapper mapper = mappers.forSource(v.record().source()).orElseThrow();
            try {
                // Map every attribution first: a payload that cannot be mapped changes nobody's events.
                Map<RemoteKey, List<InteractionEvent>> mapped = new LinkedHashMap<>();
                List<HistoryDependent> recordDependents = new ArrayList<>();
                Mapping first = null;
                boolean expired = false;
                for (RawRecord rec : attributed) {
                    Mapping m = mapper.map(rec, v.facts(), context(rec, batchOwners, lookups,
                            history(rec.userId(), emailed, sentIds), contexts));
                    first = first == null ? m : first;
                    List<InteractionEvent> events = m.events();
                    Instant cutoff = events.isEmpty() ? null : cutoff(rec, batchOwners, lookups, window, cutoffs);
                    if (cutoff != null && events.stream().anyMatch(e -> e.occurredAt().isBefore(cutoff))) {
                        events = events.stream().filter(e -> !e.occurredAt().isBefore(cutoff)).toList();
                        expired |= events.isEmpty();
                    }
                    Blocklists.Matcher b = lookups.blocklists().isEmpty() ? Blocklists.Matcher.NOTHING
                            : blockedByUser.computeIfAbsent(rec.userId(),
                                    u -> lookups.blocklists().forUser(u, ownerKeys(u, lookups, owners)));
                    boolean allBlocked = false;
                    if (!events.isEmpty() && !b.isEmpty()) {
                        List<InteractionEvent> kept = new ArrayList<>(events.size());
                        for (InteractionEvent e : events) {
                            if (!b.blocks(e.contactEmail())) {
                                kept.add(e);
                            }
                        }
                        blocked += events.size() - kept.size();
                        allBlocked = kept.isEmpty();
                        events = kept;
                    }
                    mapped.put(new RemoteKey(rec.userId(), rec.source(), rec.remoteId()), events);
                    // Blocked contacts are never stored, their history evidence neither: no rows for a message whose
                    // every event the user's lists block, and never a "wrote to" row naming a blocked address (the
                    // user's events with it are never stored, so that history can never turn true).
                    if (!allBlocked) {
                        for (String a : v.questions().senderKeys()) {
                            if (!b.blocks(a)) {
                                recordDependents.add(new HistoryDependent(rec.userId(), HistoryDependent.wroteTo(a), v.key()));
                            }
                        }
                        v.questions().referencedMessageIds().forEach(id -> recordDependents.add(
                                new HistoryDependent(rec.userId(), HistoryDependent.sent(id), v.key())));
                    }
                }
                dependents.addAll(recordDependents);
                dropped += first.droppedAddresses();
                fanOutTruncated += first.events().stream().anyMatch(InteractionEvent::recipientsTruncated) ? 1 : 0;
                count(outcomes, v.record().source(), mapped.values().stream().anyMatch(l -> !l.isEmpty())
                        ? "events" : expired ? "expired" : "no_events");
                if (first.skip() != null) {
                    skipped.merge(first.skip(), 1, Integer::sum);
                }
                mapped.forEach((key, events) -> {
                    desired.remove(key); // keep offset order: the last record of a key decides
                    desired.put(key, events);
                });
            } catch (PayloadException e) {
                deadLetter(decoder.reject(v.incoming(), v.key(), e.code(), e.getMessage()), dead, keyed);
                count(outcomes, v.record().source(), "dead_letter");
                failed.add(v);
            } catch (RuntimeException e) {
                deadLetter(decoder.reject(v.incoming(), v.key(), RecordDecoder.MAPPING_FAILED, DeadLetterReasons.mappingFailed(e)), dead,
                        keyed);
                count(outcomes, v.record().source(), "dead_letter");
                failed.add(v);
            }
        }
        // The version of a resource is the last record that decided its events. A dead letter decided nothing, so it
        // has none, as a record dead-lettered while decoding has none; the resource is remembered as dead-lettered
        // instead, which the completeness audit (IngestedResource) reports with its code. A resource with a version,
        // stored or from this batch, counts as processed whatever failed around it: nothing to remember.
        Map<RecordKey, Version> versions = new LinkedHashMap<>();
        for (Parsed v : current) {
            if (!failed.contains(v)) {
                versions.merge(v.key(), new Version(v.incoming().partition(), v.incoming().offset()),
                        (a, b) -> a.partition() == b.partition() && a.offset() > b.offset() ? a : b);
            }
        }
        keyed.keySet().removeAll(versions.keySet());
        keyed.keySet().removeAll(lookups.versions().keySet());
        return new Plan(desired, ownerAddresses, dead,
                new Stats(prepared.records().size() + prepared.deadLetters().size()
                        + prepared.erased().values().stream().mapToInt(Integer::intValue).sum(), deletes, skipped,
                        dropped, stale, outcomes, prepared.erased(), blocked, fanOutTruncated), versions, mayHaveEvents,
                lookups.versions().keySet(), votes, keyed, dependents, sharedMailboxes, sentFolderMoved);
    }

    /**
     * The batch's Sent Items votes of resources seen for the first time (once each), by account and folder; and the
     * users of the accounts whose Sent Items these votes decide or change — their messages must be derived again, as
     * a message's direction and aliases depend on it (R-B1).
     */
    private static void firstVotes(Prepared prepared, Lookups lookups, Map<String, Map<String, Integer>> votes,
                                   Set<String> sentFolderMoved) {
        Set<RecordKey> counted = new HashSet<>();
        Map<String, String> userOf = new HashMap<>();
        for (FolderVote v : prepared.folderVotes()) {
            if (!lookups.versions().containsKey(v.resource()) && counted.add(v.resource())) {
                votes.computeIfAbsent(v.resource().accountId(), a -> new HashMap<>()).merge(v.folderId(), 1, Integer::sum);
                userOf.put(v.resource().accountId(), v.userId());
            }
        }
        votes.forEach((account, batch) -> {
            Map<String, Long> stored = lookups.folderVotes().getOrDefault(account, Map.of());
            if (!sentFolder(stored, Map.of()).equals(sentFolder(stored, batch))) {
                sentFolderMoved.add(userOf.get(account));
            }
        });
    }

    /** A user's owner addresses (identity keys), stored and learned in this batch: whose teams' blocklists apply. */
    private static Set<String> ownerKeys(String userId, Lookups lookups, Map<String, Set<String>> batchOwners) {
        Set<String> keys = new HashSet<>(lookups.ownerKeysByUser().getOrDefault(userId, Set.of()));
        keys.addAll(batchOwners.getOrDefault(userId, Set.of()));
        return keys;
    }

    /**
     * R-B5: a shared mailbox's record is attributed to every subscriber of that mailbox — the envelope's own
     * account first, then the subscribers announced by the connector — one per user, each with its own userId and
     * accountId (so one event per subscriber; {@code viaSharedMailbox} comes from the envelope). Other records
     * are attributed to their own user only.
     */
    static List<RawRecord> attributions(RawRecord rec, Lookups lookups) {
        if (!rec.sharedMailbox()) {
            return List.of(rec);
        }
        Map<String, Subscriber> byUser = new LinkedHashMap<>();
        byUser.put(rec.userId(), new Subscriber(rec.accountId(), rec.userId()));
        String key = AddressKeys.key(rec.mailbox()).orElse(null);
        for (Subscriber s : lookups.subscribersByMailbox().getOrDefault(key, List.of())) {
            byUser.putIfAbsent(s.userId(), s);
        }
        if (byUser.size() == 1) {
            return List.of(rec);
        }
        List<RawRecord> out = new ArrayList<>(byUser.size());
        for (Subscriber s : byUser.values()) {
            out.add(new RawRecord(rec.schemaVersion(), rec.source(), rec.op(), s.accountId(), s.userId(), rec.mailbox(),
                    true, rec.remoteId(), rec.observedAt(), rec.syncRunId(), rec.payload()));
        }
        return out;
    }

    /**
     * The mailbox context of a record. Owner addresses (R-B1): the mailbox (account email, or the shared
     * address), plus, for personal mailboxes, the addresses of all the user's accounts and the aliases learned from
     * their SENT mail (stored and from this batch). Colleagues
     * (R-B2): every collection whose member emails contain the mailbox address.
     */
    static MailboxContext context(RawRecord rec, Map<String, Set<String>> batchOwners, Lookups lookups, History history,
                                  Map<ContextKey, MailboxContext> memo) {
        MailboxContext base = memo.computeIfAbsent(new ContextKey(rec.userId(), rec.mailbox(), rec.sharedMailbox()),
                k -> context(rec, batchOwners, lookups));
        return new MailboxContext(base.ownerKeys(), base.colleagueKeys(), base.internalDomains(), history);
    }

    /**
     * The oldest {@code occurredAt} kept for the record (null: no window), once per user × mailbox of the batch. The
     * team's window is the shortest of the collections the mailbox's colleagues come from ({@link #context}).
     */
    static Instant cutoff(RawRecord rec, Map<String, Set<String>> batchOwners, Lookups lookups, RetentionWindow window,
                          Map<ContextKey, Optional<Instant>> memo) {
        return memo.computeIfAbsent(new ContextKey(rec.userId(), rec.mailbox(), rec.sharedMailbox()), k -> {
            Integer months = null;
            if (!lookups.collections().isEmpty()) {
                Set<String> memberKeys = memberKeys(rec, batchOwners, lookups);
                for (Collection c : lookups.collections()) {
                    if (c.eventMonths() != null && c.eventMonths() > 0
                            && c.memberKeys().stream().anyMatch(memberKeys::contains)) {
                        months = months == null ? c.eventMonths() : Math.min(months, c.eventMonths());
                    }
                }
            }
            return Optional.ofNullable(window.cutoff(months));
        }).orElse(null);
    }

    /** Whose team a record belongs to: its mailbox address; for a shared mailbox also the subscriber's addresses. */
    private static Set<String> memberKeys(RawRecord rec, Map<String, Set<String>> batchOwners, Lookups lookups) {
        Set<String> memberKeys = new HashSet<>();
        AddressKeys.key(rec.mailbox()).ifPresent(memberKeys::add);
        if (rec.sharedMailbox()) {
            memberKeys.addAll(lookups.ownerKeysByUser().getOrDefault(rec.userId(), Set.of()));
            memberKeys.addAll(batchOwners.getOrDefault(rec.userId(), Set.of()));
        }
        return memberKeys;
    }

    private static MailboxContext context(RawRecord rec, Map<String, Set<String>> batchOwners, Lookups lookups) {
        Set<String> owners = new HashSet<>();
        String mailboxKey = AddressKeys.key(rec.mailbox()).orElse(null);
        if (mailboxKey != null) {
            owners.add(mailboxKey);
        }
        if (!rec.sharedMailbox()) {
            owners.addAll(lookups.ownerKeysByUser().getOrDefault(rec.userId(), Set.of()));
            owners.addAll(batchOwners.getOrDefault(rec.userId(), Set.of()));
        }
        // Whose colleagues: the mailbox's; for a shared mailbox also the subscriber's (by any of their addresses,
        // stored or learned in this batch). The subscriber's own addresses are never contacts either.
        Set<String> memberKeys = memberKeys(rec, batchOwners, lookups);
        Set<String> colleagues = new HashSet<>();
        if (rec.sharedMailbox()) {
            colleagues.addAll(memberKeys);
            colleagues.remove(mailboxKey);
        }
        Set<String> domains = new HashSet<>();
        for (Collection c : lookups.collections()) {
            if (c.memberKeys().stream().anyMatch(memberKeys::contains)) {
                colleagues.addAll(c.memberKeys());
                domains.addAll(c.internalDomains());
            }
        }
        return new MailboxContext(owners, colleagues, domains, History.NONE);
    }

    private static History history(String userId, Map<String, Set<String>> emailed, Map<String, Set<String>> sentIds) {
        Set<String> contacts = emailed.getOrDefault(userId, Set.of());
        Set<String> ids = sentIds.getOrDefault(userId, Set.of());
        return new History() {
            @Override
            public boolean userHasEmailed(String contactEmail) {
                return contacts.contains(contactEmail);
            }

            @Override
            public boolean userSentMessage(String internetMessageId) {
                return ids.contains(internetMessageId);
            }
        };
    }

    private static Map<String, Set<String>> copy(Map<String, Set<String>> m) {
        Map<String, Set<String>> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, new HashSet<>(v)));
        return out;
    }
}

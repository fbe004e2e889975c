package io.interactionsync.normalizer.service;

import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.normalizer.outbox.OutboxRelay;
import io.interactionsync.normalizer.outbox.OutboxRepository;
import io.interactionsync.normalizer.outbox.OutboxRepository.OutboxMessage;
import io.interactionsync.normalizer.rederive.RederiveRepository;
import io.interactionsync.normalizer.rederive.RederiveWorker;
import io.interactionsync.normalizer.parse.AddressKeys;
import io.interactionsync.normalizer.rules.Blocklists;
import io.interactionsync.normalizer.repository.BlocklistRepository;
import io.interactionsync.normalizer.repository.DeadLetteredRepository;
import io.interactionsync.normalizer.repository.DirectoryRepository;
import io.interactionsync.normalizer.repository.ErasedAccountRepository;
import io.interactionsync.normalizer.repository.EventRepository;
import io.interactionsync.normalizer.repository.VersionRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The account-events the normalizer acts on: the team directory (R-B2), the accounts' own addresses (R-B1), shared
 * mailbox subscriptions and their access states (R-B5), blocklists and purges of disconnected accounts. A consumer batch is applied in order in ONE
 * transaction: a backlog of a thousand connects is one commit, not a thousand, and raw-records wait for it at startup
 * ({@code AccountEventsCatchUp}).
 */
@ApplicationScoped
public class DirectoryService {

    private final Pool pool;
    private final DirectoryRepository directory;
    private final EventRepository events;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final VersionRepository versions;
    private final DeadLetteredRepository deadLettered;
    private final ErasedAccountRepository erasedAccounts;
    private final DataKeyCache dataKeys;
    private final BlocklistRepository blocklists;
    private final NormalizerMetrics metrics;
    private final RederiveRepository rederive;
    private final RederiveWorker rederiveWorker;

    public DirectoryService(Pool pool, DirectoryRepository directory, EventRepository events, OutboxRepository outbox,
                            OutboxRelay relay, VersionRepository versions, DeadLetteredRepository deadLettered,
                            ErasedAccountRepository erasedAccounts, DataKeyCache dataKeys,
                            BlocklistRepository blocklists, NormalizerMetrics metrics, RederiveRepository rederive,
                            RederiveWorker rederiveWorker) {
        this.rederive = rederive;
        this.rederiveWorker = rederiveWorker;
        this.erasedAccounts = erasedAccounts;
        this.dataKeys = dataKeys;
        this.blocklists = blocklists;
        this.metrics = metrics;
        this.versions = versions;
        this.deadLettered = deadLettered;
        this.pool = pool;
        this.directory = directory;
        this.events = events;
        this.outbox = outbox;
        this.relay = relay;
    }

    /** Applies the events in order in one transaction; what they announce is logged and published after the commit. */
    public Uni<Void> apply(List<AccountEvent> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Runnable> afterCommit = new ArrayList<>();
        // The purged accounts' locks, in sorted order like a raw-records batch takes them: a batch of such an
        // account commits before the purge (whose delete then covers it) or sees it (erased_accounts) and drops it.
        Set<String> purged = new java.util.TreeSet<>();
        for (AccountEvent e : batch) {
            if (e.type() == AccountEvent.Type.DISCONNECTED && Boolean.TRUE.equals(e.purge()) && e.accountId() != null) {
                purged.add(e.accountId());
            }
        }
        // A blocklist or a collection's members change what raw-record batches must leave out: wait for the batches in
        // flight (they hold the lock shared), before any write of this transaction, so what they wrote is erased too.
        // Same order as a batch: the blocklist lock, then the accounts'.
        boolean exclusive = batch.stream().anyMatch(e -> e.type() == AccountEvent.Type.BLOCKLIST_CHANGED
                || e.type() == AccountEvent.Type.DIRECTORY_CHANGED);
        // A new owner address (connected, shared_mailbox_added) and a subscription change take the user's and the
        // mailbox's locks, as a raw-records batch of that user or mailbox does (VersionRepository.lock): the batch
        // either sees the change or is committed before it, and then the change re-derives what the batch wrote.
        Set<String> users = new java.util.TreeSet<>();
        Set<String> mailboxes = new java.util.TreeSet<>();
        for (AccountEvent e : batch) {
            if ((e.type() == AccountEvent.Type.CONNECTED || e.type() == AccountEvent.Type.SHARED_MAILBOX_ADDED
                    || e.type() == AccountEvent.Type.DISCONNECTED && Boolean.TRUE.equals(e.purge())) && e.userId() != null) {
                users.add(e.userId());
            }
            if (e.sharedMailbox() != null) {
                AddressKeys.key(e.sharedMailbox()).ifPresent(mailboxes::add);
            }
        }
        return pool.withTransaction(conn -> {
            // in order, as a stream: a batch of hundreds of events must not nest hundreds of Unis deep
            return (exclusive ? blocklists.lockExclusive(conn) : Uni.createFrom().voidItem())
                    .flatMap(v -> versions.lock(conn, purged, users, mailboxes))
                    .flatMap(v -> Multi.createFrom().iterable(batch)
                            .onItem().transformToUniAndConcatenate(event -> apply(conn, event, afterCommit))
                            .collect().last().replaceWithVoid());
        }).invoke(() -> afterCommit.forEach(Runnable::run));
    }

    private Uni<Void> apply(SqlConnection conn, AccountEvent event, List<Runnable> afterCommit) {
        if (event.type() == null) {
            return Uni.createFrom().voidItem();
        }
        return switch (event.type()) {
            case DIRECTORY_CHANGED -> directoryChanged(conn, event, afterCommit);
            case DISCONNECTED -> event.accountId() == null ? Uni.createFrom().voidItem() : disconnected(conn, event, afterCommit);
            case CONNECTED -> accountConnected(conn, event, afterCommit);
            case SHARED_MAILBOX_ADDED -> accountConnected(conn, event, afterCommit)
                    .flatMap(v -> sharedMailboxAdded(conn, event, afterCommit));
            case SHARED_MAILBOX_REMOVED -> sharedMailboxRemoved(conn, event, afterCommit);
            case SHARED_MAILBOX_ACCESS_CHANGED -> sharedMailboxAccessChanged(conn, event, afterCommit);
            case BLOCKLIST_CHANGED -> blocklistChanged(conn, event, afterCommit);
            default -> Uni.createFrom().voidItem(); // not the normalizer's business
        };
    }

    /**
     * Stores the collection's new state: member emails as identity keys (R-A5), internal domains normalised. Past
     * events whose contact is now a colleague are retracted at once (published deleted): colleagues never count as
     * contacts. The other way round — a member or domain removed, or a longer retention window — can give the team's
     * users events where their mail gave none, so all their resources are re-derived (issue 18: the record is a function
     * of the mailboxes and the directory as they are, whatever came first).
     */
    private Uni<Void> directoryChanged(SqlConnection conn, AccountEvent event, List<Runnable> afterCommit) {
        AccountEvent.Directory d = event.directory();
        if (d == null) {
            return Uni.createFrom().voidItem();
        }
        String id = d.collectionId() != null ? d.collectionId() : event.accountId();
        if (id == null) {
            Log.warn("directory_changed without a collection id: ignored");
            return Uni.createFrom().voidItem();
        }
        Set<String> members = new LinkedHashSet<>();
        for (String email : Objects.requireNonNullElse(d.memberEmails(), List.<String>of())) {
            AddressKeys.key(email).ifPresent(members::add);
        }
        Set<String> domains = new LinkedHashSet<>();
        for (String domain : Objects.requireNonNullElse(d.internalDomains(), List.<String>of())) {
            AddressKeys.normalizeDomain(domain).ifPresent(domains::add);
        }
        Integer eventMonths = d.eventMonths() != null && d.eventMonths() > 0 ? d.eventMonths() : null;
        return directory.collection(conn, id)
                .flatMap(before -> before.isEmpty() || !before.get().narrowerThan(members, domains, eventMonths)
                        ? Uni.createFrom().voidItem()
                        : blocklists.usersOfCollection(conn, id).flatMap(users -> enqueueUsers(conn, users,
                                RederiveRepository.Reason.DIRECTORY, afterCommit)))
                .flatMap(v -> directory.saveCollection(conn, id, d.name(), members, domains, eventMonths))
                .flatMap(v -> events.retractColleagues(conn, members, domains))
                .call(retracted -> outbox.append(conn, OutboxMessage.events(retracted)))
                .invoke(retracted -> afterCommit.add(() -> {
                    Log.infof("directory collection %s: %d members, %d internal domains, retention window %s; %d events "
                            + "with a colleague as contact retracted", id, members.size(), domains.size(),
                            eventMonths == null ? "global" : eventMonths + " months", retracted.size());
                    if (!retracted.isEmpty()) {
                        relay.wake();
                    }
                }))
                // the team's blocklist applies to its members as they are now
                .flatMap(v -> blocklists.entries(conn, BlocklistRepository.COLLECTION, id))
                .flatMap(list -> list.isEmpty() ? Uni.createFrom().voidItem()
                        : eraseBlocked(conn, BlocklistRepository.COLLECTION, id, list.get(), afterCommit));
    }

    /**
     * Issue 17 item 2: stores the complete new list, then erases — as a purge erases: rows deleted, published with
     * {@code deleted=true} — every event it now blocks: the user's for a user's list, every member's for a team's.
     * New records with a blocked contact produce nothing (checked when mapped), replays included. An entry removed
     * from a list re-derives the users' resources, so what it blocked comes back as their mail has it.
     */
    private Uni<Void> blocklistChanged(SqlConnection conn, AccountEvent event, List<Runnable> afterCommit) {
        AccountEvent.Blocklist list = event.blocklist();
        if (list == null || list.scope() == null || list.ownerId() == null || list.ownerId().isBlank()) {
            Log.warn("blocklist_changed without a scope, owner or list: ignored");
            return Uni.createFrom().voidItem();
        }
        Set<String> entries = new LinkedHashSet<>();
        int unusable = 0;
        for (String raw : Objects.requireNonNullElse(list.entries(), List.<String>of())) {
            var entry = Blocklists.normalizeEntry(raw);
            if (entry.isPresent()) {
                entries.add(entry.get());
            } else {
                unusable++;
            }
        }
        if (unusable > 0) {
            Log.warnf("blocklist_changed for %s %s: %d entries are neither an address nor @domain, left out",
                    scopeName(list.scope()), list.ownerId(), unusable);
        }
        String scope = list.scope() == AccountEvent.Blocklist.Scope.USER ? BlocklistRepository.USER
                : BlocklistRepository.COLLECTION;
        return blocklists.entries(conn, scope, list.ownerId())
                .flatMap(before -> before.isEmpty() || entries.containsAll(before.get()) ? Uni.createFrom().voidItem()
                        : (BlocklistRepository.USER.equals(scope) ? Uni.createFrom().item(List.of(list.ownerId()))
                                : blocklists.usersOfCollection(conn, list.ownerId()))
                        .flatMap(users -> enqueueUsers(conn, users, RederiveRepository.Reason.BLOCKLIST, afterCommit)))
                .flatMap(v -> blocklists.save(conn, scope, list.ownerId(), entries))
                .flatMap(v -> eraseBlocked(conn, scope, list.ownerId(), entries, afterCommit));
    }

    private Uni<Void> eraseBlocked(SqlConnection conn, String scope, String ownerId, Set<String> entries,
                                   List<Runnable> afterCommit) {
        if (entries.isEmpty()) {
            afterCommit.add(() -> Log.infof("%s blocklist %s: empty, nothing erased", scope, ownerId));
            return Uni.createFrom().voidItem();
        }
        Uni<List<String>> users = BlocklistRepository.USER.equals(scope) ? Uni.createFrom().item(List.of(ownerId))
                : blocklists.usersOfCollection(conn, ownerId);
        return users.flatMap(u -> blocklists.erase(conn, u, entries)
                .call(erased -> Uni.combine().all().unis(outbox.append(conn, OutboxMessage.events(asDeleted(erased))),
                        blocklists.eraseDependents(conn, u, entries, erased)).discardItems())
                .invoke(erased -> afterCommit.add(() -> {
                    Log.infof("%s blocklist %s: %d entries for %d user(s); %d events with a blocked contact erased",
                            scope, ownerId, entries.size(), u.size(), erased.size());
                    metrics.blocklistErased(erased.size());
                    if (!erased.isEmpty()) {
                        relay.wake();
                    }
                })))
                .replaceWithVoid();
    }

    private static String scopeName(AccountEvent.Blocklist.Scope scope) {
        return scope == AccountEvent.Blocklist.Scope.USER ? "user" : "collection";
    }

    /** Erased rows as downstream learns of them: the same events with {@code deleted=true}. */
    private static List<InteractionEvent> asDeleted(List<InteractionEvent> rows) {
        return rows.stream().map(e -> e.withDeleted(true)).toList();
    }

    /**
     * Issue 17 item 5: a subscription that is not {@code active} (access denied, account suspended) is no longer
     * attributed from now on — its past events stay (removing the mailbox still retracts them); {@code active}
     * resumes it, and creates the subscription if this service lacks it (an add it missed).
     */
    private Uni<Void> sharedMailboxAccessChanged(SqlConnection conn, AccountEvent event, List<Runnable> afterCommit) {
        String key = event.sharedMailbox() == null ? null : AddressKeys.key(event.sharedMailbox()).orElse(null);
        if (key == null || event.accountId() == null || event.state() == null) {
            Log.warn("shared_mailbox_access_changed without a valid address, account or state: ignored");
            return Uni.createFrom().voidItem();
        }
        String state = event.state().wireName();
        return directory.setSubscriberState(conn, key, event.accountId(), event.userId(), state)
                .invoke(changed -> afterCommit.add(() -> Log.infof("account %s: a shared mailbox subscription is now %s%s",
                        event.accountId(), state, changed ? "" : " (unchanged)")))
                // active again: what the mailbox received meanwhile is attributed to the subscriber now
                .flatMap(changed -> changed && "active".equals(state)
                        ? enqueueSharedMailbox(conn, key, afterCommit) : Uni.createFrom().voidItem());
    }

    /**
     * R-B1: the account's own address is an owner address of its user from the start — before any of its mail is
     * read — so a shared mailbox's first records already know the subscriber's team (R-B2, R-B5).
     */
    private Uni<Void> accountConnected(SqlConnection conn, AccountEvent event, List<Runnable> afterCommit) {
        String key = event.email() == null ? null : AddressKeys.key(event.email()).orElse(null);
        if (key == null || event.accountId() == null || event.userId() == null) {
            return Uni.createFrom().voidItem();
        }
        // R-B1 across accounts: mail the user's other accounts exchanged with this address is the user's own now
        return directory.addOwnerAddresses(conn,
                        Set.of(new BatchNormalizer.OwnerAddress(event.accountId(), event.userId(), key)))
                .flatMap(added -> enqueueUsers(conn, List.copyOf(added.keySet()), RederiveRepository.Reason.ALIAS,
                        afterCommit));
    }

    /** Queues every resource of {@code users} (their accounts and shared mailboxes) for re-derivation. */
    private Uni<Void> enqueueUsers(SqlConnection conn, List<String> users, RederiveRepository.Reason reason,
                                   List<Runnable> afterCommit) {
        return rederive.enqueueUsers(conn, users, reason).invoke(n -> queued(reason, n, afterCommit)).replaceWithVoid();
    }

    /** R-B5: a subscriber joined or is active again: the mailbox's past messages are attributed to them too. */
    private Uni<Void> enqueueSharedMailbox(SqlConnection conn, String mailboxKey, List<Runnable> afterCommit) {
        return rederive.enqueueSharedMailbox(conn, mailboxKey, RederiveRepository.Reason.SUBSCRIBER)
                .invoke(n -> queued(RederiveRepository.Reason.SUBSCRIBER, n, afterCommit)).replaceWithVoid();
    }

    private void queued(RederiveRepository.Reason reason, int n, List<Runnable> afterCommit) {
        if (n > 0) {
            afterCommit.add(() -> {
                Log.infof("%d resources queued for re-derivation (%s changed)", n, reason.label);
                metrics.rederiveEnqueued(reason.label, n);
                rederiveWorker.wake();
            });
        }
    }

    /** R-B5: the account now subscribes to a shared mailbox; its later records are attributed to the account's user. */
    private Uni<Void> sharedMailboxAdded(SqlConnection conn, AccountEvent event, List<Runnable> afterCommit) {
        String key = event.sharedMailbox() == null ? null : AddressKeys.key(event.sharedMailbox()).orElse(null);
        if (key == null || event.accountId() == null || event.userId() == null) {
            Log.warn("shared_mailbox_added without a valid address, account or user: ignored");
            return Uni.createFrom().voidItem();
        }
        return directory.addSubscriber(conn, key, event.accountId(), event.userId())
                .invoke(() -> Log.infof("account %s subscribes to a shared mailbox", event.accountId()))
                .flatMap(v -> enqueueSharedMailbox(conn, key, afterCommit));
    }

    /** R-B5: the subscription ends; the account's events from that mailbox are retracted (published deleted). */
    private Uni<Void> sharedMailboxRemoved(SqlConnection conn, AccountEvent event, List<Runnable> afterCommit) {
        String key = event.sharedMailbox() == null ? null : AddressKeys.key(event.sharedMailbox()).orElse(null);
        if (key == null || event.accountId() == null) {
            return Uni.createFrom().voidItem();
        }
        return directory.removeSubscriber(conn, key, event.accountId())
                .flatMap(v -> events.retractSharedMailbox(conn, event.accountId(), event.sharedMailbox()))
                .call(retracted -> outbox.append(conn, OutboxMessage.events(retracted)))
                .invoke(retracted -> afterCommit.add(() -> {
                    Log.infof("account %s left a shared mailbox: %d events retracted", event.accountId(), retracted.size());
                    relay.wake();
                }))
                .replaceWithVoid();
    }

    /** A disconnected account subscribes to nothing any more; with {@code purge}, its events go too. */
    private Uni<Void> disconnected(SqlConnection conn, AccountEvent event, List<Runnable> afterCommit) {
        Uni<Void> unsubscribe = directory.removeSubscriber(conn, null, event.accountId());
        return Boolean.TRUE.equals(event.purge())
                ? unsubscribe.flatMap(v -> purge(conn, event.accountId(), event.userId(), afterCommit)) : unsubscribe;
    }

    /**
     * Deletes the account's events, aliases, versions and dead-lettered resources; downstream learns it through
     * deleted=true events. The account is remembered in {@code erased_accounts}, so that none of its records —
     * replayed, redelivered, late, sealed or not — is ever mapped again, and its cached data keys are forgotten.
     */
    private Uni<Void> purge(SqlConnection conn, String accountId, String userId, List<Runnable> afterCommit) {
        return erasedAccounts.add(conn, accountId)
                .flatMap(v -> events.deleteAccount(conn, accountId))
                .flatMap(deleted -> outbox.append(conn, OutboxMessage.events(asDeleted(deleted)))
                        .replaceWith(deleted.size()))
                .call(n -> directory.forgetOwnerEvidence(conn, accountId))
                .call(n -> versions.deleteAccount(conn, accountId))
                .call(n -> deadLettered.deleteAccount(conn, accountId))
                .call(n -> rederive.deleteAccount(conn, accountId))
                // what the account's sent mail taught about the user's history is gone with it (R-C6/R-C7)
                .call(n -> rederive.enqueueHistoryOf(conn, userId, accountId)
                        .invoke(q -> queued(RederiveRepository.Reason.HISTORY, q, afterCommit)))
                .invoke(n -> afterCommit.add(() -> {
                    dataKeys.evictOwner("account:" + accountId);
                    Log.infof("account %s purged: %d events deleted; its later records are dropped", accountId, n);
                    relay.wake();
                }))
                .replaceWithVoid();
    }
}

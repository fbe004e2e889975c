package io.interactionsync.normalizer.repository;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.normalizer.parse.AddressKeys;
import io.interactionsync.normalizer.rules.Blocklists;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code normalizer.blocklists} (issue 17 item 2): the lists, the per-batch lookup, the erasure of the events a list
 * now blocks, and the lock that keeps a list change and the batches being written apart.
 */
@ApplicationScoped
public class BlocklistRepository {

    public static final String USER = "user";
    public static final String COLLECTION = "collection";

    /** Advisory lock key (class 8084003): raw-record batches hold it shared, a blocklist or directory change exclusive. */
    private static final String LOCK_SHARED = "select pg_advisory_xact_lock_shared(8084003, 0)";
    private static final String LOCK_EXCLUSIVE = "select pg_advisory_xact_lock(8084003, 0)";

    /**
     * Taken by every raw-record batch (live and replay) at the start of its transaction. A blocklist change waits for
     * the batches that read the old lists to commit, then erases what they wrote; batches after it read the new lists.
     */
    public Uni<Void> lockShared(SqlClient sql) {
        return sql.query(LOCK_SHARED).execute().replaceWithVoid();
    }

    /** Taken by the account-events transaction that changes a blocklist or a collection's members, before any write. */
    public Uni<Void> lockExclusive(SqlClient sql) {
        return sql.query(LOCK_EXCLUSIVE).execute().replaceWithVoid();
    }

    /** Replaces a list (entries as stored: identity keys and {@code @domain}s). */
    public Uni<Void> save(SqlClient sql, String scope, String ownerId, Set<String> entries) {
        return sql.preparedQuery("insert into normalizer.blocklists (scope, owner_id, entries, updated_at) "
                        + "values ($1, $2, $3, now()) on conflict (scope, owner_id) do update set "
                        + "entries = excluded.entries, updated_at = now()")
                .execute(Tuple.of(scope, ownerId, entries.toArray(String[]::new))).replaceWithVoid();
    }

    /** A stored list, if any. */
    public Uni<Optional<Set<String>>> entries(SqlClient sql, String scope, String ownerId) {
        return sql.preparedQuery("select entries from normalizer.blocklists where scope = $1 and owner_id = $2")
                .execute(Tuple.of(scope, ownerId))
                .map(rows -> {
                    for (Row r : rows) {
                        return Optional.of(Set.of(r.getArrayOfStrings(0)));
                    }
                    return Optional.empty();
                });
    }

    /**
     * The lists for a batch, in one statement: the users' own, and the lists of collections with a member among
     * {@code memberKeys} (the batch's mailboxes and new owner addresses) or among the users' stored owner addresses.
     * Which user belongs to which collection is decided in {@link Blocklists#forUser}. Nothing stored: no rows, and
     * the owner-address subquery never runs.
     */
    public Uni<Blocklists> forBatch(SqlClient sql, Set<String> userIds, Set<String> memberKeys) {
        if (userIds.isEmpty()) {
            return Uni.createFrom().item(Blocklists.NONE);
        }
        return sql.preparedQuery("select b.scope, b.owner_id, b.entries, c.member_emails from normalizer.blocklists b "
                        + "left join normalizer.directory_collections c on b.scope = 'collection' and c.collection_id = b.owner_id "
                        + "where cardinality(b.entries) > 0 and ((b.scope = 'user' and b.owner_id = any($1)) "
                        + "or (b.scope = 'collection' and (c.member_emails && $2::text[] or c.member_emails && array("
                        + "select a.address from normalizer.owner_aliases a where a.user_id = any($1)))))")
                .execute(Tuple.of(userIds.toArray(String[]::new), memberKeys.toArray(String[]::new)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Blocklists.NONE;
                    }
                    Map<String, Set<String>> byUser = new HashMap<>();
                    List<Blocklists.Team> teams = new ArrayList<>();
                    for (Row r : rows) {
                        Set<String> entries = Set.of(r.getArrayOfStrings(2));
                        if (USER.equals(r.getString(0))) {
                            byUser.put(r.getString(1), entries);
                        } else {
                            teams.add(new Blocklists.Team(r.getString(1), Set.of(r.getArrayOfStrings(3)), entries));
                        }
                    }
                    return new Blocklists(byUser, teams);
                });
    }

    /** The users of a collection: those with an owner address among its member emails (R-B2). */
    public Uni<List<String>> usersOfCollection(SqlClient sql, String collectionId) {
        return sql.preparedQuery("select distinct a.user_id from normalizer.owner_aliases a "
                        + "join normalizer.directory_collections c on a.address = any(c.member_emails) "
                        + "where c.collection_id = $1 order by a.user_id")
                .execute(Tuple.of(collectionId))
                .map(rows -> {
                    List<String> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(r.getString(0));
                    }
                    return out;
                });
    }

    /**
     * Deletes every event of {@code userIds} whose contact is blocked by {@code entries} (identity keys, or
     * {@code @domain}: that domain and its subdomains), live or already retracted, as a purge does; returns the deleted
     * rows. Per user by index, as the colleague retraction.
     */
    public Uni<List<InteractionEvent>> erase(SqlClient sql, List<String> userIds, Set<String> entries) {
        List<String> keys = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        for (String e : entries) {
            if (e.startsWith("@")) {
                domains.add(e.substring(1));
            } else {
                keys.add(e);
            }
        }
        if (userIds.isEmpty() || entries.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return sql.preparedQuery("delete from normalizer.interaction_events e where e.id in (select c.id from "
                        + "unnest($1::text[]) as u(user_id) cross join lateral (select i.id from normalizer.interaction_events i "
                        + "where i.user_id = u.user_id and " + blocked("i.contact_email", "$2", "$3") + " offset 0) c) "
                        + "returning e.*")
                .execute(Tuple.of(userIds.toArray(String[]::new), keys.toArray(String[]::new),
                        domains.toArray(String[]::new)))
                .map(EventRepository::events);
    }

    /** A resource an erased event came from, as {@code history_dependents} keys it for the event's user. */
    private record ErasedResource(String userId, UUID resourceId, String source, String remoteId) {
    }

    /**
     * After {@link #erase}: forgets the R-C6/R-C7 history evidence ({@code history_dependents}) that names or concerns
     * a now blocked contact, as {@code BatchNormalizer} never writes it for one — the users' {@code to:<address>} rows
     * of a blocked address, and every row of a resource whose events the erasure left the user none of (a message that
     * was only with blocked contacts). {@code erased}: the rows {@link #erase} deleted. A shared mailbox's resource is
     * keyed by the account that read it, which may be any subscriber's: every subscribing account is tried.
     */
    public Uni<Void> eraseDependents(SqlClient sql, List<String> userIds, Set<String> entries,
                                     List<InteractionEvent> erased) {
        if (userIds.isEmpty() || entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> keys = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        for (String e : entries) {
            (e.startsWith("@") ? domains : keys).add(e.startsWith("@") ? e.substring(1) : e);
        }
        Set<String> sharedMailboxes = new HashSet<>();
        erased.stream().filter(InteractionEvent::viaSharedMailbox)
                .forEach(e -> AddressKeys.key(e.mailbox()).ifPresent(sharedMailboxes::add));
        Uni<Map<String, List<String>>> subscribers = sharedMailboxes.isEmpty() ? Uni.createFrom().item(Map.of())
                : sql.preparedQuery("select address, account_id from normalizer.shared_mailbox_subscribers "
                                + "where address = any($1)")
                        .execute(Tuple.of(sharedMailboxes.toArray(String[]::new)))
                        .map(rows -> {
                            Map<String, List<String>> out = new HashMap<>();
                            for (Row r : rows) {
                                out.computeIfAbsent(r.getString(0), a -> new ArrayList<>()).add(r.getString(1));
                            }
                            return out;
                        });
        return subscribers.flatMap(byMailbox -> {
            Set<ErasedResource> resources = new LinkedHashSet<>();
            for (InteractionEvent e : erased) {
                Set<String> accounts = new LinkedHashSet<>();
                accounts.add(e.accountId());
                if (e.viaSharedMailbox()) {
                    AddressKeys.key(e.mailbox()).ifPresent(m -> accounts.addAll(byMailbox.getOrDefault(m, List.of())));
                }
                for (String account : accounts) {
                    resources.add(new ErasedResource(e.userId(), ResourceIds.of(account, e.source(), e.remoteId()),
                            e.source().wireName(), e.remoteId()));
                }
            }
            String[] users = resources.stream().map(ErasedResource::userId).toArray(String[]::new);
            UUID[] ids = resources.stream().map(ErasedResource::resourceId).toArray(UUID[]::new);
            String[] sources = resources.stream().map(ErasedResource::source).toArray(String[]::new);
            String[] remoteIds = resources.stream().map(ErasedResource::remoteId).toArray(String[]::new);
            return sql.preparedQuery("delete from normalizer.history_dependents d where d.user_id = any($1) and (("
                            + "left(d.evidence, 3) = 'to:' and " + blocked("substr(d.evidence, 4)", "$2", "$3") + ") "
                            + "or (d.user_id, d.resource_id) in (select x.user_id, x.resource_id from unnest($4::text[], "
                            + "$5::uuid[], $6::text[], $7::text[]) as x(user_id, resource_id, source, remote_id) "
                            + "where not exists (select from normalizer.interaction_events e where e.user_id = x.user_id "
                            + "and e.source = x.source and e.remote_id = x.remote_id and not e.deleted)))")
                    .execute(Tuple.from(List.of(userIds.toArray(String[]::new), keys.toArray(String[]::new),
                            domains.toArray(String[]::new), users, ids, sources, remoteIds)))
                    .replaceWithVoid();
        });
    }

    /**
     * SQL: whether the address in {@code column} is blocked by the identity keys in parameter {@code keys} or the
     * domains in {@code domains} (a domain and its subdomains), as {@link Blocklists.Matcher#blocks} decides.
     */
    private static String blocked(String column, String keys, String domains) {
        String domain = "split_part(" + column + ", '@', 2)";
        return "(" + EventRepository.keyOf(column) + " = any(" + keys + ") or " + domain + " = any(" + domains + ") "
                + "or exists (select from unnest(" + domains + "::text[]) as blocked(domain) "
                + "where right(" + domain + ", length(blocked.domain) + 1) = '.' || blocked.domain))";
    }
}

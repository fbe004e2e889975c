package io.interactionsync.normalizer.repository;

import io.interactionsync.normalizer.service.BatchNormalizer.Collection;
import io.interactionsync.normalizer.service.BatchNormalizer.OwnerAddress;
import io.interactionsync.normalizer.service.BatchNormalizer.Subscriber;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The team directory (R-B2) and the owner aliases (R-B1). */
@ApplicationScoped
public class DirectoryRepository {

    /**
     * Replaces a collection's members and internal domains (identity keys / lower-case domains) and its retention
     * window ({@code eventMonths}, null: none of its own).
     */
    public Uni<Void> saveCollection(SqlClient sql, String collectionId, String name, Set<String> memberKeys,
                                    Set<String> internalDomains, Integer eventMonths) {
        return sql.preparedQuery("insert into normalizer.directory_collections "
                        + "(collection_id, name, member_emails, internal_domains, event_months, updated_at) "
                        + "values ($1, $2, $3, $4, $5, now()) "
                        + "on conflict (collection_id) do update set name = excluded.name, "
                        + "member_emails = excluded.member_emails, internal_domains = excluded.internal_domains, "
                        + "event_months = excluded.event_months, updated_at = now()")
                .execute(Tuple.of(collectionId, name, memberKeys.toArray(String[]::new),
                        internalDomains.toArray(String[]::new), eventMonths))
                .replaceWithVoid();
    }

    /** Collections having at least one of {@code memberKeys} as a member. */
    public Uni<List<Collection>> collectionsOf(SqlClient sql, Set<String> memberKeys) {
        if (memberKeys.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return sql.preparedQuery("select collection_id, member_emails, internal_domains, event_months "
                        + "from normalizer.directory_collections where member_emails && $1::text[]")
                .execute(Tuple.of((Object) memberKeys.toArray(String[]::new)))
                .map(rows -> {
                    List<Collection> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Collection(r.getString(0), Set.of(r.getArrayOfStrings(1)),
                                Set.of(r.getArrayOfStrings(2)), r.getInteger(3)));
                    }
                    return out;
                });
    }

    /** A collection as stored: its member keys, internal domains and retention window. */
    public record StoredCollection(Set<String> memberKeys, Set<String> internalDomains, Integer eventMonths) {
        /**
         * Whether this state is narrower than the new one: a member or domain the new one lacks, or a shorter window —
         * the changes after which a user's mail can give events it gave none for.
         */
        public boolean narrowerThan(Set<String> members, Set<String> domains, Integer months) {
            return !members.containsAll(memberKeys) || !domains.containsAll(internalDomains)
                    || eventMonths != null && (months == null || months > eventMonths);
        }
    }

    public Uni<java.util.Optional<StoredCollection>> collection(SqlClient sql, String collectionId) {
        return sql.preparedQuery("select member_emails, internal_domains, event_months from normalizer.directory_collections "
                        + "where collection_id = $1")
                .execute(Tuple.of(collectionId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return java.util.Optional.<StoredCollection>empty();
                    }
                    Row r = rows.iterator().next();
                    return java.util.Optional.of(new StoredCollection(Set.of(r.getArrayOfStrings(0)),
                            Set.of(r.getArrayOfStrings(1)), r.getInteger(2)));
                });
    }

    /** Every owner address of the given users' accounts, by user. */
    public Uni<Map<String, Set<String>>> ownerAddresses(SqlClient sql, Set<String> userIds) {
        if (userIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return sql.preparedQuery("select user_id, address from normalizer.owner_aliases where user_id = any($1)")
                .execute(Tuple.of((Object) userIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Set<String>> out = new HashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getString(0), k -> new HashSet<>()).add(r.getString(1));
                    }
                    return out;
                });
    }

    /**
     * Records owner addresses (idempotent; the user of an account is refreshed); returns those that were new (or moved
     * to another user), by user: addresses that just became a user's own (R-B1), whose past events must be derived
     * again.
     */
    public Uni<Map<String, Set<String>>> addOwnerAddresses(SqlClient sql, Set<OwnerAddress> owners) {
        if (owners.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<String> accounts = new ArrayList<>();
        List<String> users = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (OwnerAddress o : owners) {
            accounts.add(o.accountId());
            users.add(o.userId());
            addresses.add(o.key());
        }
        return sql.preparedQuery("insert into normalizer.owner_aliases (account_id, user_id, address) "
                        + "select * from unnest($1::text[], $2::text[], $3::text[]) "
                        + "on conflict (account_id, address) do update set user_id = excluded.user_id "
                        + "where owner_aliases.user_id is distinct from excluded.user_id returning user_id, address")
                .execute(Tuple.of(accounts.toArray(String[]::new), users.toArray(String[]::new),
                        addresses.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Set<String>> out = new HashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getString(0), k -> new HashSet<>()).add(r.getString(1));
                    }
                    return out;
                });
    }

    /**
     * R-B5: the active subscribers of the given shared mailboxes (identity keys), by mailbox. A subscription whose
     * access was denied or whose account is suspended is not attributed (issue 17 item 5).
     */
    public Uni<Map<String, List<Subscriber>>> subscribers(SqlClient sql, Set<String> mailboxKeys) {
        if (mailboxKeys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return sql.preparedQuery("select address, account_id, user_id from normalizer.shared_mailbox_subscribers "
                        + "where address = any($1) and state = 'active' order by added_at, account_id")
                .execute(Tuple.of((Object) mailboxKeys.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, List<Subscriber>> out = new HashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getString(0), k -> new ArrayList<>())
                                .add(new Subscriber(r.getString(1), r.getString(2)));
                    }
                    return out;
                });
    }

    public Uni<Void> addSubscriber(SqlClient sql, String mailboxKey, String accountId, String userId) {
        return sql.preparedQuery("insert into normalizer.shared_mailbox_subscribers (address, account_id, user_id) "
                        + "values ($1, $2, $3) on conflict (address, account_id) do update set user_id = excluded.user_id")
                .execute(Tuple.of(mailboxKey, accountId, userId)).replaceWithVoid();
    }

    /**
     * Sets a subscription's state ({@code active}, {@code access_denied}, {@code suspended}). An {@code active} one is
     * created if missing (a {@code shared_mailbox_added} this service missed); another state only changes an existing
     * subscription. Returns whether a row changed.
     */
    public Uni<Boolean> setSubscriberState(SqlClient sql, String mailboxKey, String accountId, String userId,
                                           String state) {
        if ("active".equals(state) && userId != null) {
            return sql.preparedQuery("insert into normalizer.shared_mailbox_subscribers (address, account_id, user_id, state) "
                            + "values ($1, $2, $3, 'active') on conflict (address, account_id) do update set state = 'active', "
                            + "user_id = excluded.user_id where shared_mailbox_subscribers.state <> 'active' "
                            + "or shared_mailbox_subscribers.user_id <> excluded.user_id")
                    .execute(Tuple.of(mailboxKey, accountId, userId)).map(r -> r.rowCount() > 0);
        }
        return sql.preparedQuery("update normalizer.shared_mailbox_subscribers set state = $3 "
                        + "where address = $1 and account_id = $2 and state <> $3")
                .execute(Tuple.of(mailboxKey, accountId, state)).map(r -> r.rowCount() > 0);
    }

    /** Removes one subscription, or all of an account's when {@code mailboxKey} is null. */
    public Uni<Void> removeSubscriber(SqlClient sql, String mailboxKey, String accountId) {
        return (mailboxKey == null
                ? sql.preparedQuery("delete from normalizer.shared_mailbox_subscribers where account_id = $1")
                        .execute(Tuple.of(accountId))
                : sql.preparedQuery("delete from normalizer.shared_mailbox_subscribers where address = $1 and account_id = $2")
                        .execute(Tuple.of(mailboxKey, accountId)))
                .replaceWithVoid();
    }

    /** Forgets what an account's mail taught about its owner: its aliases and its folders' evidence. */
    public Uni<Void> forgetOwnerEvidence(SqlClient sql, String accountId) {
        return sql.preparedQuery("delete from normalizer.owner_aliases where account_id = $1")
                .execute(Tuple.of(accountId))
                .flatMap(r -> sql.preparedQuery("delete from normalizer.mail_folders where account_id = $1")
                        .execute(Tuple.of(accountId)))
                .replaceWithVoid();
    }

    /** R-B1 (Outlook): per account of {@code accountIds}, how many owner-sent messages each folder held so far. */
    public Uni<Map<String, Map<String, Long>>> folderVotes(SqlClient sql, Set<String> accountIds) {
        if (accountIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return sql.preparedQuery("select account_id, folder_id, owner_messages from normalizer.mail_folders "
                        + "where account_id = any($1)")
                .execute(Tuple.of((Object) accountIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Map<String, Long>> out = new HashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getString(1), r.getLong(2));
                    }
                    return out;
                });
    }

    /** Adds a batch's owner-sent messages per account and folder. */
    public Uni<Void> addFolderVotes(SqlClient sql, Map<String, Map<String, Integer>> votes) {
        List<String> accounts = new ArrayList<>();
        List<String> folders = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        votes.forEach((account, byFolder) -> byFolder.forEach((folder, n) -> {
            accounts.add(account);
            folders.add(folder);
            counts.add(n.longValue());
        }));
        if (accounts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sql.preparedQuery("insert into normalizer.mail_folders as f (account_id, folder_id, owner_messages) "
                        + "select * from unnest($1::text[], $2::text[], $3::bigint[]) "
                        + "on conflict (account_id, folder_id) do update set owner_messages = f.owner_messages + excluded.owner_messages")
                .execute(Tuple.of(accounts.toArray(String[]::new), folders.toArray(String[]::new),
                        counts.toArray(Long[]::new)))
                .replaceWithVoid();
    }
}

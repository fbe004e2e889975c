package io.interactionsync.normalizer.repository;

import io.interactionsync.normalizer.service.BatchNormalizer.RecordKey;
import io.interactionsync.normalizer.service.BatchNormalizer.Version;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * {@code normalizer.record_versions} (keyed by {@link ResourceIds}) and the per-account transaction lock that lets a replay run beside the live
 * consumer: transactions touching the same account are serialised, and each sees the version the other applied.
 */
@ApplicationScoped
public class VersionRepository {

    /**
     * Transaction-scoped advisory locks on the batch's accounts, taken in one statement in the order of their lock keys
     * (no lock-order deadlock between two batches). Held until commit or rollback.
     */
    public Uni<Void> lockAccounts(SqlClient sql, Set<String> accountIds) {
        return lock(sql, accountIds, Set.of(), Set.of());
    }

    /**
     * The account locks and, in the same ordered statement, one lock per user and per shared mailbox (identity key):
     * what decides a user's events across accounts (the history of R-C6/R-C7, owner addresses) and who a shared
     * mailbox's messages are attributed to (R-B5) are read and written by one transaction at a time. Without them, a
     * batch and a change of that evidence committed side by side could each miss what the other was writing: the batch
     * maps with the old evidence, the change re-derives what was committed before the batch.
     */
    public Uni<Void> lock(SqlClient sql, Set<String> accountIds, Set<String> userIds, Set<String> mailboxKeys) {
        if (accountIds.isEmpty() && userIds.isEmpty() && mailboxKeys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Set<String> keys = new TreeSet<>(accountIds);
        userIds.forEach(u -> keys.add("user:" + u));
        mailboxKeys.forEach(m -> keys.add("mailbox:" + m));
        return sql.preparedQuery("select count(pg_advisory_xact_lock(8084002, h)) from "
                        + "(select distinct hashtext(a) as h from unnest($1::text[]) as t(a) order by 1) k")
                .execute(Tuple.of((Object) keys.toArray(String[]::new))).replaceWithVoid();
    }

    public Uni<Map<RecordKey, Version>> versions(SqlClient sql, Collection<RecordKey> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Map<UUID, RecordKey> byId = new HashMap<>(keys.size() * 2);
        for (RecordKey k : keys) {
            byId.put(k.resourceId(), k);
        }
        return sql.preparedQuery("select v.resource_id, v.kafka_partition, v.kafka_offset "
                        + "from normalizer.record_versions v join unnest($1::uuid[]) as k(id) on v.resource_id = k.id")
                .execute(Tuple.of((Object) byId.keySet().toArray(UUID[]::new)))
                .map(rows -> {
                    Map<RecordKey, Version> out = new HashMap<>();
                    for (Row r : rows) {
                        out.put(byId.get(r.getUUID(0)), new Version(r.getInteger(1), r.getLong(2)));
                    }
                    return out;
                });
    }

    /**
     * Records the versions applied; never moves a version backwards within a partition. Resources with no stored
     * version ({@code stored}: read under the batch's account locks) get a plain insert, without the conflict check
     * an upsert pays per row; if one exists after all, the unique violation (SQLSTATE 23505) makes the caller write
     * the batch again with {@code stored} = every key, i.e. upserts only.
     */
    public Uni<Void> save(SqlClient sql, Map<RecordKey, Version> versions, Set<RecordKey> stored) {
        return save(sql, versions, stored, Map.of());
    }

    /** As {@link #save(SqlClient, Map, Set)}; {@code sharedMailboxes}: the shared mailbox (identity key) of a resource read from one. */
    public Uni<Void> save(SqlClient sql, Map<RecordKey, Version> versions, Set<RecordKey> stored,
                          Map<RecordKey, String> sharedMailboxes) {
        Map<RecordKey, Version> fresh = new HashMap<>();
        Map<RecordKey, Version> known = new HashMap<>();
        versions.forEach((k, v) -> (stored.contains(k) ? known : fresh).put(k, v));
        return Uni.combine().all().unis(write(sql, fresh, sharedMailboxes, ""), write(sql, known, sharedMailboxes,
                        " on conflict (resource_id) do update set kafka_partition = excluded.kafka_partition, "
                        + "kafka_offset = excluded.kafka_offset, shared_mailbox = excluded.shared_mailbox "
                        + "where v.kafka_partition <> excluded.kafka_partition or v.kafka_offset < excluded.kafka_offset"))
                .discardItems();
    }

    private static Uni<Void> write(SqlClient sql, Map<RecordKey, Version> versions, Map<RecordKey, String> sharedMailboxes,
                                   String onConflict) {
        if (versions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = versions.size();
        UUID[] ids = new UUID[n];
        String[] accounts = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        String[] shared = new String[n];
        int i = 0;
        for (Map.Entry<RecordKey, Version> e : versions.entrySet()) {
            shared[i] = sharedMailboxes.get(e.getKey());
            ids[i] = e.getKey().resourceId();
            accounts[i] = e.getKey().accountId();
            partitions[i] = e.getValue().partition();
            offsets[i] = e.getValue().offset();
            i++;
        }
        return sql.preparedQuery("insert into normalizer.record_versions as v "
                        + "(resource_id, account_id, kafka_partition, kafka_offset, shared_mailbox) "
                        // unnest in the select list: no tuplestore per array (see EventRepository.INSERT)
                        + "select unnest($1::uuid[]), unnest($2::text[]), unnest($3::integer[]), unnest($4::bigint[]), "
                        + "unnest($5::text[])" + onConflict)
                .execute(Tuple.tuple(List.<Object>of(ids, accounts, partitions, offsets, shared))).replaceWithVoid();
    }

    /**
     * A purged account's versions go with its events, so a later reconnect's records apply. A sequential scan (no
     * index on account_id, see V10): purges are rare, version writes are not.
     */
    public Uni<Void> deleteAccount(SqlClient sql, String accountId) {
        return sql.preparedQuery("delete from normalizer.record_versions where account_id = $1")
                .execute(Tuple.of(accountId)).replaceWithVoid();
    }
}

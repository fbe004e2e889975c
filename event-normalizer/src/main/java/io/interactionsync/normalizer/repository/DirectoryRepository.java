package io.interactionsync.normalizer.repository;

import io.interactionsync.normalizer.service.BatchNormalizer.Collection;
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

    /** Replaces a collection's members and internal domains (identity keys / lower-case domains). */
    public Uni<Void> saveCollection(SqlClient sql, String collectionId, String name, Set<String> memberKeys,
                                    Set<String> internalDomains) {
        return sql.preparedQuery("insert into normalizer.directory_collections "
                        + "(collection_id, name, member_emails, internal_domains, updated_at) values ($1, $2, $3, $4, now()) "
                        + "on conflict (collection_id) do update set name = excluded.name, "
                        + "member_emails = excluded.member_emails, internal_domains = excluded.internal_domains, "
                        + "updated_at = now()")
                .execute(Tuple.of(collectionId, name, memberKeys.toArray(String[]::new),
                        internalDomains.toArray(String[]::new)))
                .replaceWithVoid();
    }

    /** Collections having at least one of {@code memberKeys} as a member. */
    public Uni<List<Collection>> collectionsOf(SqlClient sql, Set<String> memberKeys) {
        if (memberKeys.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return sql.preparedQuery("select collection_id, member_emails, internal_domains "
                        + "from normalizer.directory_collections where member_emails && $1::text[]")
                .execute(Tuple.of((Object) memberKeys.toArray(String[]::new)))
                .map(rows -> {
                    List<Collection> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Collection(r.getString(0), Set.of(r.getArrayOfStrings(1)),
                                Set.of(r.getArrayOfStrings(2))));
                    }
                    return out;
                });
    }

    public Uni<Map<String, Set<String>>> aliases(SqlClient sql, Set<String> accountIds) {
        if (accountIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return sql.preparedQuery("select account_id, address from normalizer.owner_aliases where account_id = any($1)")
                .execute(Tuple.of((Object) accountIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Set<String>> out = new HashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getString(0), k -> new HashSet<>()).add(r.getString(1));
                    }
                    return out;
                });
    }

    public Uni<Void> addAliases(SqlClient sql, Map<String, Set<String>> aliasesByAccount) {
        if (aliasesByAccount.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> accounts = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        aliasesByAccount.forEach((account, keys) -> keys.forEach(k -> {
            accounts.add(account);
            addresses.add(k);
        }));
        return sql.preparedQuery("insert into normalizer.owner_aliases (account_id, address) "
                        + "select * from unnest($1::text[], $2::text[]) on conflict do nothing")
                .execute(Tuple.of(accounts.toArray(String[]::new), addresses.toArray(String[]::new)))
                .replaceWithVoid();
    }

    public Uni<Void> deleteAliases(SqlClient sql, String accountId) {
        return sql.preparedQuery("delete from normalizer.owner_aliases where account_id = $1")
                .execute(Tuple.of(accountId)).replaceWithVoid();
    }
}

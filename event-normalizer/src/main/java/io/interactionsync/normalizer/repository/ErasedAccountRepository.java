package io.interactionsync.normalizer.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** {@code normalizer.erased_accounts}: the accounts purged for good, whose records are dropped unread. */
@ApplicationScoped
public class ErasedAccountRepository {

    /** Which of {@code accountIds} were purged (one primary-key probe each, one statement). */
    public Uni<Set<String>> erased(SqlClient sql, Collection<String> accountIds) {
        if (accountIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return sql.preparedQuery("select account_id from normalizer.erased_accounts where account_id = any($1)")
                .execute(Tuple.of((Object) accountIds.toArray(String[]::new)))
                .map(rows -> {
                    Set<String> out = new HashSet<>();
                    for (Row r : rows) {
                        out.add(r.getString(0));
                    }
                    return out;
                });
    }

    public Uni<Void> add(SqlClient sql, String accountId) {
        return sql.preparedQuery("insert into normalizer.erased_accounts (account_id) values ($1) on conflict do nothing")
                .execute(Tuple.of(accountId)).replaceWithVoid();
    }
}

package io.interactionsync.normalizer.rederive;

import io.interactionsync.normalizer.service.BatchNormalizer.HistoryDependent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * {@code normalizer.rederive_queue} and {@code normalizer.history_dependents} (V16): the resources whose events must be
 * derived again because evidence they depend on changed. Enqueued in the transaction that changes the evidence, so
 * a crash never loses one; drained by {@link RederiveWorker}. An enqueue of a resource already queued moves it to the
 * back and releases its claim: a worker that is re-deriving it with the old evidence does not delete it afterwards.
 */
@ApplicationScoped
public class RederiveRepository {

    /** Why a resource was queued (metric label, {@code reason} column). */
    public enum Reason {
        HISTORY("history"), ALIAS("alias"), SUBSCRIBER("subscriber"), DIRECTORY("directory"), BLOCKLIST("blocklist");

        public final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    /** A claimed queue row with the coordinates of the record that last decided its resource (null: none now). */
    public record Claimed(UUID resourceId, String accountId, OffsetDateTime enqueuedAt, Integer partition, Long offset) {
    }

    private static final String ON_CONFLICT = " on conflict (resource_id) do update set "
            + "enqueued_at = clock_timestamp(), claimed_until = null, claimed_by = null, reason = excluded.reason";

    /** Remembers which piece of history each resource's class depends on (idempotent). */
    public Uni<Void> saveDependents(SqlClient sql, List<HistoryDependent> dependents) {
        if (dependents.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = dependents.size();
        String[] users = new String[n];
        String[] evidence = new String[n];
        UUID[] resources = new UUID[n];
        String[] accounts = new String[n];
        for (int i = 0; i < n; i++) {
            HistoryDependent d = dependents.get(i);
            users[i] = d.userId();
            evidence[i] = d.evidence();
            resources[i] = d.resource().resourceId();
            accounts[i] = d.resource().accountId();
        }
        return sql.preparedQuery("insert into normalizer.history_dependents (user_id, evidence, resource_id, account_id) "
                        + "select * from unnest($1::text[], $2::text[], $3::uuid[], $4::text[]) on conflict do nothing")
                .execute(Tuple.of(users, evidence, resources, accounts)).replaceWithVoid();
    }

    /**
     * R-C6/R-C7: for each (user, evidence) an outbound event of this transaction carries — {@code to:} its contact,
     * {@code id:} its Message-ID — that no other outbound event of the user carried before ({@code written}: the ids
     * of the events this transaction inserted or changed), queues the resources whose class depends on it. Only the
     * first one flips the answer, so a correspondent written to a hundred times re-derives their mail once.
     */
    public Uni<Integer> enqueueHistoryChanges(SqlClient sql, List<String> users, List<String> evidence,
                                              Collection<UUID> written) {
        if (users.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return sql.preparedQuery("with touched as (select distinct user_id, evidence "
                        + "from unnest($1::text[], $2::text[]) as t(user_id, evidence)), "
                        + "first_seen as (select t.user_id, t.evidence from touched t where not exists ("
                        + "select from normalizer.interaction_events e where e.user_id = t.user_id and e.direction = 'outbound' "
                        + "and e.id <> all($3::uuid[]) and ((left(t.evidence, 3) = 'to:' and e.contact_email = substr(t.evidence, 4)) "
                        + "or (left(t.evidence, 3) = 'id:' and e.internet_message_id = substr(t.evidence, 4))))) "
                        + "insert into normalizer.rederive_queue (resource_id, account_id, reason) "
                        + "select distinct on (d.resource_id) d.resource_id, d.account_id, 'history' "
                        + "from normalizer.history_dependents d join first_seen f on d.user_id = f.user_id "
                        + "and d.evidence = f.evidence" + ON_CONFLICT)
                .execute(Tuple.of(users.toArray(String[]::new), evidence.toArray(String[]::new),
                        written.toArray(UUID[]::new)))
                .map(rows -> rows.rowCount());
    }

    /** R-B5: queues every resource read from the shared mailbox {@code mailboxKey} (a subscriber joined or came back). */
    public Uni<Integer> enqueueSharedMailbox(SqlClient sql, String mailboxKey, Reason reason) {
        return sql.preparedQuery("insert into normalizer.rederive_queue (resource_id, account_id, reason) "
                        + "select resource_id, account_id, $2 from normalizer.record_versions where shared_mailbox = $1"
                        + ON_CONFLICT)
                .execute(Tuple.of(mailboxKey, reason.label)).map(rows -> rows.rowCount());
    }

    /**
     * Queues everything the given users' events can come from: every resource of their accounts and of the shared
     * mailboxes they subscribe to. For the rare changes that can change any of a user's events, also where a message
     * produced none (a new owner address, a colleague who left the directory, a blocklist entry removed): such a
     * message names nobody to look up.
     */
    public Uni<Integer> enqueueUsers(SqlClient sql, Collection<String> userIds, Reason reason) {
        if (userIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return sql.preparedQuery("with accounts as (select distinct account_id from normalizer.owner_aliases "
                        + "where user_id = any($1) union select account_id from normalizer.shared_mailbox_subscribers "
                        + "where user_id = any($1)), mailboxes as (select distinct address "
                        + "from normalizer.shared_mailbox_subscribers where user_id = any($1)) "
                        + "insert into normalizer.rederive_queue (resource_id, account_id, reason) "
                        + "select v.resource_id, v.account_id, $2 from normalizer.record_versions v "
                        + "where v.account_id in (select account_id from accounts) "
                        + "or v.shared_mailbox in (select address from mailboxes)" + ON_CONFLICT)
                .execute(Tuple.of(userIds.toArray(String[]::new), reason.label)).map(rows -> rows.rowCount());
    }

    /**
     * Claims up to {@code limit} queued resources for {@code owner} (the replica's instance id) for {@code lease}, oldest
     * first, with the coordinates of the record that last decided each. Other replicas skip a live claim and take over
     * an expired one; {@code owner}'s own claims are always its to take again: a replica's worker runs one round at a
     * time, so a claim of its own that is still held was left by a round that failed or by a previous process under the
     * same name (restarted after a kill), and is resumed at once.
     */
    public Uni<List<Claimed>> claim(SqlClient sql, int limit, Duration lease, String owner) {
        return sql.preparedQuery("with claimed as (update normalizer.rederive_queue q "
                        + "set claimed_until = clock_timestamp() + make_interval(secs => $2), claimed_by = $3 "
                        + "where q.resource_id in (select resource_id from normalizer.rederive_queue "
                        + "where claimed_until is null or claimed_until < clock_timestamp() or claimed_by = $3 "
                        + "order by enqueued_at limit $1 for update skip locked) "
                        + "returning q.resource_id, q.account_id, q.enqueued_at) "
                        + "select c.resource_id, c.account_id, c.enqueued_at, v.kafka_partition, v.kafka_offset "
                        + "from claimed c left join normalizer.record_versions v on v.resource_id = c.resource_id")
                .execute(Tuple.of(limit, seconds(lease), owner))
                .map(rows -> {
                    List<Claimed> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new Claimed(r.getUUID(0), r.getString(1), r.getOffsetDateTime(2), r.getInteger(3),
                                r.getLong(4)));
                    }
                    return out;
                });
    }

    /**
     * The heartbeat of a round that is still working: extends {@code owner}'s claims on {@code claimed} by {@code lease}
     * from now (rows queued again meanwhile are unclaimed and stay so); the number of claims renewed.
     */
    public Uni<Integer> renew(SqlClient sql, List<Claimed> claimed, Duration lease, String owner) {
        if (claimed.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return sql.preparedQuery("update normalizer.rederive_queue set claimed_until = clock_timestamp() "
                        + "+ make_interval(secs => $2) where resource_id = any($1) and claimed_by = $3 "
                        + "and claimed_until is not null")
                .execute(Tuple.of(claimed.stream().map(Claimed::resourceId).toArray(UUID[]::new), seconds(lease), owner))
                .map(rows -> rows.rowCount());
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /** Done: deletes the claimed rows that were not queued again meanwhile (those stay, unclaimed). */
    public Uni<Void> complete(SqlClient sql, List<Claimed> done) {
        if (done.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        UUID[] ids = new UUID[done.size()];
        OffsetDateTime[] at = new OffsetDateTime[done.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = done.get(i).resourceId();
            at[i] = done.get(i).enqueuedAt();
        }
        return sql.preparedQuery("delete from normalizer.rederive_queue q using unnest($1::uuid[], $2::timestamptz[]) "
                        + "as c(id, at) where q.resource_id = c.id and q.enqueued_at <= c.at")
                .execute(Tuple.of(ids, at)).replaceWithVoid();
    }

    /** Queued resources (claimed or not): 0 once every rule has converged. */
    public Uni<Long> pending(SqlClient sql) {
        return sql.query("select count(*) from normalizer.rederive_queue").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Queues the resources of {@code userId}'s other accounts whose class depends on the user's history. */
    public Uni<Integer> enqueueHistoryOf(SqlClient sql, String userId, String exceptAccountId) {
        if (userId == null) {
            return Uni.createFrom().item(0);
        }
        return sql.preparedQuery("insert into normalizer.rederive_queue (resource_id, account_id, reason) "
                        + "select distinct on (resource_id) resource_id, account_id, 'history' "
                        + "from normalizer.history_dependents where user_id = $1 and account_id <> $2" + ON_CONFLICT)
                .execute(Tuple.of(userId, exceptAccountId)).map(rows -> rows.rowCount());
    }

    /** A purged account: its queued resources and the history its mail depended on go with it. */
    public Uni<Void> deleteAccount(SqlClient sql, String accountId) {
        return sql.preparedQuery("delete from normalizer.rederive_queue where account_id = $1").execute(Tuple.of(accountId))
                .flatMap(r -> sql.preparedQuery("delete from normalizer.history_dependents where account_id = $1")
                        .execute(Tuple.of(accountId)))
                .replaceWithVoid();
    }
}

package io.interactionsync.normalizer.repository;

import io.interactionsync.model.Provider;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the normalizer made of resources, for the sync services' completeness audit: a resource was processed when a
 * raw record of it was applied, i.e. it has a {@code record_versions} row ({@link ResourceIds}); otherwise it was
 * dead-lettered if a {@code dead_lettered_resources} row names it ({@link DeadLetteredRepository}); otherwise it was
 * never seen. A version wins over a dead letter, whichever came last: the resource's events are those of its last
 * good record.
 */
@ApplicationScoped
public class IngestedRepository {

    /** A dead-lettered resource: the code and short reason of its last dead letter. */
    public record DeadLettered(String code, String reason) {
    }

    /** The requested resources that are not "never seen": processed, or dead-lettered (and never processed). */
    public record Known(Set<UUID> processed, Map<UUID, DeadLettered> deadLettered) {
    }

    /**
     * One primary-key probe of {@code record_versions} per id, and one of {@code dead_lettered_resources} per id that
     * has no version (the {@code v.found is null} condition refers only to the outer row, so PostgreSQL gates the
     * second probe with it instead of running it). The lateral subqueries with {@code limit 1} cannot be flattened into
     * joins, so the planner cannot trade the probes for a hash join over a scan of a whole table, which it does for a
     * plain {@code join unnest(…)} once the table holds a few ten thousand rows (IngestedIT checks the plan). A row
     * per known id: {@code code} null = processed.
     */
    public static final String KNOWN = "select k.id, d.code, d.reason from unnest($1::uuid[]) as k(id) "
            + "left join lateral (select true as found from normalizer.record_versions v "
            + "where v.resource_id = k.id limit 1) v on true "
            + "left join lateral (select d.code, d.reason from normalizer.dead_lettered_resources d "
            + "where v.found is null and d.resource_id = k.id limit 1) d on true "
            + "where v.found or d.code is not null";

    private final Pool pool;

    public IngestedRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * The provider of an account, as its events name it; empty when it has none (never synced, purged). Enough for the
     * ingested API's provider check: an account without events has nothing of the other provider to reveal.
     */
    public Uni<Optional<Provider>> provider(String accountId) {
        return pool.preparedQuery("select provider from normalizer.interaction_events where account_id = $1 limit 1")
                .execute(Tuple.of(accountId))
                .map(rows -> {
                    for (Row r : rows) {
                        return Optional.of(Provider.valueOf(r.getString(0).toUpperCase(java.util.Locale.ROOT)));
                    }
                    return Optional.empty();
                });
    }

    /** Which of {@code resourceIds} were processed or dead-lettered; the others were never seen. */
    public Uni<Known> known(Collection<UUID> resourceIds) {
        if (resourceIds.isEmpty()) {
            return Uni.createFrom().item(new Known(Set.of(), Map.of()));
        }
        return pool.preparedQuery(KNOWN)
                .execute(Tuple.of((Object) resourceIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Set<UUID> processed = new HashSet<>(rows.size() * 2);
                    Map<UUID, DeadLettered> dead = new HashMap<>();
                    for (Row r : rows) {
                        String code = r.getString(1);
                        if (code == null) {
                            processed.add(r.getUUID(0));
                        } else {
                            dead.put(r.getUUID(0), new DeadLettered(code, r.getString(2)));
                        }
                    }
                    return new Known(processed, dead);
                });
    }
}

package io.interactionsync.normalizer.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Which resources the normalizer has processed, for the sync services' completeness audit: a resource was processed
 * when a raw record of it was applied, i.e. it has a {@code record_versions} row ({@link ResourceIds}).
 */
@ApplicationScoped
public class IngestedRepository {

    /**
     * One primary-key probe per id. The lateral subquery with {@code limit 1} cannot be flattened into a join, so the
     * planner cannot trade the probes for a hash join over a scan of the whole table, which it does for a plain
     * {@code join unnest(…)} once the table holds a few ten thousand rows (IngestedIT checks the plan).
     */
    public static final String PROCESSED = "select k.id from unnest($1::uuid[]) as k(id) cross join lateral "
            + "(select 1 from normalizer.record_versions v where v.resource_id = k.id limit 1) v";

    private final Pool pool;

    public IngestedRepository(Pool pool) {
        this.pool = pool;
    }

    /** The subset of {@code resourceIds} that has been processed. */
    public Uni<Set<UUID>> processed(Collection<UUID> resourceIds) {
        if (resourceIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return pool.preparedQuery(PROCESSED)
                .execute(Tuple.of((Object) resourceIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Set<UUID> out = new HashSet<>(rows.size() * 2);
                    for (Row r : rows) {
                        out.add(r.getUUID(0));
                    }
                    return out;
                });
    }
}

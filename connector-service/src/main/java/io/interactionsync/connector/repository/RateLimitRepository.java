package io.interactionsync.connector.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.OptionalDouble;

/**
 * Per-user request counting in PostgreSQL (table {@code connector.rate_limits}), so that every replica sees the same
 * counts. One row per user × action holding the GCRA "theoretical arrival time" ({@code tat}): a request is allowed
 * when {@code max(tat, now) <= now + tolerance}, and then moves {@code tat} on by one emission interval — a token
 * bucket of {@code limit} requests refilled evenly over the period, in one atomic upsert (the row lock orders
 * concurrent requests of one user). Time is the database's ({@code statement_timestamp()}), never a replica's clock.
 */
@ApplicationScoped
public class RateLimitRepository {

    private final EntityManager em;

    public RateLimitRepository(EntityManager em) {
        this.em = em;
    }

    /**
     * Takes one request from the bucket, in the caller's transaction.
     *
     * @param intervalSeconds  period / limit: how far one request moves {@code tat}
     * @param toleranceSeconds period - interval: how far ahead of now {@code tat} may be (the burst)
     * @return empty when allowed; otherwise the seconds until the next request would be allowed
     */
    public OptionalDouble take(String userId, String action, double intervalSeconds, double toleranceSeconds) {
        int taken = em.createNativeQuery("""
                        insert into connector.rate_limits as r (user_id, action, tat)
                        values (?1, ?2, statement_timestamp() + ?3 * interval '1 second')
                        on conflict (user_id, action) do update
                           set tat = greatest(r.tat, statement_timestamp()) + ?3 * interval '1 second'
                           where greatest(r.tat, statement_timestamp()) <= statement_timestamp() + ?4 * interval '1 second'""")
                .setParameter(1, userId).setParameter(2, action).setParameter(3, intervalSeconds)
                .setParameter(4, toleranceSeconds).executeUpdate();
        if (taken == 1) {
            return OptionalDouble.empty();
        }
        Number ahead = (Number) em.createNativeQuery("""
                        select extract(epoch from (tat - statement_timestamp()))
                        from connector.rate_limits where user_id = ?1 and action = ?2""")
                .setParameter(1, userId).setParameter(2, action).getSingleResult();
        return OptionalDouble.of(ahead.doubleValue() - toleranceSeconds);
    }

    /** Rows whose bucket has been full for a day carry nothing a fresh row would not: deleted. */
    public int deleteIdle() {
        return em.createNativeQuery("delete from connector.rate_limits where tat < statement_timestamp() - interval '1 day'")
                .executeUpdate();
    }
}

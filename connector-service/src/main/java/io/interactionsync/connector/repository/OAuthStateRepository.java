package io.interactionsync.connector.repository;

import io.interactionsync.connector.OAuthState;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.Optional;

@ApplicationScoped
public class OAuthStateRepository implements PanacheRepositoryBase<OAuthState, String> {

    public Optional<OAuthState> findForUpdate(String state) {
        return Optional.ofNullable(findById(state, LockModeType.PESSIMISTIC_WRITE));
    }

    public long deleteExpiredBefore(Instant cutoff) {
        return delete("expiresAt < ?1", cutoff);
    }

    /**
     * Makes room for one more state of {@code userId}: serialises that user's authorize-url calls (a transaction
     * advisory lock, so it holds across replicas), deletes their expired states and the oldest unused ones beyond
     * {@code maxPending - 1}. Returns how many unused states were dropped.
     */
    public int makeRoomFor(String userId, int maxPending, Instant now) {
        var em = getEntityManager();
        em.createNativeQuery("select pg_advisory_xact_lock(hashtextextended('oauth_states:' || ?1, 0))")
                .setParameter(1, userId).getSingleResult();
        em.createNativeQuery("delete from connector.oauth_states where user_id = ?1 and expires_at <= ?2")
                .setParameter(1, userId).setParameter(2, now).executeUpdate();
        return em.createNativeQuery("""
                        delete from connector.oauth_states where state in (
                            select state from connector.oauth_states
                            where user_id = ?1 and used_at is null
                            order by created_at desc offset ?2)""")
                .setParameter(1, userId).setParameter(2, Math.max(0, maxPending - 1)).executeUpdate();
    }

    /** Unused, unexpired states of a user. */
    public long pending(String userId, Instant now) {
        return count("userId = ?1 and usedAt is null and expiresAt > ?2", userId, now);
    }
}

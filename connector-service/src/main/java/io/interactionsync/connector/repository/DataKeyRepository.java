package io.interactionsync.connector.repository;

import io.interactionsync.connector.DataKey;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class DataKeyRepository implements PanacheRepositoryBase<DataKey, String> {

    /**
     * Serialises everything that creates or destroys the key of {@code owner} (a transaction-scoped advisory lock):
     * a key is never created for an account or mailbox whose purge or last unsubscription is committing.
     */
    public void lockOwner(String owner) {
        getEntityManager().createNativeQuery("select 1 from pg_advisory_xact_lock(8081005, hashtext(?1))")
                .setParameter(1, owner).getSingleResult();
    }

    public Optional<DataKey> live(String owner) {
        return find("owner = ?1 and destroyedAt is null", owner).firstResultOptional();
    }

    public boolean anyDestroyed(String owner) {
        return count("owner = ?1 and destroyedAt is not null", owner) > 0;
    }

    /** Erases the key material of the owner's live key; returns how many keys were destroyed (0 or 1). */
    public int destroy(String owner, Instant at) {
        return update("keyEnc = null, tokenKeyId = null, destroyedAt = ?2 where owner = ?1 and destroyedAt is null",
                owner, at);
    }

    /** Locks up to {@code limit} live keys wrapped with another keyring key than {@code keyId}, skipping locked rows. */
    public List<DataKey> lockBatchWrappedWithOtherKey(String keyId, int limit) {
        return find("destroyedAt is null and tokenKeyId <> ?1 order by kid", keyId)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .withHint("jakarta.persistence.lock.timeout", org.hibernate.Timeouts.SKIP_LOCKED_MILLI)
                .page(0, limit).list();
    }
}

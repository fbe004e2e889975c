package io.interactionsync.connector.repository;

import io.interactionsync.connector.Account;
import io.interactionsync.model.Provider;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import io.quarkus.panache.common.Parameters;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class AccountRepository implements PanacheRepositoryBase<Account, UUID> {

    /** The caller's account, unless it was disconnected. Someone else's id looks like a missing one. */
    public Optional<Account> findOwned(UUID id, String userId) {
        return find("id = ?1 and userId = ?2 and status <> ?3", id, userId, Account.Status.DISCONNECTED)
                .firstResultOptional();
    }

    public List<Account> listOwned(String userId, Provider provider) {
        return list("userId = ?1 and provider = ?2 and status <> ?3 order by createdAt", userId, provider,
                Account.Status.DISCONNECTED);
    }

    /**
     * The live (not disconnected) row of a provider identity. A disconnected row is history: the same mailbox
     * connected again becomes a new account with a new id (one live row per identity, a partial unique index).
     */
    public Optional<Account> findByProviderIdentityForUpdate(Provider provider, String providerUserId) {
        return find("provider = ?1 and providerUserId = ?2 and status <> ?3", provider, providerUserId,
                Account.Status.DISCONNECTED)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public Optional<Account> findForUpdate(UUID id) {
        return Optional.ofNullable(findById(id, LockModeType.PESSIMISTIC_WRITE));
    }

    /** Locks up to {@code limit} rows whose tokens are sealed with another key than {@code keyId}, skipping locked rows. */
    public List<Account> lockBatchSealedWithOtherKey(String keyId, int limit) {
        return find("tokenKeyId is not null and tokenKeyId <> ?1 order by id", keyId)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .withHint("jakarta.persistence.lock.timeout", org.hibernate.Timeouts.SKIP_LOCKED_MILLI)
                .page(0, limit).list();
    }

    /**
     * One page of every user's connected (not disconnected) accounts, newest first ({@code createdAt desc, id desc}),
     * after the keyset ({@code afterCreatedAt}, {@code afterId}) when given: stable while accounts are added.
     */
    public List<Account> pageConnected(Provider provider, Instant afterCreatedAt, UUID afterId, int size) {
        StringBuilder q = new StringBuilder("status <> :disconnected");
        Parameters p = Parameters.with("disconnected", Account.Status.DISCONNECTED);
        if (provider != null) {
            q.append(" and provider = :provider");
            p.and("provider", provider);
        }
        if (afterCreatedAt != null) {
            q.append(" and (createdAt < :after or (createdAt = :after and id < :afterId))");
            p.and("after", afterCreatedAt).and("afterId", afterId);
        }
        return find(q.append(" order by createdAt desc, id desc").toString(), p).page(0, size).list();
    }

    public List<Account> listActive() {
        return list("status = ?1 order by id", Account.Status.ACTIVE);
    }
}

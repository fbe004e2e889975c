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
}

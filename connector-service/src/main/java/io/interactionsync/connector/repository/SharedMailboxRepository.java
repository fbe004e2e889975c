package io.interactionsync.connector.repository;

import io.interactionsync.connector.SharedMailbox;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class SharedMailboxRepository implements PanacheRepositoryBase<SharedMailbox, SharedMailbox.Key> {

    public List<String> addresses(UUID accountId) {
        return list("key.accountId = ?1 order by key.address", accountId).stream().map(m -> m.key.address).toList();
    }

    /** Addresses per account, for listing several accounts at once. */
    public Map<UUID, List<String>> addresses(Collection<UUID> accountIds) {
        Map<UUID, List<String>> out = new LinkedHashMap<>();
        if (accountIds.isEmpty()) {
            return out;
        }
        list("key.accountId in ?1 order by key.address", accountIds)
                .forEach(m -> out.computeIfAbsent(m.key.accountId, k -> new java.util.ArrayList<>()).add(m.key.address));
        return out;
    }

    /** The account's subscriptions, by address. */
    public List<SharedMailbox> forAccount(UUID accountId) {
        return list("key.accountId = ?1 order by key.address", accountId);
    }

    /** Subscriptions per account, for listing several accounts at once. */
    public Map<UUID, List<SharedMailbox>> forAccounts(Collection<UUID> accountIds) {
        Map<UUID, List<SharedMailbox>> out = new LinkedHashMap<>();
        if (accountIds.isEmpty()) {
            return out;
        }
        list("key.accountId in ?1 order by key.address", accountIds)
                .forEach(m -> out.computeIfAbsent(m.key.accountId, k -> new java.util.ArrayList<>()).add(m));
        return out;
    }

    /** The account's subscriptions (one, or all when {@code address} is null), locked until the transaction ends. */
    public List<SharedMailbox> lockForAccount(UUID accountId, String address) {
        return (address == null
                ? find("key.accountId = ?1 order by key.address", accountId)
                : find("key.accountId = ?1 and key.address = ?2", accountId, address))
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).list();
    }

    public long countFor(UUID accountId) {
        return count("key.accountId", accountId);
    }
}

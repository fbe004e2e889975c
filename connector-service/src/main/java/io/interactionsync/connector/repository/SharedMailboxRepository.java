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

    public long countFor(UUID accountId) {
        return count("key.accountId", accountId);
    }
}

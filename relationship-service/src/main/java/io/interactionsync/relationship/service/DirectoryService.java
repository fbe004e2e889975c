package io.interactionsync.relationship.service;

import io.interactionsync.model.AccountEvent;
import io.interactionsync.relationship.config.RelationshipConfig;
import io.interactionsync.relationship.repository.Db;
import io.interactionsync.relationship.repository.TiePair;
import io.interactionsync.relationship.repository.WriteRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code account-events}, a batch in order in one transaction holding the exclusive write lock: accounts (user id,
 * email) from {@code connected}/{@code scopes_changed}; collections from {@code directory_changed}; blocklists from
 * {@code blocklist_changed} (stored, and applied at once to existing events); {@code disconnected} with
 * {@code purge=true} removes every contribution of the account now and for good. Other types do not concern scores.
 */
@ApplicationScoped
public class DirectoryService {

    private final Db db;
    private final WriteRepository writes;
    private final RelationshipConfig config;
    private final RelationshipMetrics metrics;

    public DirectoryService(Db db, WriteRepository writes, RelationshipConfig config, RelationshipMetrics metrics) {
        this.db = db;
        this.writes = writes;
        this.config = config;
        this.metrics = metrics;
    }

    public void apply(List<AccountEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        db.writing(true, c -> {
            Set<TiePair> affected = new HashSet<>();
            for (AccountEvent event : events) {
                if (event.type() != null) {
                    affected.addAll(apply(c, event));
                }
            }
            writes.recomputeTies(c, affected, Instant.now(), config.scoring().imbalanceFactor());
            return null;
        });
    }

    /** One event; returns the ties whose events it removed. */
    private Set<TiePair> apply(Connection c, AccountEvent event) throws SQLException {
        switch (event.type()) {
            case CONNECTED, SCOPES_CHANGED -> {
                if (event.accountId() == null || event.userId() == null) {
                    return Set.of();
                }
                writes.upsertAccount(c, event.accountId(), event.userId(), lower(event.email()));
                // a new address may make the user a member of a collection with a blocklist
                return enforceBlocklists(c, Set.of(event.userId()));
            }
            case DISCONNECTED -> {
                if (!Boolean.TRUE.equals(event.purge()) || event.accountId() == null) {
                    return Set.of();
                }
                writes.markErased(c, event.accountId(), event.at() == null ? Instant.now() : event.at());
                writes.deleteAccount(c, event.accountId());
                return removed(writes.deleteAccountEvents(c, event.accountId()));
            }
            case DIRECTORY_CHANGED -> {
                AccountEvent.Directory d = event.directory();
                if (d == null || d.collectionId() == null) {
                    return Set.of();
                }
                List<String> members = d.memberEmails() == null ? List.of()
                        : d.memberEmails().stream().map(DirectoryService::lower).distinct().toList();
                List<String> domains = d.internalDomains() == null ? List.of()
                        : d.internalDomains().stream().map(DirectoryService::lower)
                                .map(domain -> domain.startsWith("@") ? domain.substring(1) : domain)
                                .distinct().toList();
                writes.upsertCollection(c, d.collectionId(), d.name(), members, domains);
                return enforceBlocklists(c, writes.collectionUsers(c, d.collectionId()));
            }
            case BLOCKLIST_CHANGED -> {
                AccountEvent.Blocklist b = event.blocklist();
                if (b == null || b.scope() == null || b.ownerId() == null) {
                    return Set.of();
                }
                List<String> entries = b.entries() == null ? List.of()
                        : b.entries().stream().map(DirectoryService::lower).distinct().toList();
                boolean user = b.scope() == AccountEvent.Blocklist.Scope.USER;
                writes.upsertBlocklist(c, user ? "user" : "collection", b.ownerId(), entries);
                Set<String> users = user ? Set.of(b.ownerId()) : writes.collectionUsers(c, b.ownerId());
                return removed(writes.deleteBlocked(c, users, entries));
            }
            default -> {
                return Set.of();
            }
        }
    }

    /** Applies every list that concerns these users (own and collections') to their stored events. */
    private Set<TiePair> enforceBlocklists(Connection c, Set<String> users) throws SQLException {
        Set<TiePair> out = new HashSet<>();
        for (Map.Entry<String, List<String>> e : writes.blocklistsOf(c, users).entrySet()) {
            out.addAll(removed(writes.deleteBlocked(c, Set.of(e.getKey()), e.getValue())));
        }
        return out;
    }

    private Set<TiePair> removed(WriteRepository.Deleted deleted) {
        metrics.removed(deleted.events());
        return deleted.ties();
    }

    private static String lower(String s) {
        return s == null ? null : s.strip().toLowerCase(Locale.ROOT);
    }
}

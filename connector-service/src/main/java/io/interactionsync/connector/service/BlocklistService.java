package io.interactionsync.connector.service;

import io.interactionsync.connector.Blocklist;
import io.interactionsync.connector.repository.BlocklistRepository;
import io.interactionsync.connector.repository.CollectionRepository;
import io.interactionsync.connector.rest.dto.BlocklistView;
import io.interactionsync.connector.rest.problem.ApiException;
import io.interactionsync.model.AccountEvent;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Blocklists (issue 17 item 2): a portal user's own and a team collection's. A PUT replaces the whole list, then
 * {@code blocklist_changed} (keyed by the user id or the collection id, carrying the complete list) tells the
 * normalizer, which erases the events with a now-blocked contact and never stores new ones.
 */
@ApplicationScoped
public class BlocklistService {

    /** Longest entry accepted: an address is at most 320 characters (RFC 5321 limits 64 + 1 + 255). */
    static final int MAX_ENTRY_LENGTH = 320;

    private final BlocklistRepository blocklists;
    private final CollectionRepository collections;
    private final EventPublisher publisher;
    private final Clock clock;

    public BlocklistService(BlocklistRepository blocklists, CollectionRepository collections, EventPublisher publisher,
                            Clock clock) {
        this.blocklists = blocklists;
        this.collections = collections;
        this.publisher = publisher;
        this.clock = clock;
    }

    public BlocklistView getForUser(String userId) {
        return get(AccountEvent.Blocklist.Scope.USER, userId);
    }

    public BlocklistView putForUser(String userId, List<String> rawEntries) {
        return put(AccountEvent.Blocklist.Scope.USER, userId, rawEntries, userId);
    }

    public BlocklistView getForCollection(String collectionId) {
        DirectoryService.requireValidId(collectionId);
        requireCollection(collectionId);
        return get(AccountEvent.Blocklist.Scope.COLLECTION, collectionId);
    }

    public BlocklistView putForCollection(String collectionId, List<String> rawEntries, String adminId) {
        DirectoryService.requireValidId(collectionId);
        requireCollection(collectionId);
        return put(AccountEvent.Blocklist.Scope.COLLECTION, collectionId, rawEntries, adminId);
    }

    private BlocklistView get(AccountEvent.Blocklist.Scope scope, String ownerId) {
        return QuarkusTransaction.requiringNew().call(() -> blocklists.findByIdOptional(key(scope, ownerId))
                .map(b -> view(scope, ownerId, b.entries, b.updatedAt))
                .orElseGet(() -> view(scope, ownerId, List.of(), null)));
    }

    private BlocklistView put(AccountEvent.Blocklist.Scope scope, String ownerId, List<String> rawEntries,
                              String updatedBy) {
        List<String> entries = normalise(rawEntries);
        Instant now = clock.instant();
        long queued = QuarkusTransaction.requiringNew().call(() -> {
            Blocklist b = blocklists.findByIdOptional(key(scope, ownerId)).orElse(null);
            if (b == null) {
                b = new Blocklist();
                b.key = key(scope, ownerId);
            }
            b.entries = entries;
            b.updatedBy = updatedBy;
            b.updatedAt = now;
            if (!blocklists.isPersistent(b)) {
                blocklists.persist(b);
            }
            // In the same transaction (outbox): the normalizer learns every committed list, even after a crash.
            return publisher.publish(AccountEvent.blocklistChanged(new AccountEvent.Blocklist(scope, ownerId, entries),
                    now));
        });
        publisher.awaitPublished(queued);
        Log.infof("%s blocklist %s replaced: %d entries", scope == AccountEvent.Blocklist.Scope.USER ? "user" : "collection",
                ownerId, entries.size());
        return view(scope, ownerId, entries, now);
    }

    /**
     * Lower-cased, trimmed, duplicates dropped (first occurrence kept). Every bad entry is reported by index with a
     * reason, never with its value (the problem is also what a log would show).
     */
    static List<String> normalise(List<String> raw) {
        Set<String> out = new LinkedHashSet<>();
        List<Map<String, Object>> bad = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String value = raw.get(i);
            String reason = null;
            String normalised = null;
            if (value == null || value.isBlank()) {
                reason = "empty";
            } else if (value.length() > MAX_ENTRY_LENGTH) {
                reason = "longer than " + MAX_ENTRY_LENGTH + " characters";
            } else if (value.trim().startsWith("@")) {
                String domain = Addresses.normaliseDomain(value.trim().substring(1));
                if (domain == null || value.trim().substring(1).startsWith("@")) {
                    reason = "not a domain after '@'";
                } else {
                    normalised = "@" + domain;
                }
            } else {
                normalised = Addresses.normaliseEmail(value);
                if (normalised == null) {
                    reason = "neither an e-mail address (local@domain) nor @domain";
                }
            }
            if (reason != null) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("index", i);
                entry.put("reason", reason);
                bad.add(entry);
            } else {
                out.add(normalised);
            }
        }
        if (!bad.isEmpty()) {
            throw new ApiException(400, "invalid_blocklist_entries", bad.size() + " of " + raw.size()
                    + " entries are neither an e-mail address nor '@' followed by a domain; see invalidEntries.",
                    Map.of("invalidEntries", bad));
        }
        return List.copyOf(out);
    }

    private void requireCollection(String collectionId) {
        boolean exists = QuarkusTransaction.requiringNew().call(() -> collections.findByIdOptional(collectionId).isPresent());
        if (!exists) {
            throw ApiException.notFound("collection_not_found", "No such collection.");
        }
    }

    private static Blocklist.Key key(AccountEvent.Blocklist.Scope scope, String ownerId) {
        return new Blocklist.Key(scope == AccountEvent.Blocklist.Scope.USER ? Blocklist.USER : Blocklist.COLLECTION, ownerId);
    }

    private static BlocklistView view(AccountEvent.Blocklist.Scope scope, String ownerId, List<String> entries,
                                      Instant updatedAt) {
        boolean user = scope == AccountEvent.Blocklist.Scope.USER;
        return new BlocklistView(user ? Blocklist.USER : Blocklist.COLLECTION, user ? null : ownerId, List.copyOf(entries),
                updatedAt);
    }
}

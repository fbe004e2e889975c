package io.interactionsync.relationship.service;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.LogSafe;
import io.interactionsync.relationship.config.RelationshipConfig;
import io.interactionsync.relationship.repository.Db;
import io.interactionsync.relationship.repository.EventRow;
import io.interactionsync.relationship.repository.TiePair;
import io.interactionsync.relationship.repository.WriteRepository;
import io.interactionsync.relationship.scoring.StrengthRules;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Applies a batch of {@code interaction-events-state} records in one transaction: the last value per key (event id)
 * wins; a tombstone or {@code deleted=true} removes the event; erased accounts and blocked contacts are dropped; the
 * affected ties are recomputed. Idempotent: a redelivered batch ends in the same rows. Unreadable or invalid values
 * are counted, logged (no addresses) and skipped. Memory is bounded by the batch.
 */
@ApplicationScoped
public class IngestService {

    private final Db db;
    private final WriteRepository writes;
    private final StrengthRules rules;
    private final RelationshipConfig config;
    private final RelationshipMetrics metrics;
    /** The live consumer applies under the read lock; a rebuild holds the write lock while it empties and refills. */
    private final ReadWriteLock rebuildLock = new ReentrantReadWriteLock();

    public IngestService(Db db, WriteRepository writes, RelationshipConfig config, RelationshipMetrics metrics) {
        this.db = db;
        this.writes = writes;
        this.config = config;
        this.rules = new StrengthRules(config.scoring());
        this.metrics = metrics;
        rules.checkRange(Instant.now().plus(java.time.Duration.ofDays(3650)));
    }

    public StrengthRules rules() {
        return rules;
    }

    ReadWriteLock rebuildLock() {
        return rebuildLock;
    }

    /** The outcome of one batch. */
    public record Applied(int stored, int removed, int skipped) {
    }

    public Applied apply(List<ConsumerRecord<String, byte[]>> records) {
        rebuildLock.readLock().lock();
        try {
            return applyUnlocked(records, true);
        } finally {
            rebuildLock.readLock().unlock();
        }
    }

    /** {@code recomputeTies=false}: the rebuild computes every tie once at its end instead of once per batch. */
    Applied applyUnlocked(List<ConsumerRecord<String, byte[]>> records, boolean recomputeTies) {
        // last value per event id: a compacted topic's later record supersedes an earlier one
        Map<UUID, InteractionEvent> latest = new LinkedHashMap<>();
        int unreadable = 0;
        int invalid = 0;
        for (ConsumerRecord<String, byte[]> record : records) {
            UUID key;
            try {
                key = UUID.fromString(record.key());
            } catch (RuntimeException e) {
                invalid++;
                Log.warnf("skipping %s-%d@%d: the key is not an event id", record.topic(), record.partition(),
                        record.offset());
                continue;
            }
            if (record.value() == null) {
                latest.remove(key);
                latest.put(key, null);
                continue;
            }
            try {
                InteractionEvent event = Json.mapper().readValue(record.value(), InteractionEvent.class);
                String problem = problem(event, key);
                if (problem != null) {
                    invalid++;
                    Log.warnf("skipping %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), problem);
                    // an invalid value still supersedes what the key held before
                    latest.remove(key);
                    latest.put(key, null);
                    continue;
                }
                latest.remove(key);
                latest.put(key, event.deleted() ? null : event);
            } catch (java.io.IOException | RuntimeException e) {
                unreadable++;
                Log.warnf("skipping unreadable %s-%d@%d: %s", record.topic(), record.partition(), record.offset(),
                        LogSafe.redact(e.getMessage()));
            }
        }
        metrics.skipped("unreadable", unreadable);
        metrics.skipped("invalid", invalid);
        if (latest.isEmpty()) {
            return new Applied(0, 0, unreadable + invalid);
        }
        Instant now = Instant.now();
        int[] counts = metrics.scoring().record(() -> db.writing(false, c -> {
            Set<String> accounts = new HashSet<>();
            Set<String> users = new HashSet<>();
            for (InteractionEvent e : latest.values()) {
                if (e != null) {
                    accounts.add(e.accountId());
                    users.add(e.userId());
                }
            }
            Set<String> erased = writes.erased(c, accounts);
            Map<String, List<String>> blocklists = writes.blocklistsOf(c, users);
            List<EventRow> rows = new ArrayList<>();
            int blocked = 0;
            int erasedCount = 0;
            int removed = 0;
            for (Map.Entry<UUID, InteractionEvent> entry : latest.entrySet()) {
                InteractionEvent e = entry.getValue();
                if (e == null) {
                    removed++;
                } else if (erased.contains(e.accountId())) {
                    erasedCount++;
                } else if (Blocklists.blocked(e.contactEmail(), blocklists.get(e.userId()))) {
                    blocked++;
                } else {
                    rows.add(row(e));
                }
            }
            Set<TiePair> affected = new HashSet<>(writes.deleteEvents(c, latest.keySet()));
            writes.insertEvents(c, rows);
            if (recomputeTies) {
                for (EventRow r : rows) {
                    affected.add(new TiePair(r.userId(), r.contactEmail()));
                }
                writes.recomputeTies(c, affected, now, config.scoring().imbalanceFactor());
            }
            metrics.skipped("blocked", blocked);
            metrics.skipped("erased", erasedCount);
            return new int[] {rows.size(), removed, blocked + erasedCount};
        }));
        metrics.applied(counts[0]);
        metrics.removed(counts[1]);
        return new Applied(counts[0], counts[1], unreadable + invalid + counts[2]);
    }

    /** Why an event cannot be scored, or null. */
    static String problem(InteractionEvent e, UUID key) {
        if (e.id() == null || !e.id().equals(key)) {
            return "the value's id is missing or differs from the key";
        }
        if (e.userId() == null || e.accountId() == null || e.contactEmail() == null || e.contactEmail().indexOf('@') < 1
                || e.occurredAt() == null || e.kind() == null || e.direction() == null || e.role() == null
                || e.source() == null) {
            return "a required field is missing "
                    + "(userId, accountId, contactEmail, occurredAt, kind, direction, role, source)";
        }
        return null;
    }

    private EventRow row(InteractionEvent e) {
        StrengthRules.Weighted w = rules.weigh(e);
        return new EventRow(e.id(), e.userId(), e.accountId(), e.contactEmail().toLowerCase(Locale.ROOT),
                e.contactName(), wire(e.kind()), wire(e.direction()), wire(e.role()), w.bucket().code(), w.weight(),
                rules.anchored(w.weight(), e.occurredAt()), e.occurredAt(), StrengthRules.dedupKey(e),
                e.source().wireName(), e.threadId(), e.internetMessageId());
    }

    private static String wire(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** Computes every tie from the stored events, ~10,000 member × contact pairs per transaction (rebuild). */
    void recomputeAllTies() {
        TiePair after = new TiePair("", "");
        while (after != null) {
            TiePair from = after;
            Instant now = Instant.now();
            after = db.writing(false, c -> {
                TiePair last = writes.pairBoundary(c, from, 10_000);
                if (last != null) {
                    writes.computeTieRange(c, from, last, now, config.scoring().imbalanceFactor());
                }
                return last;
            });
        }
    }

    /** Recomputes the ties whose future events (meetings) have started; returns how many. */
    public int promoteDue() {
        int total = 0;
        while (true) {
            Instant now = Instant.now();
            int n = db.writing(false, c -> {
                List<TiePair> due = writes.dueTies(c, now, 1000);
                writes.recomputeTies(c, due, now, config.scoring().imbalanceFactor());
                return due.size();
            });
            total += n;
            if (n < 1000) {
                return total;
            }
        }
    }
}

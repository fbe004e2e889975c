package io.interactionsync.sync.publish;

import io.interactionsync.model.RawRecord;
import io.interactionsync.model.RawRecordSeal;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.SyncSettings;
import io.interactionsync.sync.connector.ConnectorClient;
import io.interactionsync.sync.connector.DataKeyClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;

/**
 * Seals raw records before they are published (crypto-shredding, common-model {@link RawRecordSeal}): each record's
 * mailbox and payload are encrypted with its owner's data key — {@code mailbox:<shared address>} for a shared
 * mailbox's record, else {@code account:<accountId>} — which the connector hands out and destroys on purge. Keys are
 * cached for {@code <prefix>.raw-records.key-cache-ttl}. A key the connector answers 410 {@code erased} (or 404) for
 * ends the job ({@link ConnectorClient.AccountGoneException}); an unreachable connector makes it retry later
 * ({@link ConnectorClient.ConnectorUnavailableException}): nothing is ever published unsealed when sealing is on.
 */
@ApplicationScoped
public class RawRecordSealer {

    /** Where data keys come from: the connector, or a stub in unit tests. */
    @FunctionalInterface
    public interface KeySource {
        DataKeyClient.DataKey dataKey(String owner);
    }

    private record Cached(String kid, SecretKey key, Instant expiresAt) {
    }

    private final KeySource keys;
    private final boolean enabled;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    public RawRecordSealer(DataKeyClient connector, SyncServiceDefinition service) {
        this(connector::dataKey, service.settings().rawRecords(), Clock.systemUTC());
    }

    public RawRecordSealer(KeySource keys, SyncSettings.RawRecords settings, Clock clock) {
        this.keys = keys;
        this.enabled = settings.seal();
        this.ttl = settings.keyCacheTtl();
        this.clock = clock;
    }

    public boolean enabled() {
        return enabled;
    }

    /** The records sealed (in order), or unchanged when sealing is off. */
    public List<RawRecord> seal(List<RawRecord> records) {
        if (!enabled || records.isEmpty()) {
            return records;
        }
        Map<String, Cached> batch = new HashMap<>();
        List<RawRecord> out = new ArrayList<>(records.size());
        for (RawRecord r : records) {
            if (r.sealed() != null) {
                out.add(r);
                continue;
            }
            Cached k = batch.computeIfAbsent(owner(r), this::key);
            out.add(RawRecordSeal.seal(r, k.kid(), k.key()));
        }
        return out;
    }

    private Cached key(String owner) {
        Instant now = clock.instant();
        Cached cached = cache.get(owner);
        if (cached != null && now.isBefore(cached.expiresAt())) {
            return cached;
        }
        DataKeyClient.DataKey fresh = keys.dataKey(owner); // erased → AccountGoneException, down → unavailable
        Cached c = new Cached(fresh.kid(), RawRecordSeal.key(fresh.key()), now.plus(ttl));
        cache.put(owner, c);
        return c;
    }

    /** Whose key seals the record: the shared mailbox's for a shared mailbox's record, else the account's. */
    public static String owner(RawRecord r) {
        return r.sharedMailbox() && r.mailbox() != null
                ? "mailbox:" + r.mailbox().strip().toLowerCase(Locale.ROOT)
                : "account:" + r.accountId();
    }
}

package io.interactionsync.normalizer.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.interactionsync.model.RawRecordSeal;
import io.interactionsync.normalizer.client.DataKeyRestClient;
import io.interactionsync.normalizer.config.NormalizerConfig;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * {@link DataKeys} from the connector ({@code GET /internal/v1/data-keys/{kid}}), cached by kid: a usable key for
 * {@code normalizer.data-keys.cache-ttl} (10 min; a key destroyed meanwhile is noticed after that, and the purge's
 * {@code erased_accounts} row stops the account's records at once anyway), an erased one for good (a destroyed key
 * never comes back), an unknown one for {@code unknown-ttl}. The ids a batch misses are asked for together (at most
 * 16 at a time). A purge this replica applies evicts the account's keys ({@link #evictOwner}).
 */
@ApplicationScoped
public class DataKeyCache implements DataKeys {

    private static final int CONCURRENT_FETCHES = 16;

    private final DataKeyRestClient rest;
    private final NormalizerMetrics metrics;
    private final Duration timeout;
    private final Cache<String, Lookup> cache;

    @Inject
    public DataKeyCache(@RestClient DataKeyRestClient rest, NormalizerMetrics metrics, NormalizerConfig config) {
        this.rest = rest;
        this.metrics = metrics;
        NormalizerConfig.DataKeys c = config.dataKeys();
        this.timeout = c.timeout();
        long found = c.cacheTtl().toNanos();
        long unknown = c.unknownTtl().toNanos();
        this.cache = Caffeine.newBuilder().maximumSize(c.cacheSize()).expireAfter(new Expiry<String, Lookup>() {
            @Override
            public long expireAfterCreate(String kid, Lookup value, long now) {
                return switch (value) {
                    case Found f -> found;
                    case Erased e -> Long.MAX_VALUE;
                    case Unknown u -> unknown;
                };
            }

            @Override
            public long expireAfterUpdate(String kid, Lookup value, long now, long current) {
                return expireAfterCreate(kid, value, now);
            }

            @Override
            public long expireAfterRead(String kid, Lookup value, long now, long current) {
                return current;
            }
        }).build();
    }

    @Override
    public Map<String, Lookup> resolve(Set<String> kids) {
        Map<String, Lookup> out = new HashMap<>(kids.size() * 2);
        List<String> missing = new java.util.ArrayList<>();
        for (String kid : kids) {
            Lookup cached = cache.getIfPresent(kid);
            if (cached != null) {
                out.put(kid, cached);
            } else {
                missing.add(kid);
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        List<Map.Entry<String, Lookup>> fetched;
        try {
            fetched = Multi.createFrom().iterable(missing)
                    .onItem().transformToUni(this::fetch).merge(CONCURRENT_FETCHES)
                    .collect().asList().await().atMost(timeout);
        } catch (RuntimeException e) {
            metrics.dataKeyFetch("failed", missing.size());
            throw new UnavailableException("the connector did not hand out " + missing.size() + " data keys: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        for (Map.Entry<String, Lookup> e : fetched) {
            cache.put(e.getKey(), e.getValue());
            out.put(e.getKey(), e.getValue());
            metrics.dataKeyFetch(switch (e.getValue()) {
                case Found f -> "found";
                case Erased x -> "erased";
                case Unknown u -> "unknown";
            }, 1);
        }
        return out;
    }

    private Uni<Map.Entry<String, Lookup>> fetch(String kid) {
        return rest.key(kid)
                .map(r -> Map.entry(kid, found(kid, r)))
                .onFailure(WebApplicationException.class).recoverWithUni(e -> {
                    int status = ((WebApplicationException) e).getResponse().getStatus();
                    if (status == 410) {
                        return Uni.createFrom().item(Map.entry(kid, new Erased()));
                    }
                    if (status == 404) {
                        return Uni.createFrom().item(Map.entry(kid, new Unknown()));
                    }
                    return Uni.createFrom().failure(e);
                });
    }

    private static Lookup found(String kid, DataKeyRestClient.DataKeyResponse r) {
        if (r == null || !kid.equals(r.kid()) || r.owner() == null || r.key() == null) {
            throw new IllegalStateException("the connector answered an incomplete data key for " + kid);
        }
        return new Found(r.owner(), RawRecordSeal.key(Base64.getDecoder().decode(r.key())));
    }

    /** Forgets the keys of {@code owner} (a purge applied here): the next record asks the connector, which says 410. */
    public void evictOwner(String owner) {
        int before = (int) cache.estimatedSize();
        cache.asMap().entrySet().removeIf(e -> e.getValue() instanceof Found f && f.owner().equals(owner));
        Log.debugf("data keys of %s evicted (%d cached before)", owner, before);
    }
}

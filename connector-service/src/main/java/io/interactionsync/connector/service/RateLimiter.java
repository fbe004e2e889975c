package io.interactionsync.connector.service;

import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.connector.repository.RateLimitRepository;
import io.interactionsync.connector.rest.problem.RateLimitedException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.configuration.DurationConverter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Per-user rate limits of the calls that cost something: {@code authorize-url} (a state row each), manual sync and
 * audit (a provider round for every source). Counted in PostgreSQL ({@link RateLimitRepository}), so N replicas
 * together allow exactly the configured rate. Over the limit → 429 {@code rate_limited} with {@code Retry-After}.
 */
@ApplicationScoped
public class RateLimiter {

    /** What is limited; the wire name is the row's {@code action}. */
    public enum Action {
        AUTHORIZE_URL, SYNC, AUDIT;

        String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** {@code limit} requests per {@code period}, evenly refilled (a burst of {@code limit} is allowed). */
    public record Limit(int limit, Duration period) {

        /** {@code 20/10m}, {@code 4/1h}; {@code off} → null. */
        public static Limit parse(String key, String value) {
            String v = value.strip();
            if (v.equalsIgnoreCase("off")) {
                return null;
            }
            int slash = v.indexOf('/');
            try {
                int limit = Integer.parseInt(v.substring(0, slash).strip());
                Duration period = DurationConverter.parseDuration(v.substring(slash + 1).strip());
                if (limit < 1 || period == null || period.isNegative() || period.isZero()) {
                    throw new IllegalArgumentException("limit and period must be positive");
                }
                return new Limit(limit, period);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("connector.rate-limits." + key + " must be <requests>/<period> "
                        + "(e.g. 20/10m) or off, not '" + value + "'", e);
            }
        }

        double intervalSeconds() {
            return period.toNanos() / 1e9 / limit;
        }

        double toleranceSeconds() {
            return period.toNanos() / 1e9 - intervalSeconds();
        }
    }

    private final Map<Action, Limit> limits = new EnumMap<>(Action.class);
    private final RateLimitRepository repository;
    private final MeterRegistry meters;

    public RateLimiter(ConnectorConfig config, RateLimitRepository repository, MeterRegistry meters) {
        this.repository = repository;
        this.meters = meters;
        put(Action.AUTHORIZE_URL, "authorize-url", config.rateLimits().authorizeUrl());
        put(Action.SYNC, "sync", config.rateLimits().sync());
        put(Action.AUDIT, "audit", config.rateLimits().audit());
    }

    private void put(Action action, String key, String value) {
        Limit limit = Limit.parse(key, value);
        if (limit != null) {
            limits.put(action, limit);
        }
    }

    /** Counts one request of {@code userId}; throws {@link RateLimitedException} (429) when over the limit. */
    public void acquire(String userId, Action action) {
        Limit limit = limits.get(action);
        if (limit == null) {
            return;
        }
        OptionalDouble wait = QuarkusTransaction.requiringNew().call(() -> repository.take(userId,
                action.wireName(), limit.intervalSeconds(), limit.toleranceSeconds()));
        if (wait.isPresent()) {
            meters.counter("connector.rate_limited", "action", action.wireName()).increment();
            long retryAfter = Math.max(1, (long) Math.ceil(wait.getAsDouble()));
            Log.debugf("rate limited %s (retry after %d s)", action.wireName(), retryAfter);
            throw new RateLimitedException(retryAfter, "Too many " + action.wireName() + " requests: at most "
                    + limit.limit() + " per " + limit.period().toString().substring(2).toLowerCase(Locale.ROOT)
                    + "; retry after " + retryAfter + " s.");
        }
    }
}

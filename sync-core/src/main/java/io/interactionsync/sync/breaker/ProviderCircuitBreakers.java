package io.interactionsync.sync.breaker;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates the service's provider circuit breakers (one per name) with {@link CircuitBreakerSettings}, and finds them by
 * name. A provider client creates its breaker at startup (it is a {@code @Startup} bean), so the breaker is registered
 * with SmallRye's {@code CircuitBreakerMaintenance} before the first metrics scrape.
 */
@Singleton
public class ProviderCircuitBreakers {

    private final CircuitBreakerSettings settings;
    private final Map<String, ProviderCircuitBreaker> breakers = new ConcurrentHashMap<>();

    public ProviderCircuitBreakers(CircuitBreakerSettings settings) {
        this.settings = settings;
    }

    /**
     * @param name         the breaker's name (metric label {@code circuitBreaker}, {@code CircuitBreakerMaintenance})
     * @param description  the {@code method} label of SmallRye's {@code ft_circuitbreaker_*} meters
     * @param providerWide the failures that count; every other outcome is an answered call
     */
    public ProviderCircuitBreaker create(String name, String description, Class<? extends RuntimeException> providerWide) {
        ProviderCircuitBreaker breaker = new ProviderCircuitBreaker(name, description, providerWide, settings);
        if (breakers.putIfAbsent(name, breaker) != null) {
            throw new IllegalStateException("circuit breaker " + name + " exists already");
        }
        return breaker;
    }

    public ProviderCircuitBreaker get(String name) {
        ProviderCircuitBreaker breaker = breakers.get(name);
        if (breaker == null) {
            throw new NoSuchElementException("no circuit breaker named " + name);
        }
        return breaker;
    }

    /** Closes every breaker and forgets its window. */
    public void resetAll() {
        breakers.values().forEach(ProviderCircuitBreaker::reset);
    }
}

package io.interactionsync.sync.breaker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The provider circuit breakers of a sync service ({@code interaction-sync.circuit-breakers.*}, the same keys in both
 * services; SPEC §4 "Both sync services"). They apply to every breaker of the service.
 */
@ConfigMapping(prefix = "interaction-sync.circuit-breakers")
public interface CircuitBreakerSettings {

    /** The time window the failure ratio is measured over. */
    @WithDefault("60s")
    Duration window();

    /** Calls (answered or failed) the window must hold before it may open the breaker. */
    @WithDefault("5")
    int minimumCalls();

    /** Share of the window's calls that failed provider-wide for the breaker to open. */
    @WithDefault("0.5")
    double failureRatio();

    /**
     * Distinct accounts (Graph: mailboxes) whose calls failed provider-wide in the window: below this, the failures
     * are one account's trouble and never open the breaker for the others.
     */
    @WithDefault("2")
    int minimumAccounts();

    /** How long the breaker stays open before it lets probes through (half-open). */
    @WithDefault("120s")
    Duration delay();

    /** Probe calls let through half-open; all must succeed to close, one provider-wide failure reopens. */
    @WithDefault("1")
    int halfOpenProbes();
}

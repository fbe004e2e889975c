package io.interactionsync.relationship.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

/** Prometheus meters (management port, /q/metrics). Consumer lag comes from the Kafka client metrics binder. */
@ApplicationScoped
public class RelationshipMetrics {

    private final MeterRegistry registry;
    private final Counter applied;
    private final Counter removed;
    private final Timer scoring;

    public RelationshipMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.applied = Counter.builder("relationship.events.applied")
                .description("InteractionEvents stored (live, counted in a tie)").register(registry);
        this.removed = Counter.builder("relationship.events.removed")
                .description("InteractionEvents removed: tombstones, deleted=true, purges, blocklists")
                .register(registry);
        this.scoring = Timer.builder("relationship.scoring")
                .description("One batch applied: events written and the affected ties recomputed, one transaction")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
    }

    public void applied(long n) {
        applied.increment(n);
    }

    public void removed(long n) {
        removed.increment(n);
    }

    /** Records not applied, by reason: unreadable, invalid, blocked, erased. */
    public void skipped(String reason, long n) {
        if (n > 0) {
            Counter.builder("relationship.events.skipped").tag("reason", reason)
                    .description("InteractionEvent records skipped").register(registry).increment(n);
        }
    }

    public Timer scoring() {
        return scoring;
    }
}

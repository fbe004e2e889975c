package io.interactionsync.sync.audit;

import io.interactionsync.sync.SyncServiceDefinition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import io.smallrye.health.api.Wellness;

/**
 * What an operator alerts on: sources whose last completeness audit left gaps open. A wellness check
 * ({@code /q/health/well}: DOWN while any source is incomplete; it never restarts a pod) and the gauge
 * {@code <prefix>_audit_incomplete_sources}.
 */
@Wellness
@ApplicationScoped
public class CompletenessHealthCheck implements HealthCheck {

    private final AuditStore store;
    private final SyncServiceDefinition service;
    private final MeterRegistry registry;

    public CompletenessHealthCheck(AuditStore store, SyncServiceDefinition service, MeterRegistry registry) {
        this.store = store;
        this.service = service;
        this.registry = registry;
    }

    void register(@Observes StartupEvent event) {
        Gauge.builder(service.metricPrefix() + ".audit.incomplete.sources", this, CompletenessHealthCheck::incompleteOrNaN)
                .description("Sources whose last completeness audit left gaps unrepaired").register(registry);
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(service.name() + "-completeness");
        try {
            long incomplete = store.incompleteSources();
            return builder.status(incomplete == 0).withData("incompleteSources", incomplete).build();
        } catch (RuntimeException e) {
            return builder.down().withData("error", "audits not readable: " + e.getClass().getSimpleName()).build();
        }
    }

    private double incompleteOrNaN() {
        try {
            return store.incompleteSources();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}

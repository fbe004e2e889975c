package io.interactionsync.sync.jobs;

import io.interactionsync.sync.SyncServiceDefinition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Besides SmallRye Fault Tolerance's own {@code ft_circuitbreaker_*} meters (tagged by method), each of the service's
 * breakers is exported by name as {@code <metricPrefix>_circuit_state{circuitBreaker="…"}}: 0 closed, 1 open,
 * 2 half-open — the name is what dashboards and runbooks use.
 */
@ApplicationScoped
public class CircuitStateGauges {

    private final MeterRegistry registry;
    private final CircuitBreakerMaintenance breakers;
    private final SyncServiceDefinition service;

    public CircuitStateGauges(MeterRegistry registry, CircuitBreakerMaintenance breakers, SyncServiceDefinition service) {
        this.registry = registry;
        this.breakers = breakers;
        this.service = service;
    }

    void register(@Observes StartupEvent event) {
        for (String name : service.circuitBreakers()) {
            Gauge.builder(service.metricPrefix() + ".circuit.state", () -> switch (breakers.currentState(name)) {
                        case CLOSED -> 0;
                        case OPEN -> 1;
                        case HALF_OPEN -> 2;
                    }).description("Circuit breaker state: 0 closed, 1 open, 2 half-open")
                    .tag("circuitBreaker", name).register(registry);
        }
    }
}

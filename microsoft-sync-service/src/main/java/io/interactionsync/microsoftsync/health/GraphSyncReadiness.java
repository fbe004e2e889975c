package io.interactionsync.microsoftsync.health;

import io.interactionsync.microsoftsync.graph.GraphClients;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The Graph sync is on: the base URL it talks to and its circuit breakers' states. An open breaker does not make
 * the replica unready (the provider is down, not this replica); Kafka and the database have their own checks.
 */
@Readiness
@ApplicationScoped
public class GraphSyncReadiness implements HealthCheck {

    private final GraphClients clients;
    private final CircuitBreakerMaintenance breakers;

    public GraphSyncReadiness(GraphClients clients, CircuitBreakerMaintenance breakers) {
        this.clients = clients;
        this.breakers = breakers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("microsoft-graph-sync").up()
                .withData("syncEnabled", true)
                .withData("graphBaseUrl", clients.links().baseUrl());
        for (String name : SyncMetrics.BREAKERS) {
            b.withData(name, breakers.currentState(name).name().toLowerCase(java.util.Locale.ROOT));
        }
        return b.build();
    }
}

package io.interactionsync.microsoftsync.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the Graph sync. Until the sync lands (issue 5/6) the service accepts no work and says
 * so in its health data, so an operator never mistakes it for a working sync.
 */
@Readiness
@ApplicationScoped
public class GraphSyncReadiness implements HealthCheck {

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("microsoft-graph-sync")
                .up()
                .withData("syncEnabled", false)
                .withData("reason", "Outlook sync is not implemented yet (issue 5/6); no sync-requests are consumed")
                .build();
    }
}

package io.interactionsync.sync.jobs;

import io.interactionsync.sync.SyncServiceDefinition;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** The worker pool is alive and how busy it is (readiness: {@link SyncReadinessCheck}). */
@Liveness
@ApplicationScoped
public class WorkerPoolHealthCheck implements HealthCheck {

    private final SyncWorkerPool pool;
    private final String name;

    public WorkerPoolHealthCheck(SyncWorkerPool pool, SyncServiceDefinition service) {
        this.pool = pool;
        this.name = service.name() + "-workers";
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(name).status(true)
                .withData("instance", pool.owner())
                .withData("activeJobs", pool.activeJobs())
                .withData("heldLeases", pool.heldLeases())
                .withData("stopping", pool.stopping())
                .build();
    }
}

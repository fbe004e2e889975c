package io.interactionsync.microsoftsync.health;

import io.interactionsync.microsoftsync.worker.SyncWorkerPool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** The worker pool is alive and how busy it is (Kafka and the database have their own readiness checks). */
@Liveness
@ApplicationScoped
public class WorkerPoolHealthCheck implements HealthCheck {

    private final SyncWorkerPool pool;

    public WorkerPoolHealthCheck(SyncWorkerPool pool) {
        this.pool = pool;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("microsoft-sync-workers").status(true)
                .withData("replica", pool.replicaId())
                .withData("activeJobs", pool.activeJobs())
                .withData("stopping", pool.stopping())
                .build();
    }
}

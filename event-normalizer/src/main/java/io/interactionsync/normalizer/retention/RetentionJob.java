package io.interactionsync.normalizer.retention;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The daily retention run ({@code normalizer.retention.cron}, UTC; {@code off} disables it): each day is claimed in
 * {@code retention_runs}, so with several replicas exactly one runs it.
 */
@ApplicationScoped
public class RetentionJob {

    private final RetentionService retention;
    private final String owner = Optional.ofNullable(System.getenv("HOSTNAME"))
            .orElse("normalizer-" + UUID.randomUUID().toString().substring(0, 8));

    public RetentionJob(RetentionService retention) {
        this.retention = retention;
    }

    @Scheduled(identity = "retention", cron = "${normalizer.retention.cron}", timeZone = "UTC",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> daily() {
        return retention.runDaily(Instant.now(), owner).replaceWithVoid();
    }
}

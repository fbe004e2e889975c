package io.interactionsync.sync.jobs;

import io.interactionsync.sync.SyncServiceDefinition;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness {@code <name>-working}: up only while the service does its work, not merely when it started. Every
 * incoming channel that names {@link ConsumerAssignments} as its rebalance listener holds an assignment in its group,
 * and the worker pool has claimed (or found nothing to claim) against the database at least once and is not stopping.
 * A restarted replica is thus not ready while it waits to rejoin its groups.
 */
@Readiness
@ApplicationScoped
public class SyncReadinessCheck implements HealthCheck {

    private static final String PREFIX = "mp.messaging.incoming.";
    private static final String LISTENER = ".consumer-rebalance-listener.name";

    private final SyncWorkerPool pool;
    private final ConsumerAssignments assignments;
    private final String name;
    private final List<String> topics;

    public SyncReadinessCheck(SyncWorkerPool pool, @Identifier(ConsumerAssignments.NAME) ConsumerAssignments assignments, SyncServiceDefinition service,
                              Config config) {
        this.pool = pool;
        this.assignments = assignments;
        this.name = service.name() + "-working";
        this.topics = trackedTopics(config);
    }

    /** The topics of the incoming channels configured with {@link ConsumerAssignments}. */
    static List<String> trackedTopics(Config config) {
        List<String> topics = new ArrayList<>();
        for (String key : config.getPropertyNames()) {
            if (key.startsWith(PREFIX) && key.endsWith(LISTENER)
                    && config.getOptionalValue(key, String.class).filter(ConsumerAssignments.NAME::equals).isPresent()) {
                String channel = key.substring(PREFIX.length(), key.length() - LISTENER.length());
                topics.add(config.getOptionalValue(PREFIX + channel + ".topic", String.class).orElse(channel));
            }
        }
        return topics.stream().sorted().toList();
    }

    @Override
    public HealthCheckResponse call() {
        boolean up = pool.polled() && !pool.stopping();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(name)
                .withData("instance", pool.owner())
                .withData("jobsClaimable", pool.polled())
                .withData("heldLeases", pool.heldLeases());
        for (String topic : topics) {
            boolean joined = assignments.joined(topic);
            up &= joined;
            response.withData(topic, joined ? assignments.partitions(topic) + " partitions" : "not in its group");
        }
        return response.status(up).build();
    }
}

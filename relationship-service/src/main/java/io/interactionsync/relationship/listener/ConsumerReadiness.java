package io.interactionsync.relationship.listener;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once both consumers (interaction-events-state and account-events) joined the group and hold their assignment.
 * Not "caught up": a replica rebuilding from offset 0 answers with scores that are still filling in (README).
 */
@Readiness
@ApplicationScoped
public class ConsumerReadiness implements HealthCheck {

    private static final int EXPECTED_CONSUMERS = 2;

    private final ConsumerAssignments assignments;

    @Inject
    public ConsumerReadiness(@Identifier(ConsumerAssignments.NAME) ConsumerAssignments assignments) {
        this.assignments = assignments;
    }

    @Override
    public HealthCheckResponse call() {
        int consumers = assignments.consumers();
        return HealthCheckResponse.named("kafka-consumers-assigned")
                .status(consumers >= EXPECTED_CONSUMERS)
                .withData("consumers", consumers)
                .withData("expectedConsumers", EXPECTED_CONSUMERS)
                .withData("partitions", assignments.partitions())
                .build();
    }
}

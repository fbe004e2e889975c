package io.interactionsync.normalizer.listener;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.smallrye.common.annotation.Identifier;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Honest readiness (issue 18): the normalizer is ready once every consumer of its group has joined and holds its
 * assignment — {@code concurrency} consumers of {@code raw-records} and one of {@code account-events} — and the
 * startup catch-up on account-events let raw-records through ({@link AccountEventsCatchUp}). Before that it answers
 * 503: a restarted replica is not "ready" while it waits for partitions.
 */
@Readiness
@ApplicationScoped
public class ConsumerReadiness implements HealthCheck {

    private final ConsumerAssignments assignments;
    private final int expectedConsumers;
    private final BooleanSupplier caughtUp;

    @Inject
    public ConsumerReadiness(@Identifier(ConsumerAssignments.NAME) ConsumerAssignments assignments,
                             @ConfigProperty(name = "mp.messaging.incoming.raw-records.concurrency", defaultValue = "1")
                             int rawRecordConsumers,
                             @ConfigProperty(name = "mp.messaging.incoming.raw-records.enabled", defaultValue = "true")
                             boolean rawRecords,
                             @ConfigProperty(name = "mp.messaging.incoming.account-events.enabled", defaultValue = "true")
                             boolean accountEvents,
                             AccountEventsCatchUp catchUp) {
        this(assignments, (rawRecords ? rawRecordConsumers : 0) + (accountEvents ? 1 : 0), catchUp::done);
    }

    ConsumerReadiness(ConsumerAssignments assignments, int expectedConsumers, BooleanSupplier caughtUp) {
        this.assignments = assignments;
        this.expectedConsumers = expectedConsumers;
        this.caughtUp = caughtUp;
    }

    @Override
    public HealthCheckResponse call() {
        boolean flowing = caughtUp.getAsBoolean();
        int consumers = assignments.consumers();
        return HealthCheckResponse.named("kafka-consumers-assigned")
                .status(consumers >= expectedConsumers && flowing)
                .withData("consumers", consumers)
                .withData("expectedConsumers", expectedConsumers)
                .withData("partitions", assignments.partitions())
                .withData("accountEventsCaughtUp", flowing)
                .build();
    }
}

package io.interactionsync.connector.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** The readiness of the sync-status consumer follows the group's assignment callbacks. */
class SyncStatusConsumerReadinessTests {

    private static final TopicPartition P0 = new TopicPartition("sync-status", 0);
    private static final TopicPartition P1 = new TopicPartition("sync-status", 1);

    @Test
    void shouldBeDownUntilTheGroupAssignedPartitionsAndAfterTheyWereLost() {
        SyncStatusConsumerReadiness readiness = new SyncStatusConsumerReadiness();
        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(readiness.call().getName()).isEqualTo("sync-status consumer");

        readiness.onPartitionsAssigned(null, List.of(P0, P1));
        HealthCheckResponse up = readiness.call();
        assertThat(up.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(up.getData().orElseThrow()).containsEntry("partitions", "sync-status-0,sync-status-1");

        readiness.onPartitionsRevoked(null, List.of(P1)); // a cooperative rebalance moves one: still in the group
        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(readiness.call().getData().orElseThrow()).containsEntry("partitions", "sync-status-0");

        readiness.onPartitionsLost(null, List.of(P0)); // session expired
        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);

        readiness.onPartitionsAssigned(null, List.of()); // rejoined; an extra replica may get none and is ready
        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}

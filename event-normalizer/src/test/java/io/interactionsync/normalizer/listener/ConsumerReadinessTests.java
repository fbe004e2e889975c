package io.interactionsync.normalizer.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.model.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** Issue 18 item 4: ready only once every consumer holds its assignment and raw-records may flow. */
class ConsumerReadinessTests {

    private static final TopicPartition P0 = new TopicPartition(Topics.RAW_RECORDS, 0);
    private static final TopicPartition P1 = new TopicPartition(Topics.RAW_RECORDS, 1);
    private static final TopicPartition EVENTS = new TopicPartition(Topics.ACCOUNT_EVENTS, 0);

    @Test
    void notReadyUntilEveryConsumerJoinedAndTheAccountEventsCaughtUp() {
        AtomicBoolean caughtUp = new AtomicBoolean(false);
        ConsumerAssignments assignments = new ConsumerAssignments();
        ConsumerReadiness readiness = new ConsumerReadiness(assignments, 3, caughtUp::get);
        MockConsumer<String, byte[]> raw1 = consumer(P0);
        MockConsumer<String, byte[]> raw2 = consumer(P1);
        MockConsumer<String, byte[]> events = consumer(EVENTS);
        assertThat(readiness.call().getStatus()).as("started, nothing assigned").isEqualTo(HealthCheckResponse.Status.DOWN);

        assignments.onPartitionsAssigned(raw1, List.of(P0));
        assignments.onPartitionsAssigned(raw2, List.of(P1));
        assertThat(readiness.call().getStatus()).as("account-events consumer not in yet").isEqualTo(HealthCheckResponse.Status.DOWN);

        assignments.onPartitionsAssigned(events, List.of(EVENTS));
        assertThat(readiness.call().getStatus()).as("assigned, catch-up running").isEqualTo(HealthCheckResponse.Status.DOWN);

        caughtUp.set(true);
        HealthCheckResponse ready = readiness.call();
        assertThat(ready.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(ready.getData().orElseThrow()).containsEntry("partitions", 3L);

        assignments.onPartitionsLost(raw2, List.of(P1));
        assertThat(readiness.call().getStatus()).as("a consumer fell out of the group").isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    private static MockConsumer<String, byte[]> consumer(TopicPartition partition) {
        MockConsumer<String, byte[]> c = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
        c.assign(List.of(partition));
        c.updateBeginningOffsets(Map.of(partition, 0L));
        return c;
    }
}

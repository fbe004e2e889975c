package io.interactionsync.relationship.listener;

import io.quarkus.arc.Unremovable;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Which consumers hold an assignment, and how many partitions: for {@link ConsumerReadiness}. */
@ApplicationScoped
@Unremovable
@Identifier(ConsumerAssignments.NAME)
public class ConsumerAssignments implements KafkaConsumerRebalanceListener {

    /** The rebalance listener's name in {@code mp.messaging.incoming.*.consumer-rebalance-listener.name}. */
    public static final String NAME = "relationship-assignments";

    private final Map<Consumer<?, ?>, Integer> assigned = new ConcurrentHashMap<>();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // cooperative rebalancing reports increments: the consumer's whole assignment is what counts
        assigned.put(consumer, consumer.assignment().size());
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.put(consumer, Math.max(0, consumer.assignment().size() - partitions.size()));
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.remove(consumer);
    }

    int consumers() {
        return assigned.size();
    }

    int partitions() {
        return assigned.values().stream().mapToInt(Integer::intValue).sum();
    }
}

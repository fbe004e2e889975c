package io.interactionsync.sync.jobs;

import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions this replica's Kafka consumers hold, by topic, from their rebalance callbacks. A service names it on
 * each incoming channel ({@code mp.messaging.incoming.<channel>.consumer-rebalance-listener.name=}{@value #NAME});
 * {@link SyncReadinessCheck} then waits for those channels. A consumer has joined its group once it got an
 * assignment, possibly empty (more replicas than partitions: it still serves, by claiming jobs); it has left it
 * when its partitions were lost (session expired, fenced).
 */
@ApplicationScoped
@Identifier(ConsumerAssignments.NAME)
public class ConsumerAssignments implements KafkaConsumerRebalanceListener {

    public static final String NAME = "sync-consumer-assignments";

    private final Map<String, Set<Integer>> partitionsByTopic = new ConcurrentHashMap<>();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        for (String topic : consumer.subscription()) {
            partitionsByTopic.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet());
        }
        partitions.forEach(p -> partitionsByTopic.computeIfAbsent(p.topic(), t -> ConcurrentHashMap.newKeySet())
                .add(p.partition()));
        Log.infof("Kafka partitions assigned: %s", partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(p -> {
            Set<Integer> held = partitionsByTopic.get(p.topic());
            if (held != null) {
                held.remove(p.partition());
            }
        });
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Log.warnf("Kafka partitions lost (the consumer left its group): %s", partitions);
        for (String topic : consumer.subscription()) {
            partitionsByTopic.remove(topic);
        }
        partitions.forEach(p -> partitionsByTopic.remove(p.topic()));
    }

    /** Whether the consumer of {@code topic} is in its group with an assignment (possibly empty). */
    public boolean joined(String topic) {
        return partitionsByTopic.containsKey(topic);
    }

    /** Partitions of {@code topic} held now. */
    public int partitions(String topic) {
        Set<Integer> held = partitionsByTopic.get(topic);
        return held == null ? 0 : held.size();
    }
}

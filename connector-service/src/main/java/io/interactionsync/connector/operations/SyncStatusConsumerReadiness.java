package io.interactionsync.connector.operations;

import io.interactionsync.connector.listener.SyncStatusListener;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness that tells the truth about the {@code sync-status} consumer: DOWN until the consumer group gave this
 * replica its assignment (a member beyond the partition count gets an empty one, which still means it is in the group
 * and takes over as soon as a partition frees up), and DOWN again after its partitions were lost (session expired)
 * until the next assignment. With the cooperative-sticky assignor an assignment callback follows every rebalance.
 */
@Readiness
@ApplicationScoped
@Identifier(SyncStatusConsumerReadiness.NAME)
public class SyncStatusConsumerReadiness implements HealthCheck, KafkaConsumerRebalanceListener {

    /** The rebalance listener's name ({@code mp.messaging.incoming.sync-status.consumer-rebalance-listener.name}). */
    public static final String NAME = "sync-status-rebalance";
    static final String CHECK = SyncStatusListener.CHANNEL + " consumer";

    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    private volatile boolean inGroup;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.addAll(partitions);
        if (!inGroup) {
            Log.infof("%s: joined the group with %d partition(s)", CHECK, assigned.size());
        }
        inGroup = true;
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions); // a cooperative rebalance moves some; the member stays in the group
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
        inGroup = false;
        Log.warnf("%s: partitions lost (session expired); not ready until the group assigns again", CHECK);
    }

    @Override
    public HealthCheckResponse call() {
        Set<String> names = new TreeSet<>();
        assigned.forEach(tp -> names.add(tp.toString()));
        return HealthCheckResponse.named(CHECK).status(inGroup)
                .withData("partitions", String.join(",", names))
                .build();
    }
}

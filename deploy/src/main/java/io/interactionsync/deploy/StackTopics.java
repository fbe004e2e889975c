package io.interactionsync.deploy;

import io.interactionsync.model.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The contract topics with their partition counts (the same counts as the Strimzi KafkaTopics in
 * {@code deploy/k8s}). Partitions are the unit of parallelism: records are keyed by account (or user).
 */
public final class StackTopics {

    public static final Map<String, Integer> PARTITIONS = Map.of(
            Topics.ACCOUNT_EVENTS, 3,
            Topics.SYNC_REQUESTS, 6,
            Topics.RAW_RECORDS, 12,
            Topics.SYNC_STATUS, 3,
            Topics.INTERACTION_EVENTS, 12,
            Topics.INTERACTION_EVENTS_STATE, Topics.STATE_TOPIC_PARTITIONS,
            Topics.RAW_RECORDS_DLQ, 3);

    /**
     * Topic configuration beyond the broker defaults (the same as {@code deploy/k8s/base/kafka-topics.yaml}):
     * {@code interaction-events-state} is compacted, erased data leaving the log within a day of its tombstone.
     */
    public static final Map<String, Map<String, String>> CONFIGS = Map.of(
            Topics.INTERACTION_EVENTS_STATE, Topics.STATE_TOPIC_CONFIG);

    private StackTopics() {
    }

    /** Creates the topics that do not exist yet; existing ones are left as they are. */
    public static void ensure(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (Map.Entry<String, Integer> topic : PARTITIONS.entrySet()) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic.getKey(), topic.getValue(), (short) 1)
                            .configs(CONFIGS.getOrDefault(topic.getKey(), Map.of())))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + topic.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.interactionsync.normalizer.it;

import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.KafkaTestResource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * {@code interaction-events-state} on the test JVM's broker, configured as deployed ({@link Topics#STATE_TOPIC_CONFIG}).
 * The test broker creates unknown topics on first use (3 partitions, delete policy): a test that ran earlier may have
 * made the relay create it so; then its configuration is set as deployed and its partition count kept (adding
 * partitions would move users while the producer still uses the old count).
 */
final class StateTopic {

    private StateTopic() {
    }

    /** Creates the topic as deployed, or sets the deployed configuration on the existing one. */
    static void ensure() {
        ensure(Topics.STATE_TOPIC_CONFIG);
    }

    static void ensure(Map<String, String> config) {
        try (Admin admin = admin()) {
            try {
                admin.createTopics(List.of(new NewTopic(Topics.INTERACTION_EVENTS_STATE, Topics.STATE_TOPIC_PARTITIONS,
                        (short) 1).configs(config))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                alter(admin, config);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create " + Topics.INTERACTION_EVENTS_STATE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void alter(Admin admin, Map<String, String> config)
            throws InterruptedException, ExecutionException, TimeoutException {
        Collection<AlterConfigOp> ops = new ArrayList<>();
        config.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC,
                Topics.INTERACTION_EVENTS_STATE), ops)).all().get(30, TimeUnit.SECONDS);
    }

    static int partitions() {
        try (Admin admin = admin()) {
            return admin.describeTopics(List.of(Topics.INTERACTION_EVENTS_STATE)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.INTERACTION_EVENTS_STATE).partitions().size();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The topic's current configuration entries (non-default ones). */
    static Map<String, String> config() {
        try (Admin admin = admin()) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.INTERACTION_EVENTS_STATE);
            return admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic).entries().stream()
                    .filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                    .collect(java.util.stream.Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers()));
    }
}

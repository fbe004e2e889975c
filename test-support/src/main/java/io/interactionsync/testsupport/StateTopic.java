package io.interactionsync.testsupport;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * {@code interaction-events-state} on the test JVM's broker: created as deployed ({@link Topics#STATE_TOPIC_CONFIG},
 * {@link Topics#STATE_TOPIC_PARTITIONS}), and — for a consumer's tests — produced the way the normalizer's relay does:
 * key = event id, partition chosen by user id (murmur2, as the default partitioner would for key userId), a deletion =
 * the event with {@code deleted=true} then a tombstone. As a Quarkus test resource it creates the topics before the
 * application subscribes. The test broker creates unknown topics on first use (3 partitions, delete policy): when a
 * test made the relay create it so, {@link #ensure} sets the deployed configuration and keeps the partition count
 * (adding partitions would move users while a producer still uses the old count).
 */
public final class StateTopic implements QuarkusTestResourceLifecycleManager, AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    public StateTopic() {
        this(KafkaTestResource.bootstrapServers());
    }

    public StateTopic(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Test resource: the state topic as deployed and {@code account-events}, before the application subscribes. */
    @Override
    public Map<String, String> start() {
        ensure();
        create(new NewTopic(Topics.ACCOUNT_EVENTS, Topics.STATE_TOPIC_PARTITIONS, (short) 1));
        return Map.of();
    }

    @Override
    public void stop() {
    }

    /** Creates the topic as deployed, or sets the deployed configuration on the existing one. */
    public static void ensure() {
        ensure(Topics.STATE_TOPIC_CONFIG);
    }

    /** Creates the topic with {@code config}, or sets {@code config} on the existing one. */
    public static void ensure(Map<String, String> config) {
        if (!create(new NewTopic(Topics.INTERACTION_EVENTS_STATE, Topics.STATE_TOPIC_PARTITIONS, (short) 1)
                .configs(config))) {
            Collection<AlterConfigOp> ops = new ArrayList<>();
            config.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
            admin(admin -> admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC,
                    Topics.INTERACTION_EVENTS_STATE), ops)).all().get(30, TimeUnit.SECONDS));
        }
    }

    /** The topic's partition count on the broker (see the class comment: it may not be the deployed one). */
    public static int partitions() {
        return admin(admin -> admin.describeTopics(List.of(Topics.INTERACTION_EVENTS_STATE)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(Topics.INTERACTION_EVENTS_STATE).partitions().size());
    }

    /** The partition of {@code userId}'s events, as the relay chooses it on a topic of the deployed size. */
    public static int partition(String userId) {
        return Utils.toPositive(Utils.murmur2(userId.getBytes(StandardCharsets.UTF_8))) % Topics.STATE_TOPIC_PARTITIONS;
    }

    /** Publishes {@code event} (asynchronously; {@link #flush} waits). */
    public void publish(InteractionEvent event) {
        try {
            producer.send(new ProducerRecord<>(Topics.INTERACTION_EVENTS_STATE, partition(event.userId()),
                    event.id().toString(), Json.mapper().writeValueAsBytes(event)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The deletion the normalizer publishes: the event with deleted=true, then a tombstone. */
    public void delete(InteractionEvent event) {
        publish(event.withDeleted(true));
        tombstone(event.id(), event.userId());
    }

    public void tombstone(UUID id, String userId) {
        producer.send(new ProducerRecord<>(Topics.INTERACTION_EVENTS_STATE, partition(userId), id.toString(), null));
    }

    /** Any bytes under a key (bad values). */
    public void raw(String key, String userId, byte[] value) {
        producer.send(new ProducerRecord<>(Topics.INTERACTION_EVENTS_STATE, partition(userId), key, value));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }

    /** Creates {@code topic}; false when it exists already. */
    private static boolean create(NewTopic topic) {
        return admin(admin -> {
            try {
                admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return false;
                }
                throw e;
            }
        });
    }

    private interface AdminCall<T> {
        T apply(Admin admin) throws ExecutionException, TimeoutException, InterruptedException;
    }

    private static <T> T admin(AdminCall<T> call) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestResource.bootstrapServers()))) {
            return call.apply(admin);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("topic administration failed for " + Topics.INTERACTION_EVENTS_STATE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

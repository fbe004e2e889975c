package io.interactionsync.relationship.it;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The topic the normalizer publishes, produced by the tests in its stead: {@code interaction-events-state}
 * compacted, key = event id, partition chosen by user id (murmur2 of the user id, as the normalizer's relay does),
 * null value = tombstone. As a test resource it creates the topics before the application subscribes.
 */
public final class StateTopic implements QuarkusTestResourceLifecycleManager, AutoCloseable {

    /** As deployed (common-model): the partition function below depends on it. */
    static final int PARTITIONS = Topics.STATE_TOPIC_PARTITIONS;

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

    @Override
    public Map<String, String> start() {
        createTopics(KafkaTestResource.bootstrapServers());
        return Map.of();
    }

    @Override
    public void stop() {
    }

    /** interaction-events-state (with the deployed topic config: compacted…) and account-events, unless they exist. */
    public static void createTopics(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (NewTopic topic : List.of(
                    new NewTopic(Topics.INTERACTION_EVENTS_STATE, PARTITIONS, (short) 1)
                            .configs(Topics.STATE_TOPIC_CONFIG),
                    new NewTopic(Topics.ACCOUNT_EVENTS, PARTITIONS, (short) 1))) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    static int partition(String userId) {
        return Utils.toPositive(Utils.murmur2(userId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
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
}

package io.interactionsync.testsupport;

import io.interactionsync.model.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka producer and reader for tests: send JSON records, read a topic from the beginning. */
public final class KafkaTestClient implements AutoCloseable {

    private final String bootstrapServers;
    private final KafkaProducer<String, String> producer;

    private KafkaTestClient(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
    }

    /** A client on the test JVM's broker (started if needed). */
    public static KafkaTestClient connect() {
        return connect(KafkaTestResource.bootstrapServers());
    }

    public static KafkaTestClient connect(String bootstrapServers) {
        return new KafkaTestClient(bootstrapServers);
    }

    /** Sends {@code value} (a JSON string as is, anything else through the contract mapping) and waits for the ack. */
    public void send(String topic, String key, Object value) {
        try {
            String json = value instanceof String s ? s : Json.mapper().writeValueAsString(value);
            producer.send(new ProducerRecord<>(topic, key, json)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    /** Sends raw bytes (for poison-record tests). */
    public void sendBytes(String topic, String key, byte[] value) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<String, byte[]> bytes = new KafkaProducer<>(p, new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            bytes.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    /**
     * Reads {@code topic} from the beginning until at least {@code count} records match {@code filter},
     * and returns the matching ones; fails after {@code timeout}.
     */
    public List<ConsumerRecord<String, String>> awaitRecords(String topic, Predicate<ConsumerRecord<String, String>> filter,
                                                             int count, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            Instant deadline = Instant.now().plus(timeout);
            List<ConsumerRecord<String, String>> matching = new ArrayList<>();
            List<TopicPartition> assigned = List.of();
            while (Instant.now().isBefore(deadline)) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                        .map(info -> new TopicPartition(topic, info.partition())).toList();
                if (!partitions.equals(assigned)) {
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    matching.clear();
                    assigned = partitions;
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (filter.test(r)) {
                        matching.add(r);
                    }
                }
                if (matching.size() >= count) {
                    return matching;
                }
            }
            throw new AssertionError("expected " + count + " matching records on " + topic + " within " + timeout
                    + ", found " + matching.size());
        }
    }

    /** Every record on {@code topic} up to the end offsets of this moment, all partitions. */
    public List<ConsumerRecord<String, String>> readAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> all = new ArrayList<>();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("could not read " + topic + " to its end within 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
            return all;
        }
    }

    /** Number of records on {@code topic} (end minus beginning offsets, all partitions). */
    public long recordCount(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            return partitions.stream().mapToLong(tp -> end.get(tp) - begin.get(tp)).sum();
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

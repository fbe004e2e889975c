package io.interactionsync.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads every record of a topic up to its current end (so duplicates cannot hide), filtered by key. */
public final class TopicReader {

    private TopicReader() {
    }

    /**
     * The account's raw records as the normalizer reads them: every {@code raw-records} record with that key, sealed
     * ones opened with their test data key ({@link DataKeyStore#unseal}), so tests can look at {@code mailbox} and
     * {@code payload}. Only in an app that serves {@link FakeDataKeyResource} (the keys are in its store).
     */
    public static List<JsonNode> rawRecords(String accountId) {
        return valuesWithKey(io.interactionsync.model.Topics.RAW_RECORDS, accountId).stream()
                .map(DataKeyStore::unseal).toList();
    }

    public static List<JsonNode> valuesWithKey(String topic, String key) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<JsonNode> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key()) && r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        values.add(Json.mapper().readTree(r.value()));
                    }
                }
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.interactionsync.normalizer.example;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The minimal downstream consumer to copy: the current InteractionEvents in memory, rebuilt from
 * {@code interaction-events-state} and kept live by the same topic (it is the change stream too, keyed by event id).
 * Plain {@code kafka-clients} and common-model, no framework.
 *
 * <ul>
 *   <li>Own group, {@code auto.offset.reset=earliest}. State is in memory, so offsets are never committed: every start
 *       reads from offset 0 (a consumer with a durable store commits its offsets in the same transaction as its
 *       store instead).</li>
 *   <li>A user's events are all in one partition, in order: an instance holds complete users. Partitions taken
 *       away are dropped, partitions given are read from the beginning.</li>
 *   <li>Last value per event id wins. A tombstone (null value) or {@code deleted=true} removes the event: erased data
 *       must leave the consumer's store too.</li>
 *   <li>Every value is checked against common-model's schema; unknown fields are ignored (new optional fields
 *       appear without a version change), an invalid value is skipped and reported — a real consumer
 *       dead-letters it.</li>
 * </ul>
 */
public final class InteractionEventsView implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    /** partition → event id → event. */
    private final Map<Integer, Map<String, InteractionEvent>> byPartition = new HashMap<>();
    private int rejected;

    public InteractionEventsView(String bootstrapServers, String groupId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.INTERACTION_EVENTS_STATE), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                partitions.forEach(tp -> byPartition.remove(tp.partition()));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                consumer.seekToBeginning(partitions); // in-memory state: rebuild what we now own
            }
        });
    }

    /** Polls once and applies the records in order; returns how many it read. */
    public int poll(Duration timeout) {
        int n = 0;
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            apply(r);
            n++;
        }
        return n;
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        Map<String, InteractionEvent> events = byPartition.computeIfAbsent(r.partition(), p -> new HashMap<>());
        if (r.value() == null) {
            events.remove(r.key()); // tombstone: the event was deleted or erased
            return;
        }
        try {
            JsonNode json = Json.mapper().readTree(r.value());
            List<String> errors = ContractSchemas.validate(ContractSchemas.Contract.INTERACTION_EVENT, json);
            if (!errors.isEmpty()) {
                rejected++;
                System.err.printf("skipped %s-%d@%d: %s%n", r.topic(), r.partition(), r.offset(), errors);
                return;
            }
            InteractionEvent e = Json.mapper().treeToValue(json, InteractionEvent.class);
            if (e.deleted()) {
                events.remove(r.key());
            } else {
                events.put(r.key(), e);
            }
        } catch (IOException e) {
            rejected++;
        }
    }

    /** The current events, by id. */
    public Map<String, InteractionEvent> events() {
        Map<String, InteractionEvent> all = new HashMap<>();
        byPartition.values().forEach(all::putAll);
        return all;
    }

    /** Values that were not valid InteractionEvents. */
    public int rejected() {
        return rejected;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}

package io.interactionsync.normalizer.rederive;

import io.interactionsync.normalizer.config.KafkaClientSecurity;
import io.interactionsync.normalizer.service.IncomingRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads given records of {@code raw-records} (the topic the live consumer reads) by their coordinates (random access: assign, seek, no consumer group),
 * for the re-derivation of resources whose evidence changed. Close offsets are read in one pass, far ones are sought.
 * Not thread-safe (one Kafka consumer): used by the worker's single thread.
 */
final class RawRecordFetcher implements AutoCloseable {

    /** A gap up to this many offsets is read through rather than sought. */
    private static final long READ_THROUGH = 2_000;

    private final String topic;
    private final Properties properties;
    private KafkaConsumer<String, byte[]> consumer;

    RawRecordFetcher(String topic, String bootstrapServers, String isolationLevel, int fetchMaxBytes) {
        this.topic = topic;
        properties = new Properties();
        properties.putAll(KafkaClientSecurity.properties());
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "event-normalizer-rederive");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        properties.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(fetchMaxBytes));
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    }

    /**
     * The records at {@code wanted} (offsets by partition), in partition then offset order. An offset that no longer
     * holds a record (past the topic's retention, an aborted transaction) or that could not be read within
     * {@code timeout} is left out.
     */
    List<IncomingRecord> fetch(Map<Integer, NavigableSet<Long>> wanted, Duration timeout) {
        KafkaConsumer<String, byte[]> c = consumer();
        List<IncomingRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<Integer, NavigableSet<Long>> e : new java.util.TreeMap<>(wanted).entrySet()) {
            TopicPartition tp = new TopicPartition(topic, e.getKey());
            NavigableSet<Long> remaining = new TreeSet<>(e.getValue());
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp)).getOrDefault(tp, 0L);
            remaining.removeIf(o -> o >= end);
            if (remaining.isEmpty()) {
                continue;
            }
            c.seek(tp, remaining.first());
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200)).records(tp)) {
                    if (remaining.remove(r.offset())) {
                        out.add(new IncomingRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value()));
                    }
                }
                long position = c.position(tp);
                remaining.headSet(position, false).clear(); // passed without a record: nothing there any more
                if (!remaining.isEmpty() && remaining.first() - position > READ_THROUGH) {
                    c.seek(tp, remaining.first());
                }
                if (position >= end) {
                    remaining.clear();
                }
            }
        }
        out.sort(java.util.Comparator.comparingInt(IncomingRecord::partition).thenComparingLong(IncomingRecord::offset));
        return out;
    }

    private KafkaConsumer<String, byte[]> consumer() {
        if (consumer == null) {
            consumer = new KafkaConsumer<>(properties);
        }
        return consumer;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
            consumer = null;
        }
    }
}

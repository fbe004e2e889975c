package io.interactionsync.deploy.capture;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A topic read from the beginning to the end offsets it had when the read started, written as JSON Lines: each value
 * exactly as published, one per line, partition then offset order. No consumer group: nothing is committed.
 */
final class TopicDump {

    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    private TopicDump() {
    }

    /** Dumps {@code topic} into {@code file}; returns the number of values written. */
    static int dump(String bootstrapServers, String topic, Path file) throws IOException {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> byPartition = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end in "
                            + READ_TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        byPartition.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r);
                    }
                }
            }
        }
        List<ConsumerRecord<byte[], byte[]>> ordered = new ArrayList<>();
        byPartition.values().forEach(records -> {
            records.sort(Comparator.comparingLong(ConsumerRecord::offset));
            ordered.addAll(records);
        });
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            return write(ordered, out);
        }
    }

    /**
     * Writes the values one per line. Tombstones are skipped (they are not records of these contracts); a value
     * spanning lines fails, naming its partition and offset, because JSON Lines needs one per line.
     */
    static int write(List<ConsumerRecord<byte[], byte[]>> records, OutputStream out) throws IOException {
        int count = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            byte[] v = r.value();
            if (v == null) {
                continue;
            }
            for (byte b : v) {
                if (b == '\n' || b == '\r') {
                    throw new IllegalStateException(r.topic() + " value at " + r.partition() + "@" + r.offset()
                            + " spans lines; JSON Lines needs one per line");
                }
            }
            out.write(v);
            out.write('\n');
            count++;
        }
        return count;
    }
}

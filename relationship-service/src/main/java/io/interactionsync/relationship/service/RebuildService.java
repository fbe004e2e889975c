package io.interactionsync.relationship.service;

import io.interactionsync.model.Topics;
import io.interactionsync.relationship.config.KafkaClientSecurity;
import io.interactionsync.relationship.repository.Db;
import io.interactionsync.relationship.repository.WriteRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Rebuilds events and ties from offset 0 of {@code interaction-events-state} to its end offsets of this moment,
 * through the same code the live consumer runs (needed after a change of a scoring weight or the half-life), except
 * that each tie is computed once at the end (same SQL) rather than after every batch that touches it. The live
 * consumer waits meanwhile (the ingest read-write lock); afterwards it re-applies what it had not committed, which is
 * idempotent. Every other replica's writes wait as well ({@link Db#exclusively}: a database lock held for the whole
 * rebuild), and go on from their committed offsets afterwards, so the last value per key wins again. Accounts,
 * collections, blocklists and erasures come from account-events and stay.
 */
@ApplicationScoped
public class RebuildService {

    private final IngestService ingest;
    private final Db db;
    private final WriteRepository writes;
    private final String bootstrapServers;
    private final int batchSize;
    /** Records read by the running (or last) rebuild: for the benchmark's memory samples and for operators. */
    private final java.util.concurrent.atomic.AtomicLong progress = new java.util.concurrent.atomic.AtomicLong();

    public RebuildService(IngestService ingest, Db db, WriteRepository writes,
                          @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                          @ConfigProperty(name = "mp.messaging.incoming.interaction-events-state.max.poll.records",
                                  defaultValue = "2000") int batchSize) {
        this.ingest = ingest;
        this.db = db;
        this.writes = writes;
        this.bootstrapServers = bootstrapServers;
        this.batchSize = batchSize;
    }

    /** What a rebuild read and how long it took. */
    public record Rebuilt(long records, long stored, Duration took, Duration ties) {
    }

    public long progress() {
        return progress.get();
    }

    public synchronized Rebuilt rebuild() {
        ingest.rebuildLock().writeLock().lock();
        try {
            return db.exclusively(this::rebuildHoldingTheLock);
        } finally {
            ingest.rebuildLock().writeLock().unlock();
        }
    }

    private Rebuilt rebuildHoldingTheLock() {
        Instant start = Instant.now();
        progress.set(0);
        db.writing(true, c -> {
            writes.truncateDerived(c);
            return null;
        });
        Map<String, Object> props = new HashMap<>(KafkaClientSecurity.properties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
        long records = 0;
        long stored = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.INTERACTION_EVENTS_STATE,
                            Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                ConsumerRecords<String, byte[]> polled = consumer.poll(Duration.ofMillis(500));
                List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(polled.count());
                for (ConsumerRecord<String, byte[]> r : polled) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        batch.add(r);
                    }
                }
                if (!batch.isEmpty()) {
                    records += batch.size();
                    progress.set(records);
                    stored += ingest.applyUnlocked(batch, false).stored();
                }
            }
        }
        // each tie once, from its final events: cheaper than once per batch that touched it
        Instant tiesStart = Instant.now();
        ingest.recomputeAllTies();
        Instant end = Instant.now();
        Rebuilt done = new Rebuilt(records, stored, Duration.between(start, end), Duration.between(tiesStart, end));
        Log.infof("rebuilt from offset 0: %d records, %d events stored, %d ms (ties %d ms)", records, stored,
                done.took().toMillis(), done.ties().toMillis());
        return done;
    }
}

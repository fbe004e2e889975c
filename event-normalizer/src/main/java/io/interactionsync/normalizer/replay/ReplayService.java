package io.interactionsync.normalizer.replay;

import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.config.NormalizerConfig;
import io.interactionsync.normalizer.service.IncomingRecord;
import io.interactionsync.normalizer.service.NormalizerService;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Rebuilds events from {@code raw-records} after a rule change, beside the live consumer: a separate consumer
 * group ({@code normalizer.replay.group-id}) reads every partition from the beginning up to the end offsets seen when
 * the replay started (later records are the live consumer's), optionally only one account's records (the Kafka key),
 * and runs them through the same {@link NormalizerService}. Idempotent: each record states its resource's complete
 * event set, unchanged rows are not rewritten or republished, and a record older than the one already applied is
 * skipped (per-account locks + {@code record_versions}), so a replay never rolls back what live traffic changed.
 * Poison records are not dead-lettered a second time.
 */
@ApplicationScoped
public class ReplayService {

    /** A replay's progress. */
    public record Status(String id, String accountId, String state, long read, long replayed, Instant startedAt,
                         Instant finishedAt, String error) {
    }

    private final NormalizerService service;
    private final NormalizerConfig config;
    private final String bootstrapServers;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final AtomicReference<Run> current = new AtomicReference<>();

    public ReplayService(NormalizerService service, NormalizerConfig config,
                         @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.service = service;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a replay of every account, or of {@code accountId} only; empty when one is already running. */
    public Optional<Status> start(String accountId) {
        Run run = new Run(UUID.randomUUID().toString(), accountId, clock.instant());
        if (!current.compareAndSet(null, run)) {
            Run other = current.get();
            if (other != null && !other.finished()) {
                return Optional.empty();
            }
            current.set(run);
        }
        runs.put(run.id, run);
        Thread t = new Thread(() -> run(run), "normalizer-replay-" + run.id.substring(0, 8));
        t.setDaemon(true);
        t.start();
        return Optional.of(run.status());
    }

    public Optional<Status> status(String id) {
        return Optional.ofNullable(runs.get(id)).map(Run::status);
    }

    void stop(@Observes ShutdownEvent ev) {
        Run run = current.get();
        if (run != null) {
            run.stopped.set(true);
            KafkaConsumer<String, byte[]> c = run.consumer;
            if (c != null) {
                c.wakeup();
            }
        }
    }

    private void run(Run run) {
        Log.infof("replay %s started (%s)", run.id, run.accountId == null ? "all accounts" : "account " + run.accountId);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties())) {
            run.consumer = consumer;
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(Topics.RAW_RECORDS, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            consumer.seekToBeginning(partitions);
            while (!run.stopped.get() && !reachedEnd(consumer, end)) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                List<IncomingRecord> batch = new ArrayList<>(records.count());
                Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.getOrDefault(tp, 0L)) {
                        continue; // arrived after the replay started: the live consumer's
                    }
                    run.read.incrementAndGet();
                    commit.put(tp, new OffsetAndMetadata(r.offset() + 1));
                    if (run.accountId == null || run.accountId.equals(r.key())) {
                        batch.add(new IncomingRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value()));
                    }
                }
                if (!batch.isEmpty()) {
                    service.replay(batch).await().indefinitely();
                    run.replayed.addAndGet(batch.size());
                }
                if (!commit.isEmpty()) {
                    consumer.commitSync(commit); // progress and lag of the replay group are visible in Kafka
                }
            }
            run.finish(run.stopped.get() ? "stopped" : "done", null, clock.instant());
            Log.infof("replay %s %s: %d records read, %d replayed", run.id, run.state, run.read.get(), run.replayed.get());
        } catch (WakeupException e) {
            run.finish("stopped", null, clock.instant());
        } catch (RuntimeException e) {
            run.finish("failed", e.getClass().getSimpleName() + ": " + e.getMessage(), clock.instant());
            Log.errorf(e, "replay %s failed", run.id);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.replay().groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(config.replay().batchSize()));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "event-normalizer-replay");
        return p;
    }

    private static final class Run {
        final String id;
        final String accountId;
        final Instant startedAt;
        final AtomicLong read = new AtomicLong();
        final AtomicLong replayed = new AtomicLong();
        final AtomicBoolean stopped = new AtomicBoolean();
        volatile KafkaConsumer<String, byte[]> consumer;
        volatile String state = "running";
        volatile String error;
        volatile Instant finishedAt;

        Run(String id, String accountId, Instant startedAt) {
            this.id = id;
            this.accountId = accountId;
            this.startedAt = startedAt;
        }

        boolean finished() {
            return finishedAt != null;
        }

        void finish(String state, String error, Instant at) {
            this.error = error;
            this.finishedAt = at;
            this.state = state;
        }

        Status status() {
            return new Status(id, accountId, state, read.get(), replayed.get(), startedAt, finishedAt, error);
        }
    }
}

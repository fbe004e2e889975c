package io.interactionsync.normalizer.replay;

import io.interactionsync.model.LogSafe;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.config.KafkaClientSecurity;
import io.interactionsync.normalizer.config.NormalizerConfig;
import io.interactionsync.normalizer.service.IncomingRecord;
import io.interactionsync.normalizer.service.NormalizerService;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
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
 * Poison records are not dead-lettered a second time. An interrupted or failed replay can be resumed ({@link #resume}):
 * its end offsets are stored with it, and its progress is its consumer group's committed offsets, tagged with its id.
 *
 * <p>Runs are rows of {@code normalizer.replays} ({@link ReplayRepository}), so every replica answers for them and
 * one runs at a time across the cluster. The replica running one refreshes its heartbeat and counters every
 * {@code normalizer.replay.heartbeat-interval}; every replica marks a running row without a heartbeat for
 * {@code normalizer.replay.stale-after} as {@code interrupted}, and a replica marks its own running rows interrupted
 * at startup. A replica whose row was interrupted by another (it was cut off from PostgreSQL too long) stops.
 *
 * <p>An interrupted replay does not wait for an operator: the heartbeat of a replica that runs none takes the newest
 * replay up again if it was interrupted ({@link #resumeNewestInterrupted}), at most {@code normalizer.replay.auto-resumes}
 * times, so a rolling restart or a lost pod delays a replay instead of ending it. A failed one waits for
 * {@link #resume}: its error is worth a look first.
 */
@ApplicationScoped
public class ReplayService {

    /**
     * A replay's progress, as stored ({@code state}: running, completed, failed, interrupted). {@code resumable}: an
     * interrupted or failed replay that knows where it stops, so {@link #resume} can finish it; {@code resumes}: how
     * often it was taken up again.
     */
    public record Status(String id, String accountId, String state, long read, long replayed, Instant startedAt,
                         Instant finishedAt, String error, String owner, Instant heartbeatAt, boolean resumable,
                         int resumes) {
    }

    private static final Duration DB_WAIT = Duration.ofSeconds(30);

    private final NormalizerService service;
    private final ReplayRepository repository;
    private final NormalizerConfig config;
    private final String bootstrapServers;
    /** The live consumer's isolation level and fetch size: the replay reads the topic the same way. */
    private final String isolationLevel;
    private final int fetchMaxBytes;
    private final Duration staleAfter;
    private final String owner = replicaName();
    /** The run this replica started last (status is read from the table; this is for the heartbeat and stop). */
    private final AtomicReference<Run> current = new AtomicReference<>();

    public ReplayService(NormalizerService service, ReplayRepository repository, NormalizerConfig config,
                         @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                         @ConfigProperty(name = "mp.messaging.incoming.raw-records.isolation.level") String isolationLevel,
                         @ConfigProperty(name = "mp.messaging.incoming.raw-records.fetch.max.bytes") int fetchMaxBytes) {
        this.service = service;
        this.isolationLevel = isolationLevel;
        this.fetchMaxBytes = fetchMaxBytes;
        this.repository = repository;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.staleAfter = config.replay().staleAfter();
    }

    /** This replica's name in {@code replays.owner}: the pod name (HOSTNAME) in Kubernetes. */
    public String owner() {
        return owner;
    }

    /**
     * Starts a replay of every account, or of {@code accountId} only; empty when one is already running on any
     * replica (a running one without a heartbeat for {@code stale-after} is marked interrupted first).
     */
    public Uni<Optional<Status>> start(String accountId) {
        if (runsOne()) {
            return Uni.createFrom().item(Optional.empty()); // may be winding down after it was interrupted elsewhere
        }
        UUID id = UUID.randomUUID();
        return repository.start(id, accountId, owner, staleAfter).invoke(started -> started.ifPresent(s ->
                launch(new Run(id, accountId, null, 0, 0))));
    }

    /**
     * Takes an interrupted or failed replay up again on this replica: it goes on from the offsets it had committed
     * (its consumer group's, tagged with its id; partitions without one start over) up to the end offsets recorded
     * when it first started, and its counters go on from the stored ones. Records read after its last commit are
     * read again, which is safe: replays are idempotent. Empty when {@code id} is not resumable or a replay is
     * running on any replica.
     */
    public Uni<Optional<Status>> resume(UUID id) {
        if (runsOne()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return repository.resume(id, owner, staleAfter).map(resumed -> resumed.map(r -> {
            Map<TopicPartition, Long> end = new HashMap<>();
            r.endOffsets().forEach((partition, offset) -> end.put(new TopicPartition(Topics.RAW_RECORDS, partition), offset));
            launch(new Run(id, r.status().accountId(), end, r.status().read(), r.status().replayed()));
            return r.status();
        }));
    }

    /** Whether this replica still runs a replay (its thread has not finished). */
    private boolean runsOne() {
        Run run = current.get();
        return run != null && !run.done;
    }

    private void launch(Run run) {
        current.set(run);
        run.thread = new Thread(() -> run(run), "normalizer-replay-" + run.id.toString().substring(0, 8));
        run.thread.setDaemon(true);
        run.thread.start();
    }

    public Uni<Optional<Status>> status(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(Optional.empty()); // not an id we ever gave out
        }
        return repository.find(uuid);
    }

    /** The replay running now on any replica, if any. */
    public Uni<Optional<Status>> running() {
        return repository.running();
    }

    /**
     * Resumes the newest replay of the cluster if it was interrupted and was resumed fewer than {@code limit} times;
     * empty when there is none, when this replica still runs one, or when another replica took it first.
     */
    public Uni<Optional<Status>> resumeNewestInterrupted(int limit) {
        if (limit <= 0 || runsOne()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return repository.newestToResume(limit).flatMap(id -> id.isEmpty() ? Uni.createFrom().item(Optional.empty())
                : resume(id.get()).invoke(resumed -> resumed.ifPresent(s -> Log.infof(
                        "replay %s was interrupted (%s); resumed by itself, %d of at most %d times", s.id(),
                        s.error() == null ? "no reason recorded" : s.error(), s.resumes(), limit))));
    }

    /** The most recent replays of the whole cluster, newest first. */
    public Uni<List<Status>> recent(int limit) {
        return repository.recent(limit);
    }

    /**
     * Marks the running replays recorded under this replica's name, other than the one it runs now, as
     * interrupted: at startup they belong to this replica's previous life. Returns how many.
     */
    public Uni<Integer> interruptOrphans() {
        Run run = current.get();
        return repository.interruptOwn(owner, run == null || run.done ? null : run.id,
                "replica " + owner + " restarted while the replay ran");
    }

    void started(@Observes StartupEvent ev) {
        try {
            int n = interruptOrphans().await().atMost(DB_WAIT);
            if (n > 0) {
                Log.warnf("marked %d replay(s) of this replica's previous run (%s) interrupted", n, owner);
            }
        } catch (RuntimeException e) {
            Log.warnf(LogSafe.redact(e), "could not check for replays interrupted by a restart; the heartbeat timeout will catch them");
        }
    }

    /**
     * Every replica: the heartbeat (with the counters) of the replay it runs, then running rows of dead replicas
     * → interrupted, then the newest replay resumed if it was interrupted ({@code normalizer.replay.auto-resumes}). A
     * lost row (interrupted by another replica, or resumed under another's name) stops the local run.
     */
    @Scheduled(every = "${normalizer.replay.heartbeat-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class) // not while shutting down: the pool is closed
    Uni<Void> heartbeat() {
        Run run = current.get();
        Uni<Void> beat = run == null || run.done ? Uni.createFrom().voidItem()
                : repository.heartbeat(run.id, owner, run.read.get(), run.replayed.get()).invoke(alive -> {
                    if (!alive && !run.done) {
                        Log.warnf("replay %s was marked interrupted by another replica (no heartbeat for %s); stopping",
                                run.id, staleAfter);
                        run.interrupt("lost its heartbeat");
                    }
                }).replaceWithVoid();
        return beat.flatMap(v -> repository.interruptStale(staleAfter)).invoke(n -> {
            if (n > 0) {
                Log.warnf("marked %d replay(s) without a heartbeat for %s interrupted", n, staleAfter);
            }
        }).flatMap(n -> resumeNewestInterrupted(config.replay().autoResumes()))
                .onFailure().invoke(e -> Log.warnf(LogSafe.redact(e), "replay heartbeat failed; will retry"))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    void stop(@Observes ShutdownEvent ev) {
        Run run = current.get();
        if (run != null && !run.done) {
            run.interrupt("replica " + owner + " shut down");
            try {
                run.thread.join(10_000); // lets it record "interrupted" while the pool is still open
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run(Run run) {
        Log.infof("replay %s %s (%s)", run.id, run.resumedEnd == null ? "started" : "resumed",
                run.accountId == null ? "all accounts" : "account " + run.accountId);
        String state;
        String error = null;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties())) {
            run.consumer = consumer;
            if (run.stopReason != null) {
                throw new WakeupException(); // interrupted before the consumer existed
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(Topics.RAW_RECORDS, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = run.resumedEnd;
            if (end == null) {
                end = new HashMap<>(consumer.endOffsets(partitions));
                Map<Integer, Long> byPartition = new HashMap<>();
                end.forEach((tp, offset) -> byPartition.put(tp.partition(), offset));
                repository.recordEnd(run.id, byPartition).await().atMost(DB_WAIT); // where a resume stops
                consumer.seekToBeginning(partitions);
            } else {
                seekToCommitted(consumer, partitions, run.id);
            }
            while (run.stopReason == null && !reachedEnd(consumer, end)) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                List<IncomingRecord> batch = new ArrayList<>(records.count());
                Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                long read = 0;
                for (ConsumerRecord<String, byte[]> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.getOrDefault(tp, 0L)) {
                        continue; // arrived after the replay started: the live consumer's
                    }
                    read++;
                    commit.put(tp, new OffsetAndMetadata(r.offset() + 1, run.id.toString())); // whose progress
                    if (run.accountId == null || run.accountId.equals(r.key())) {
                        batch.add(new IncomingRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value()));
                    }
                }
                if (!batch.isEmpty()) {
                    service.replay(batch).await().indefinitely();
                }
                // counted once the batch committed; the heartbeat writes them to the table every few seconds
                run.read.addAndGet(read);
                run.replayed.addAndGet(batch.size());
                if (!commit.isEmpty()) {
                    consumer.commitSync(commit); // progress and lag of the replay group are visible in Kafka
                }
            }
            state = run.stopReason == null ? "completed" : "interrupted";
            error = run.stopReason;
        } catch (WakeupException e) {
            state = "interrupted";
            error = run.stopReason;
        } catch (RuntimeException e) {
            state = "failed";
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            Log.errorf(LogSafe.redact(e), "replay %s failed", run.id);
        }
        run.done = true;
        try {
            boolean recorded = repository.finish(run.id, owner, state, run.read.get(), run.replayed.get(), error)
                    .onFailure().retry().withBackOff(Duration.ofSeconds(1)).atMost(3)
                    .await().atMost(DB_WAIT);
            Log.infof("replay %s %s: %d records read, %d replayed%s", run.id, state, run.read.get(),
                    run.replayed.get(), recorded ? "" : " (its row had already been marked interrupted)");
        } catch (RuntimeException e) {
            Log.errorf(LogSafe.redact(e), "replay %s %s, but its final state could not be stored; it will show as interrupted "
                    + "once its heartbeat is older than %s", run.id, state, staleAfter);
        }
    }

    /** A resumed replay goes on where it committed; a partition it had not committed in (or another replay's) starts over. */
    private static void seekToCommitted(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions, UUID id) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        List<TopicPartition> fromStart = new ArrayList<>();
        Map<Integer, Long> from = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            if (c != null && id.toString().equals(c.metadata())) {
                consumer.seek(tp, c.offset());
                from.put(tp.partition(), c.offset());
            } else {
                fromStart.add(tp);
            }
        }
        if (!fromStart.isEmpty()) {
            consumer.seekToBeginning(fromStart); // an empty list would mean every assigned partition
        }
        Log.infof("replay %s resumes at offsets %s (by partition); from the start in partitions %s", id, from,
                fromStart.stream().map(TopicPartition::partition).sorted().toList());
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
        p.putAll(KafkaClientSecurity.properties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.replay().groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(config.replay().batchSize()));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "event-normalizer-replay");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(fetchMaxBytes));
        return p;
    }

    private static String replicaName() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }

    private static final class Run {
        final UUID id;
        final String accountId;
        /** Where a resumed replay stops (recorded when it first started); null for a new one. */
        final Map<TopicPartition, Long> resumedEnd;
        final AtomicLong read;
        final AtomicLong replayed;
        volatile Thread thread;
        volatile KafkaConsumer<String, byte[]> consumer;
        /** Why the run must stop early (shutdown, row interrupted elsewhere); null while it may go on. */
        volatile String stopReason;
        volatile boolean done;

        Run(UUID id, String accountId, Map<TopicPartition, Long> resumedEnd, long read, long replayed) {
            this.id = id;
            this.accountId = accountId;
            this.resumedEnd = resumedEnd;
            this.read = new AtomicLong(read);
            this.replayed = new AtomicLong(replayed);
        }

        void interrupt(String reason) {
            stopReason = reason;
            KafkaConsumer<String, byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
        }
    }
}

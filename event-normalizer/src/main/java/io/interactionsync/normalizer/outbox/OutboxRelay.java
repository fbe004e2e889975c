package io.interactionsync.normalizer.outbox;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.LogSafe;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.config.NormalizerConfig;
import io.interactionsync.normalizer.outbox.OutboxRepository.OutboxMessage;
import io.interactionsync.normalizer.outbox.OutboxRepository.OutboxRow;
import io.interactionsync.normalizer.service.NormalizerMetrics;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import java.nio.charset.StandardCharsets;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Publishes committed outbox rows to Kafka (transactional outbox): rows are read in id order under a
 * transaction-scoped advisory lock (one relay at a time across replicas, so per-key order is kept), sent, and
 * deleted in the same transaction once the broker acknowledged every one. A crash between send and delete
 * re-sends (at-least-once; events carry a stable id). Nothing uncommitted is ever visible to the relay.
 *
 * <p>Every InteractionEvent goes to two topics with the same bytes: {@code interaction-events} (the change stream, key
 * user id) and {@code interaction-events-state} (compacted, key event id, a {@code userId} header). On the state topic
 * the partition is chosen explicitly, as the default partitioner would choose it for the user id
 * ({@link #partitionOf}), so one user's events keep their order there too; a deleted event is followed by a tombstone
 * (same key, same partition), so that compaction removes erased data from the log.
 */
@ApplicationScoped
public class OutboxRelay {

    /** Header of every state-topic record (tombstones included): the event's user, whose partition it is on. */
    public static final String USER_ID_HEADER = "userId";

    /** Arbitrary constant naming the relay's advisory lock. */
    private static final long LOCK_ID = 8_084_001L;

    private final Pool pool;
    private final OutboxRepository outbox;
    private final KafkaClientService kafka;
    private final NormalizerConfig config;
    private final NormalizerMetrics metrics;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    /**
     * Declares the {@code outbox} channel, whose Kafka producer (configured under
     * {@code mp.messaging.outgoing.outbox.*}) the relay uses; nothing is sent through the emitter itself.
     */
    @Inject
    @Channel("outbox")
    MutinyEmitter<byte[]> channel;

    public OutboxRelay(Pool pool, OutboxRepository outbox, KafkaClientService kafka, NormalizerConfig config,
                       NormalizerMetrics metrics) {
        this.pool = pool;
        this.outbox = outbox;
        this.kafka = kafka;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * The events of outbox rows this replica committed, as written, by outbox row id: the relay publishes them
     * without reading the rows back. Bounded; a row not found here (the cache was full, or another
     * replica wrote it) is rendered from {@code interaction_events}, as after a restart.
     */
    private final ConcurrentSkipListMap<Long, List<InteractionEvent>> rendered = new ConcurrentSkipListMap<>();
    private final AtomicInteger renderedMessages = new AtomicInteger();
    private static final int RENDERED_LIMIT = 20_000;

    /** Called after a commit that wrote outbox row {@code rowId} announcing {@code events} (as stored). */
    public void committed(long rowId, List<InteractionEvent> events) {
        if (rowId > 0 && renderedMessages.addAndGet(events.size()) <= RENDERED_LIMIT) {
            rendered.put(rowId, events);
        } else if (rowId > 0) {
            renderedMessages.addAndGet(-events.size());
        }
        wake();
    }

    /** Called after each commit: drain now rather than at the next tick. */
    public void wake() {
        drain().subscribe().with(v -> { }, e -> Log.warnf(LogSafe.redact(e), "outbox relay round failed; will retry"));
    }

    @Scheduled(every = "${normalizer.outbox.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        return drain().onFailure().recoverWithUni(e -> {
            Log.warnf(LogSafe.redact(e), "outbox relay round failed; will retry");
            return Uni.createFrom().voidItem();
        });
    }

    /** Publishes until the outbox is empty. Concurrent calls coalesce into one more round. */
    public Uni<Void> drain() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return Uni.createFrom().voidItem();
        }
        again.set(false);
        return round()
                .flatMap(n -> n >= config.outbox().batchSize() || again.getAndSet(false) ? loop() : Uni.createFrom().voidItem())
                .eventually(() -> running.set(false));
    }

    private Uni<Void> loop() {
        return round().flatMap(n -> n >= config.outbox().batchSize() || again.getAndSet(false)
                ? loop() : Uni.createFrom().voidItem());
    }

    /**
     * One transaction: lock, read the oldest rows (whole rows until about {@code batch-size} messages), render event
     * rows from their current state, publish, delete. Returns how many messages were published.
     */
    private Uni<Integer> round() {
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_try_advisory_xact_lock($1)")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(LOCK_ID))
                .flatMap(rows -> {
                    if (!rows.iterator().next().getBoolean(0)) {
                        return Uni.createFrom().item(0);
                    }
                    return outbox.oldest(conn, config.outbox().batchSize()).flatMap(oldest -> {
                        forgetBefore(oldest.isEmpty() ? Long.MAX_VALUE : oldest.get(0).id());
                        List<OutboxRow> taken = upTo(oldest, config.outbox().batchSize());
                        return taken.isEmpty() ? Uni.createFrom().item(0)
                                : messages(conn, taken).flatMap(messages -> publish(messages)
                                        .flatMap(v -> outbox.delete(conn, taken))
                                        .invoke(() -> taken.forEach(r -> forget(r.id())))
                                        .invoke(() -> metrics.published(messages.size()))
                                        .replaceWith(messages.size()));
                    });
                }));
    }

    /** The oldest rows up to about {@code limit} messages, but always at least one row. */
    private static List<OutboxRow> upTo(List<OutboxRow> rows, int limit) {
        List<OutboxRow> taken = new ArrayList<>();
        int messages = 0;
        for (OutboxRow r : rows) {
            if (!taken.isEmpty() && messages >= limit) {
                break;
            }
            taken.add(r);
            messages += r.eventIds() == null ? 1 : r.eventIds().length;
        }
        return taken;
    }

    /** Rows below the oldest one left were published (by any replica): their cached messages are not needed. */
    private void forgetBefore(long oldestId) {
        for (var first = rendered.firstEntry(); first != null && first.getKey() < oldestId; first = rendered.firstEntry()) {
            forget(first.getKey());
        }
    }

    private void forget(long rowId) {
        List<InteractionEvent> gone = rendered.remove(rowId);
        if (gone != null) {
            renderedMessages.addAndGet(-gone.size());
        }
    }

    /**
     * The rows' messages in outbox order: as this replica rendered them at commit, or from the events' current rows.
     * Concatenated as a stream, not as one Uni per row chained to the last: a round of thousands of dead letters would
     * nest that deep and overflow the stack (found by the chaos soak's 10,000 malformed records).
     */
    private Uni<List<OutboxMessage>> messages(SqlConnection conn, List<OutboxRow> rows) {
        return Multi.createFrom().iterable(rows)
                .onItem().transformToUniAndConcatenate(r -> {
                    if (r.message() != null) {
                        return Uni.createFrom().item(List.of(r.message()));
                    }
                    List<InteractionEvent> cached = rendered.get(r.id());
                    Uni<List<InteractionEvent>> events = cached != null ? Uni.createFrom().item(cached)
                            : outbox.events(conn, r.eventIds());
                    // rendering JSON is CPU work: off the event loop
                    return events.emitOn(Infrastructure.getDefaultWorkerPool()).map(OutboxMessage::events)
                            .map(m -> r.stateOnly() ? m.stream().map(OutboxMessage::stateOnly).toList() : m);
                })
                .collect().in(() -> new ArrayList<OutboxMessage>(), List::addAll);
    }

    /**
     * Sends every message in order and completes when the broker acknowledged all of them. Straight to the channel's
     * producer (one callback per record) rather than one Uni per message: a round carries thousands of events.
     * The idempotent producer keeps the order per partition. An event's state copy reuses its bytes.
     */
    private Uni<Void> publish(List<OutboxMessage> messages) {
        return Uni.createFrom().<Void>emitter(done -> {
                    Producer<String, byte[]> producer = kafka.<String, byte[]>getProducer("outbox").unwrap();
                    // one in flight for the loop itself, so that early acks cannot complete the round
                    AtomicInteger pending = new AtomicInteger(1);
                    AtomicReference<Exception> failure = new AtomicReference<>();
                    Runnable settle = () -> {
                        if (pending.decrementAndGet() == 0) {
                            if (failure.get() == null) {
                                done.complete(null);
                            } else {
                                done.fail(failure.get());
                            }
                        }
                    };
                    Callback callback = (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                        settle.run();
                    };
                    Consumer<ProducerRecord<String, byte[]>> send = record -> {
                        pending.incrementAndGet();
                        try {
                            producer.send(record, callback);
                        } catch (RuntimeException e) { // thrown instead of reported: the callback will not run
                            callback.onCompletion(null, e);
                        }
                    };
                    try {
                        // before any send: a state topic missing or not writable fails the round with nothing sent
                        // (the producer's cached metadata after the first round)
                        int statePartitions = messages.stream().anyMatch(m -> m.event() != null)
                                ? producer.partitionsFor(Topics.INTERACTION_EVENTS_STATE).size() : 0;
                        for (OutboxMessage m : messages) {
                            if (failure.get() != null) {
                                break;
                            }
                            if (!Topics.INTERACTION_EVENTS_STATE.equals(m.topic())) {
                                send.accept(new ProducerRecord<>(m.topic(), m.key(), m.payload()));
                            }
                            if (m.event() == null) {
                                continue;
                            }
                            byte[] user = m.key().getBytes(StandardCharsets.UTF_8);
                            int partition = partitionOf(user, statePartitions);
                            String id = m.event().id();
                            send.accept(new ProducerRecord<>(Topics.INTERACTION_EVENTS_STATE, partition, id, m.payload(),
                                    userHeader(user)));
                            if (m.event().deleted()) {
                                send.accept(new ProducerRecord<>(Topics.INTERACTION_EVENTS_STATE, partition, id, null,
                                        userHeader(user)));
                            }
                        }
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e); // e.g. no metadata for the state topic within max.block.ms
                    }
                    settle.run();
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()) // send() may block on a full buffer
                .emitOn(Infrastructure.getDefaultWorkerPool()); // not on the producer's I/O thread
    }

    /**
     * The partition Kafka's default partitioner picks for a record keyed {@code userIdUtf8} on a topic with
     * {@code partitions} partitions (murmur2 of the serialized key, as {@code BuiltInPartitioner.partitionForKey}):
     * the state topic puts a user's events where {@code interaction-events} would, in the same order.
     */
    static int partitionOf(byte[] userIdUtf8, int partitions) {
        return Utils.toPositive(Utils.murmur2(userIdUtf8)) % partitions;
    }

    private static Headers userHeader(byte[] userIdUtf8) {
        return new RecordHeaders().add(USER_ID_HEADER, userIdUtf8);
    }
}

package io.interactionsync.normalizer.outbox;

import io.interactionsync.normalizer.config.NormalizerConfig;
import io.interactionsync.normalizer.outbox.OutboxRepository.OutboxMessage;
import io.interactionsync.normalizer.service.NormalizerMetrics;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes committed outbox rows to Kafka (transactional outbox): rows are read in id order under a
 * transaction-scoped advisory lock (one relay at a time across replicas, so per-key order is kept), sent, and
 * deleted in the same transaction once the broker acknowledged every one. A crash between send and delete
 * re-sends (at-least-once; events carry a stable id). Nothing uncommitted is ever visible to the relay.
 */
@ApplicationScoped
public class OutboxRelay {

    /** Arbitrary constant naming the relay's advisory lock. */
    private static final long LOCK_ID = 8_084_001L;

    private final Pool pool;
    private final OutboxRepository outbox;
    private final MutinyEmitter<String> emitter;
    private final NormalizerConfig config;
    private final NormalizerMetrics metrics;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public OutboxRelay(Pool pool, OutboxRepository outbox,
                       @Channel("outbox") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                       MutinyEmitter<String> emitter,
                       NormalizerConfig config, NormalizerMetrics metrics) {
        this.pool = pool;
        this.outbox = outbox;
        this.emitter = emitter;
        this.config = config;
        this.metrics = metrics;
    }

    /** Called after each commit: drain now rather than at the next tick. */
    public void wake() {
        drain().subscribe().with(v -> { }, e -> Log.warnf(e, "outbox relay round failed; will retry"));
    }

    @Scheduled(every = "${normalizer.outbox.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        return drain().onFailure().recoverWithUni(e -> {
            Log.warnf(e, "outbox relay round failed; will retry");
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

    /** One transaction: lock, read the oldest rows, publish, delete. Returns how many were published. */
    private Uni<Integer> round() {
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_try_advisory_xact_lock($1)")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(LOCK_ID))
                .flatMap(rows -> {
                    if (!rows.iterator().next().getBoolean(0)) {
                        return Uni.createFrom().item(0);
                    }
                    return outbox.oldest(conn, config.outbox().batchSize())
                            .flatMap(messages -> messages.isEmpty() ? Uni.createFrom().item(0)
                                    : publish(messages).flatMap(v -> outbox.delete(conn, messages))
                                            .invoke(() -> metrics.published(messages.size()))
                                            .replaceWith(messages.size()));
                }));
    }

    private Uni<Void> publish(List<OutboxMessage> messages) {
        // Sent in id order; the idempotent producer keeps that order per partition. Acks awaited together.
        return Multi.createFrom().iterable(messages)
                .onItem().transformToUni(m -> emitter.sendMessage(Message.of(m.payload())
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withTopic(m.topic()).withKey(m.key()).build())))
                .merge(256)
                .collect().last()
                .replaceWithVoid();
    }
}

package io.interactionsync.normalizer.listener;

import io.interactionsync.model.LogSafe;
import io.interactionsync.model.Topics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Graceful drain (issue 18): on shutdown the consumers stop fetching first, and the batches already handed to the
 * service finish their transactions, before Quarkus closes the database pool. A batch that still runs when the wait
 * is over is not acknowledged and is read again by the next owner of its partition (idempotent).
 */
@ApplicationScoped
public class GracefulDrain {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final AtomicInteger inFlight = new AtomicInteger();
    private final KafkaClientService clients;

    public GracefulDrain(KafkaClientService clients) {
        this.clients = clients;
    }

    /** Counts {@code batch} as in flight until it completes, whatever the outcome. */
    public <T> Uni<T> track(Uni<T> batch) {
        return Uni.createFrom().deferred(() -> {
            inFlight.incrementAndGet();
            return batch.onTermination().invoke(inFlight::decrementAndGet);
        });
    }

    /** Early among the shutdown observers: before the pool and the connector's consumers close. */
    void drain(@Observes @Priority(1) ShutdownEvent ignored) {
        for (String channel : List.of(Topics.RAW_RECORDS, Topics.ACCOUNT_EVENTS)) {
            try {
                for (KafkaConsumer<Object, Object> consumer : clients.<Object, Object>getConsumers(channel)) {
                    consumer.pause().await().atMost(Duration.ofSeconds(5));
                }
            } catch (RuntimeException e) {
                Log.debugf("could not pause %s on shutdown: %s", channel, LogSafe.redact(e.getMessage()));
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50); // bounded: shutdown waits for work owned by other threads
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (inFlight.get() > 0) {
            Log.warnf("shutting down with %d batches still running: they are not acknowledged and will be read again",
                    inFlight.get());
        } else {
            Log.info("consumers paused and in-flight batches committed: the database pool may close");
        }
    }
}

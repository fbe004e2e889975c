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
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Graceful drain (issue 18): on shutdown the consumers stop fetching first, and the batches already handed to the
 * service finish their transactions, before Quarkus closes the database pool. A batch handed over after the drain began
 * (records the consumer had already fetched) is not started, and one that still runs when the wait is over is not
 * acknowledged: either is read again by the next owner of its partition (idempotent). {@code GracefulDrainTests}.
 */
@ApplicationScoped
public class GracefulDrain {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final AtomicInteger inFlight = new AtomicInteger();
    private final KafkaClientService clients;
    private final Duration wait;
    private volatile boolean draining;

    @Inject
    public GracefulDrain(KafkaClientService clients) {
        this(clients, WAIT);
    }

    GracefulDrain(KafkaClientService clients, Duration wait) {
        this.clients = clients;
        this.wait = wait;
    }

    /**
     * Counts {@code batch} as in flight until it completes, whatever the outcome. Once the drain began, a new batch is
     * not subscribed at all: it never completes, so it is never acknowledged and its records are read again.
     */
    public <T> Uni<T> track(Uni<T> batch) {
        return Uni.createFrom().deferred(() -> {
            // counted before the check: a drain that begins after the check waits for this batch
            inFlight.incrementAndGet();
            if (draining) {
                inFlight.decrementAndGet();
                Log.debug("shutting down: a batch handed over after the drain began is left to be read again");
                return Uni.createFrom().<T>nothing();
            }
            return batch.onTermination().invoke(inFlight::decrementAndGet);
        });
    }

    /** Early among the shutdown observers: before the pool and the connector's consumers close. */
    void drain(@Observes @Priority(1) ShutdownEvent ignored) {
        draining = true;
        for (String channel : List.of(Topics.RAW_RECORDS, Topics.ACCOUNT_EVENTS)) {
            try {
                for (KafkaConsumer<Object, Object> consumer : clients.<Object, Object>getConsumers(channel)) {
                    consumer.pause().await().atMost(Duration.ofSeconds(5));
                }
            } catch (RuntimeException e) {
                Log.debugf("could not pause %s on shutdown: %s", channel, LogSafe.redact(e.getMessage()));
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
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

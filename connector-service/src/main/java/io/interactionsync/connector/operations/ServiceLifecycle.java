package io.interactionsync.connector.operations;

import io.interactionsync.connector.listener.SyncStatusListener;
import io.interactionsync.connector.service.OutboxRelay;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;

/**
 * Starts the outbox relay, and drains before the application's beans (the database pool among them) go away: the
 * {@code sync-status} consumer is paused and the record being handled finishes (records not handled stay
 * uncommitted and go to the next owner of the partition), then the outbox relay finishes its round in flight
 * (rows not sent stay queued for the next start or another replica).
 */
@ApplicationScoped
public class ServiceLifecycle {

    private static final Duration CONSUMER_DRAIN = Duration.ofSeconds(10);

    private final OutboxRelay relay;
    private final SyncStatusListener statusListener;
    private final KafkaClientService kafkaClients;

    public ServiceLifecycle(OutboxRelay relay, SyncStatusListener statusListener, KafkaClientService kafkaClients) {
        this.relay = relay;
        this.statusListener = statusListener;
        this.kafkaClients = kafkaClients;
    }

    void onStart(@Observes StartupEvent event) {
        relay.start(); // its first round sends what a previous process committed but did not send
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        Log.info("draining: pausing the sync-status consumer, then finishing the outbox relay's round");
        try {
            kafkaClients.getConsumer(SyncStatusListener.CHANNEL).pause().await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            Log.warnf("sync-status consumer not paused (%s); the listener refuses new records", e.getClass().getSimpleName());
        }
        if (!statusListener.drain(CONSUMER_DRAIN)) {
            Log.warnf("a sync-status record was still being handled after %s", CONSUMER_DRAIN);
        }
        relay.stop();
        Log.info("drained");
    }
}

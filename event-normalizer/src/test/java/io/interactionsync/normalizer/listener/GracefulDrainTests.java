package io.interactionsync.normalizer.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.model.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, nothing lost on the edges: what the shutdown observer does with a batch in flight, in the order Quarkus
 * runs it — {@link GracefulDrain#drain} observes {@code ShutdownEvent} at priority 1, before the observers that close
 * the database pool and the connector's consumers, so whatever happens before it returns happens before the pool
 * closes. A batch mid-transaction commits (and is acknowledged) before the drain returns; a batch handed over once
 * the drain began is never started nor acknowledged, so it is read again; a batch that outlasts the wait is left
 * unacknowledged, and the drain gives up within its bound.
 */
class GracefulDrainTests {

    /** What happened, in order: consumers paused, batches committed, the drain returned (then the pool would close). */
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ExecutorService shutdown = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        shutdown.shutdownNow();
    }

    /** The channels' consumers as smallrye's client service hands them out: only {@code pause} is used. */
    private KafkaClientService clients() {
        Map<String, List<KafkaConsumer<Object, Object>>> consumers = Map.of(
                Topics.RAW_RECORDS, List.of(consumer(Topics.RAW_RECORDS + "-0"), consumer(Topics.RAW_RECORDS + "-1")),
                Topics.ACCOUNT_EVENTS, List.of(consumer(Topics.ACCOUNT_EVENTS + "-0")));
        return new KafkaClientService() {
            @Override
            @SuppressWarnings("unchecked")
            public <K, V> List<KafkaConsumer<K, V>> getConsumers(String channel) {
                return (List<KafkaConsumer<K, V>>) (List<?>) consumers.getOrDefault(channel, List.of());
            }

            @Override
            public <K, V> KafkaProducer<K, V> getProducer(String channel) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Set<String> getConsumerChannels() {
                return consumers.keySet();
            }

            @Override
            public Set<String> getProducerChannels() {
                return Set.of();
            }
        };
    }

    @SuppressWarnings("unchecked")
    private KafkaConsumer<Object, Object> consumer(String name) {
        return (KafkaConsumer<Object, Object>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {KafkaConsumer.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "pause" -> {
                            log.add("paused " + name);
                            return Uni.createFrom().item(Set.of());
                        }
                        case "toString" -> {
                            return name;
                        }
                        case "hashCode" -> {
                            return System.identityHashCode(proxy);
                        }
                        case "equals" -> {
                            return proxy == args[0];
                        }
                        default -> {
                        }
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A batch as the listeners hand it over: its transaction completes when {@code commit} does. */
    private Cancellable inFlight(GracefulDrain drain, String name, CompletableFuture<Void> commit) {
        return drain.track(Uni.createFrom().completionStage(commit).invoke(() -> log.add("committed " + name)))
                .subscribe().with(v -> log.add("acknowledged " + name), f -> log.add("failed " + name));
    }

    private Future<?> shutDown(GracefulDrain drain) {
        return shutdown.submit(() -> {
            drain.drain(null);
            log.add("drained");
        });
    }

    @Test
    void aBatchMidTransactionCommitsAndIsAcknowledgedBeforeTheDrainLetsThePoolClose() throws Exception {
        GracefulDrain drain = new GracefulDrain(clients(), Duration.ofSeconds(20));
        CompletableFuture<Void> transaction = new CompletableFuture<>();
        inFlight(drain, "batch-1", transaction);

        Future<?> stopping = shutDown(drain);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.size() == 3);
        assertThat(log).as("every consumer stops fetching first").containsExactlyInAnyOrder(
                "paused raw-records-0", "paused raw-records-1", "paused account-events-0");
        // the drain holds the shutdown while the transaction runs
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !stopping.isDone());

        transaction.complete(null);
        stopping.get();
        assertThat(log.subList(3, log.size())).containsExactly("committed batch-1", "acknowledged batch-1", "drained");
    }

    @Test
    void aBatchHandedOverOnceTheDrainBeganIsNeverStartedSoItIsReadAgain() throws Exception {
        GracefulDrain drain = new GracefulDrain(clients(), Duration.ofSeconds(20));
        shutDown(drain).get();
        // records the consumer fetched before it was paused reach the listener after the drain
        CompletableFuture<Void> transaction = CompletableFuture.completedFuture(null);
        inFlight(drain, "late", transaction);
        assertThat(log).doesNotContain("committed late", "acknowledged late").contains("drained");
    }

    @Test
    void aFailedBatchCountsAsDoneAndABatchThatOutlastsTheWaitIsLeftUnacknowledged() throws Exception {
        GracefulDrain drain = new GracefulDrain(clients(), Duration.ofMillis(500));
        inFlight(drain, "failed", CompletableFuture.failedFuture(new IllegalStateException("rolled back")));
        CompletableFuture<Void> stuck = new CompletableFuture<>();
        inFlight(drain, "stuck", stuck);

        long start = System.nanoTime();
        shutDown(drain).get();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the stuck batch, then gave up")
                .isGreaterThanOrEqualTo(Duration.ofMillis(450)).isLessThan(Duration.ofSeconds(10));
        assertThat(log).contains("failed failed", "drained").doesNotContain("acknowledged stuck", "acknowledged failed");
    }
}

package io.interactionsync.connector.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.connector.service.SharedMailboxAccessService;
import io.interactionsync.connector.service.SyncStatusService;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Graceful drain: the record in hand finishes before the pool may close; a later one is never handled (nor acked). */
class SyncStatusListenerDrainTests {

    private final CountDownLatch storing = new CountDownLatch(1);
    private final CountDownLatch mayFinish = new CountDownLatch(1);
    private final AtomicInteger stored = new AtomicInteger();

    /** Stands in for the store: holds the first record until the test lets it finish. */
    private final SyncStatusService store = new SyncStatusService(null) {
        @Override
        public void record(SyncStatus status) {
            storing.countDown();
            try {
                mayFinish.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stored.incrementAndGet();
        }
    };

    private final SyncStatusListener listener = new SyncStatusListener(store,
            new SharedMailboxAccessService(null, null, null, null, null)); // a Gmail report changes no subscription

    @Test
    void shouldFinishTheRecordInHandAndHoldBackLaterOnes() throws Exception {
        Thread first = Thread.ofPlatform().start(() -> handle(status()));
        assertThat(storing.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> listener.drain(Duration.ofSeconds(10)));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !drained.isDone());
        mayFinish.countDown();
        assertThat(drained.get(10, TimeUnit.SECONDS)).isTrue(); // returned only once the record in hand was stored
        first.join(Duration.ofSeconds(10));
        assertThat(stored.get()).isEqualTo(1);

        Thread later = Thread.ofPlatform().start(() -> handle(status()));
        await().atMost(Duration.ofSeconds(5)).until(() -> later.getState() == Thread.State.TIMED_WAITING);
        later.interrupt(); // as the process ends
        later.join(Duration.ofSeconds(10));
        assertThat(stored.get()).as("a record arriving after the drain is not handled").isEqualTo(1);
    }

    private void handle(SyncStatus status) {
        try {
            listener.onStatus(status);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static SyncStatus status() {
        return new SyncStatus(SyncStatus.SCHEMA_VERSION, UUID.randomUUID().toString(), Source.GMAIL, null,
                SyncStatus.State.SYNCING, 1, null, null, null, Instant.now());
    }
}

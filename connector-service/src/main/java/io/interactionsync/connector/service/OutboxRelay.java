package io.interactionsync.connector.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.MDC;

/**
 * Sends {@code connector.event_outbox} rows to Kafka in id order and deletes them once the broker acknowledged them
 * (idempotent producer, {@code acks=all}). One round is one transaction: {@code pg_try_advisory_xact_lock} makes one
 * replica at a time the relay, {@code select … order by id for update} takes a batch, the sends are pipelined and their
 * acks awaited together, and the acknowledged rows are deleted — except, per key, everything from the first failed
 * send on, so a key's records are retried in their order. Delivery is at least once: a send whose ack was lost is sent
 * again. A row that can never be sent (unreadable, or over the broker's record size limit) is dropped with an error
 * log and {@code connector.outbox.dropped}, so it cannot block its key. After the commit,
 * {@link EventPublisher.Published} is fired for each account-event sent.
 * <p>
 * The relay runs on its own thread: right after a commit that queued rows (woken), every
 * {@code connector.outbox.poll-interval} (rows of other replicas, retries) and at startup (rows left by a crash).
 * After a failed round it backs off up to 30 s. At shutdown it finishes its round in flight.
 */
@ApplicationScoped
public class OutboxRelay {

    /** An arbitrary constant: the advisory lock (of this database) that only the relaying replica holds. */
    static final long RELAY_LOCK = 0x6f7574626f78L; // "outbox"
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration WAITER_RECHECK = Duration.ofMillis(100);

    private record Row(long id, String topic, String key, String payload, Instant createdAt) {
    }

    private final MutinyEmitter<AccountEvent> accountEvents;
    private final MutinyEmitter<SyncRequest> syncRequests;
    private final Event<EventPublisher.Published> published;
    private final EntityManager entityManager;
    private final MeterRegistry meters;
    private final ConnectorConfig.Outbox config;

    private final Semaphore wakeups = new Semaphore(0);
    private final Map<Long, CompletableFuture<Void>> waiters = new ConcurrentHashMap<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();
    private final Object lifecycle = new Object();
    private volatile Thread thread;
    private volatile boolean stopping;
    private volatile boolean suspended;

    public OutboxRelay(@Channel(EventPublisher.ACCOUNT_EVENTS_CHANNEL) MutinyEmitter<AccountEvent> accountEvents,
                       @Channel(EventPublisher.SYNC_REQUESTS_CHANNEL) MutinyEmitter<SyncRequest> syncRequests,
                       Event<EventPublisher.Published> published, EntityManager entityManager, MeterRegistry meters,
                       ConnectorConfig config) {
        this.accountEvents = accountEvents;
        this.syncRequests = syncRequests;
        this.published = published;
        this.entityManager = entityManager;
        this.meters = meters;
        this.config = config.outbox();
        Gauge.builder("connector.outbox.pending", pending, AtomicLong::get)
                .description("Records in connector.event_outbox not yet acknowledged by Kafka (as of the last relay round)")
                .register(meters);
        Gauge.builder("connector.outbox.oldest.age", oldestAgeSeconds, AtomicLong::get).baseUnit("seconds")
                .description("Age of the oldest record in connector.event_outbox (as of the last relay round)")
                .register(meters);
    }

    /** Starts the relay thread; its first round sends what a previous process left behind. Idempotent. */
    public void start() {
        synchronized (lifecycle) {
            if (thread != null && thread.isAlive()) {
                return;
            }
            stopping = false;
            thread = Thread.ofPlatform().name("outbox-relay").daemon().start(this::loop);
        }
    }

    /** Stops after the round in flight (waiting at most {@code connector.outbox.drain-timeout}). */
    public void stop() {
        Thread t;
        synchronized (lifecycle) {
            stopping = true;
            t = thread;
        }
        wake();
        if (t == null) {
            return;
        }
        try {
            if (!t.join(config.drainTimeout())) {
                Log.warnf("outbox relay still busy after %s at shutdown; its rows are sent after the restart",
                        config.drainTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A commit queued rows: run a round now. */
    public void wake() {
        wakeups.release();
    }

    /** Holds rounds back (the rows stay queued) until {@link #resume}: a test's stand-in for a broker that cannot be reached. */
    public void suspend() {
        suspended = true;
    }

    public void resume() {
        suspended = false;
        wake();
    }

    /** Whether every one of {@code ids} was sent (by this or another replica) within {@code timeout}. */
    boolean awaitRelayed(Collection<Long> ids, Duration timeout) {
        List<CompletableFuture<Void>> mine = ids.stream()
                .map(id -> waiters.computeIfAbsent(id, k -> new CompletableFuture<>())).toList();
        wake();
        try {
            CompletableFuture.allOf(mine.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            ids.forEach(waiters::remove);
        }
    }

    private void loop() {
        int failures = 0;
        while (!stopping) {
            boolean more = false;
            if (!suspended) {
                try {
                    Round r = round();
                    more = r.more();
                    failures = r.failedSends() ? failures + 1 : 0;
                } catch (RuntimeException e) {
                    failures++;
                    Log.warnf("outbox relay round failed (%s); rows stay queued, retry #%d", e.getClass().getSimpleName(),
                            failures);
                }
            }
            if (more || stopping) {
                continue;
            }
            Duration pause = failures > 0 ? backoff(failures)
                    : !waiters.isEmpty() ? WAITER_RECHECK : config.pollInterval();
            try {
                wakeups.tryAcquire(pause.toMillis(), TimeUnit.MILLISECONDS);
                wakeups.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Duration backoff(int failures) {
        long millis = config.pollInterval().toMillis() << Math.min(failures, 10);
        return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
    }

    /** What a round did: whether a full batch went out (more may be queued), whether a send failed. */
    record Round(boolean more, boolean failedSends) {
    }

    /** One round (a transaction). */
    Round round() {
        List<AccountEvent> sentAccountEvents = new ArrayList<>();
        Set<Long> deleted = new HashSet<>();
        int[] batch = {0};
        int timeout = (int) Math.max(60, config.ackTimeout().toSeconds() * 2);
        boolean relayed = QuarkusTransaction.requiringNew().timeout(timeout).call(() -> {
            boolean leader = (Boolean) entityManager.createNativeQuery("select pg_try_advisory_xact_lock(:lock)")
                    .setParameter("lock", RELAY_LOCK).getSingleResult();
            if (!leader) {
                measure(); // every replica reports the backlog, not only the relaying one
                return false;
            }
            List<Row> rows = lockBatch();
            batch[0] = rows.size();
            if (!rows.isEmpty()) {
                // Sent with the transaction suspended (its row locks stay held): context propagation would otherwise
                // carry it onto the Kafka emitter's threads, and a callback thread still inside it at commit time
                // fails the commit ("multiple threads active") — the batch sent, not deleted, sent again later, and
                // its observers not told.
                List<Long> sent = QuarkusTransaction.suspendingExisting().call(() -> send(rows, sentAccountEvents));
                if (!sent.isEmpty()) {
                    entityManager.createNativeQuery("delete from connector.event_outbox where id in (:ids)")
                            .setParameter("ids", sent).executeUpdate();
                }
                deleted.addAll(sent);
            }
            measure();
            return true;
        });
        if (!relayed) {
            completeWaitersOfRowsGone(); // another replica relays: its deletions release this replica's requests
            return new Round(false, false);
        }
        // After the commit: observers see the event as delivered, and only then are the waiting requests released.
        for (AccountEvent e : sentAccountEvents) {
            try {
                published.fire(new EventPublisher.Published(e));
            } catch (RuntimeException ex) {
                Log.warnf("an observer of a published %s failed (%s)", e.type(), ex.getClass().getSimpleName());
            }
        }
        deleted.forEach(id -> {
            CompletableFuture<Void> f = waiters.remove(id);
            if (f != null) {
                f.complete(null);
            }
        });
        completeWaitersOfRowsGone(); // ids sent by a round of another replica before this one took the lock
        boolean failed = deleted.size() < batch[0];
        return new Round(!failed && batch[0] == config.batchSize(), failed);
    }

    @SuppressWarnings("unchecked")
    private List<Row> lockBatch() {
        List<Object[]> raw = entityManager.createNativeQuery(
                        "select id, topic, record_key, payload, created_at from connector.event_outbox order by id limit :n for update")
                .setParameter("n", config.batchSize()).getResultList();
        return raw.stream().map(r -> new Row(((Number) r[0]).longValue(), (String) r[1], (String) r[2], (String) r[3],
                instant(r[4]))).toList();
    }

    /** Sends the rows in order, awaits the acks; returns the ids that may be deleted (per key, those before a failure). */
    private List<Long> send(List<Row> rows, List<AccountEvent> sentAccountEvents) {
        List<CompletableFuture<Void>> acks = new ArrayList<>(rows.size());
        List<AccountEvent> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            AccountEvent event = null;
            CompletableFuture<Void> ack;
            try {
                if (Topics.ACCOUNT_EVENTS.equals(row.topic())) {
                    event = Json.mapper().readValue(row.payload(), AccountEvent.class);
                    ack = accountEvents.sendMessage(keyed(row.key(), event)).subscribeAsCompletionStage();
                } else {
                    SyncRequest request = Json.mapper().readValue(row.payload(), SyncRequest.class);
                    ack = syncRequests.sendMessage(keyed(row.key(), request)).subscribeAsCompletionStage();
                }
            } catch (IOException | RuntimeException e) {
                ack = CompletableFuture.failedFuture(e);
            }
            acks.add(ack);
            events.add(event);
        }
        long deadline = System.nanoTime() + config.ackTimeout().toNanos();
        Set<String> failedKeys = new HashSet<>();
        List<Long> deletable = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            String keyOfTopic = row.topic() + "/" + row.key();
            Throwable failure = await(acks.get(i), deadline);
            if (failure != null && unsendable(failure)) {
                // Retrying cannot help (unreadable row, record over the broker's size limit): it would block its key
                // for good. Dropped loudly instead.
                deletable.add(row.id());
                meters.counter("connector.outbox.dropped", "topic", row.topic()).increment();
                Log.errorf("outbox row %d (%s, key %s) can never be sent (%s); dropped", row.id(), row.topic(), row.key(),
                        rootCause(failure).getClass().getSimpleName());
            } else if (failure == null && !failedKeys.contains(keyOfTopic)) {
                deletable.add(row.id());
                meters.counter("connector.outbox.published", "topic", row.topic()).increment();
                if (events.get(i) != null) {
                    sentAccountEvents.add(events.get(i));
                    MDC.put("accountId", row.key());
                    try {
                        Log.infof("published account-event %s for %s", events.get(i).type(), row.key());
                    } finally {
                        MDC.remove("accountId");
                    }
                }
            } else {
                failedKeys.add(keyOfTopic);
            }
        }
        if (!failedKeys.isEmpty()) {
            meters.counter("connector.outbox.send.failures").increment(rows.size() - deletable.size());
            Log.warnf("outbox relay: %d of %d records not acknowledged; they stay queued", rows.size() - deletable.size(),
                    rows.size());
        }
        return deletable;
    }

    /** Null once acknowledged, else why not. */
    private static Throwable await(CompletableFuture<Void> ack, long deadlineNanos) {
        try {
            ack.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (TimeoutException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    static boolean unsendable(Throwable failure) {
        Throwable root = rootCause(failure);
        return root instanceof RecordTooLargeException || root instanceof SerializationException
                || root instanceof JsonProcessingException;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private void measure() {
        Object[] r = (Object[]) entityManager.createNativeQuery(
                "select count(*), min(created_at) from connector.event_outbox").getSingleResult();
        pending.set(((Number) r[0]).longValue());
        Instant oldest = r[1] == null ? null : instant(r[1]);
        oldestAgeSeconds.set(oldest == null ? 0 : Math.max(0, Duration.between(oldest, Instant.now()).toSeconds()));
    }

    private void completeWaitersOfRowsGone() {
        if (waiters.isEmpty()) {
            return;
        }
        List<Long> ids = List.copyOf(waiters.keySet());
        @SuppressWarnings("unchecked")
        List<Number> present = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "select id from connector.event_outbox where id in (:ids)").setParameter("ids", ids).getResultList());
        Set<Long> queued = new HashSet<>();
        present.forEach(n -> queued.add(n.longValue()));
        for (Long id : ids) {
            if (!queued.contains(id)) {
                CompletableFuture<Void> f = waiters.remove(id);
                if (f != null) {
                    f.complete(null);
                }
            }
        }
    }

    private static Instant instant(Object value) {
        return switch (value) {
            case Instant i -> i;
            case OffsetDateTime o -> o.toInstant();
            case java.sql.Timestamp t -> t.toInstant();
            default -> throw new IllegalStateException("unexpected timestamp type " + value.getClass());
        };
    }

    private static <T> Message<T> keyed(String key, T payload) {
        return Message.of(payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
    }
}

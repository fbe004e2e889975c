package io.interactionsync.connector.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Announces state changes on {@code account-events} and {@code sync-requests} (keyed by account, user or collection
 * id) through a transactional outbox: {@code publish} writes the record to {@code connector.event_outbox} in the caller's
 * transaction, so the record exists exactly when the state change it announces was committed. {@link OutboxRelay}
 * sends the rows in order once they are committed (it is woken by the commit) and deletes them after the broker's
 * ack; a crash or a Kafka outage leaves them in the table until a later round sends them.
 * <p>
 * An API request that must answer only after its records are on the broker calls {@link #awaitPublished} after its
 * commit: a bounded wait, after which the request answers anyway (the records stay queued and are sent later).
 */
@ApplicationScoped
public class EventPublisher {

    public static final String ACCOUNT_EVENTS_CHANNEL = Topics.ACCOUNT_EVENTS;
    public static final String SYNC_REQUESTS_CHANNEL = Topics.SYNC_REQUESTS;

    /**
     * Fired (synchronously, in the relay's thread) once an account-event was acknowledged by the broker, so that
     * state derived from an account's lifecycle (the shared mailboxes' subscription states) follows it without the
     * publishing code knowing about it.
     */
    public record Published(AccountEvent event) {
    }

    private static final String WAKE_REGISTERED = EventPublisher.class.getName() + ".wake";

    private final EntityManager entityManager;
    private final TransactionSynchronizationRegistry transactions;
    private final OutboxRelay relay;
    private final Clock clock;
    private final Duration awaitPublish;

    public EventPublisher(EntityManager entityManager, TransactionSynchronizationRegistry transactions,
                          OutboxRelay relay, Clock clock, ConnectorConfig config) {
        this.entityManager = entityManager;
        this.transactions = transactions;
        this.relay = relay;
        this.clock = clock;
        this.awaitPublish = config.outbox().awaitPublish();
    }

    /**
     * Queues the account-event in the caller's transaction (required) and returns its outbox id. Transactions queueing
     * events of the same key are serialised until their commit, so the ids of one key follow the commit order and the
     * relay, which sends in id order, keeps the key's order.
     */
    public long publish(AccountEvent event) {
        return write(Topics.ACCOUNT_EVENTS, event.accountId(), event, true);
    }

    /** Queues the sync request in the caller's transaction (required) and returns its outbox id. */
    public long publish(SyncRequest request) {
        // A sync request asks for "a sync now": the order of two of them does not matter, and the daily fan-out
        // queues one per account in one transaction, more than PostgreSQL's lock table should hold.
        return write(Topics.SYNC_REQUESTS, request.accountId(), request, false);
    }

    /**
     * Waits (at most {@code connector.outbox.await-publish}) until the given committed rows were sent and acknowledged
     * (and the {@link Published} observers of account-events ran). Returns whether they were; if not, they stay queued
     * and are sent later, so the caller answers as usual.
     */
    public boolean awaitPublished(List<Long> ids) {
        if (ids.isEmpty() || awaitPublish.isZero()) {
            return ids.isEmpty();
        }
        boolean done = relay.awaitRelayed(ids, awaitPublish);
        if (!done) {
            Log.warnf("%d queued event(s) not yet acknowledged after %s; the outbox relay sends them later",
                    ids.size(), awaitPublish);
        }
        return done;
    }

    public boolean awaitPublished(long id) {
        return awaitPublished(List.of(id));
    }

    private long write(String topic, String key, Object record, boolean serialisePerKey) {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            throw new IllegalStateException("an event is queued in the transaction of the state change it announces");
        }
        if (key == null) {
            throw new IllegalArgumentException("a " + topic + " record needs a key");
        }
        String payload;
        try {
            payload = Json.mapper().writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a " + topic + " record", e);
        }
        if (serialisePerKey) {
            // Held until the commit: a second transaction of this key gets its (higher) id only after this one ended.
            entityManager.createNativeQuery("select pg_advisory_xact_lock(hashtextextended(:key, 0))")
                    .setParameter("key", topic + "/" + key).getSingleResult();
        }
        long id = ((Number) entityManager.createNativeQuery(
                        "insert into connector.event_outbox (topic, record_key, payload, created_at) values (:topic, :key, :payload, "
                                + ":createdAt) returning id")
                .setParameter("topic", topic).setParameter("key", key).setParameter("payload", payload)
                .setParameter("createdAt", java.sql.Timestamp.from(clock.instant())).getSingleResult()).longValue();
        wakeRelayAfterCommit();
        return id;
    }

    private void wakeRelayAfterCommit() {
        if (transactions.getResource(WAKE_REGISTERED) != null) {
            return;
        }
        transactions.putResource(WAKE_REGISTERED, Boolean.TRUE);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    relay.wake();
                }
            }
        });
    }
}

package io.interactionsync.connector.service;

import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes to {@code account-events} and {@code sync-requests}, keyed by account id, and waits for the
 * broker's ack. Callers publish only after their database transaction committed.
 */
@ApplicationScoped
public class EventPublisher {

    public static final String ACCOUNT_EVENTS_CHANNEL = Topics.ACCOUNT_EVENTS;
    public static final String SYNC_REQUESTS_CHANNEL = Topics.SYNC_REQUESTS;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Fired (synchronously, in the publishing thread) once an account-event was acknowledged by the broker, so that
     * state derived from an account's lifecycle (the shared mailboxes' subscription states) follows it without the
     * publishing code knowing about it.
     */
    public record Published(AccountEvent event) {
    }

    private final MutinyEmitter<AccountEvent> accountEvents;
    private final MutinyEmitter<SyncRequest> syncRequests;
    private final Event<Published> published;

    public EventPublisher(@Channel(ACCOUNT_EVENTS_CHANNEL) MutinyEmitter<AccountEvent> accountEvents,
                          @Channel(SYNC_REQUESTS_CHANNEL) MutinyEmitter<SyncRequest> syncRequests,
                          Event<Published> published) {
        this.accountEvents = accountEvents;
        this.syncRequests = syncRequests;
        this.published = published;
    }

    public void publish(AccountEvent event) {
        accountEvents.sendMessage(keyed(event.accountId(), event)).await().atMost(ACK_TIMEOUT);
        Log.infof("published account-event %s for %s", event.type(), event.accountId());
        published.fire(new Published(event));
    }

    public void publish(SyncRequest request) {
        syncRequests.sendMessage(keyed(request.accountId(), request)).await().atMost(ACK_TIMEOUT);
        Log.infof("published sync-request %s %s%s for %s", request.reason(), request.sources(),
                request.auditRequested() ? " with audit" : "", request.accountId());
    }

    private static <T> Message<T> keyed(String key, T payload) {
        return Message.of(payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
    }
}

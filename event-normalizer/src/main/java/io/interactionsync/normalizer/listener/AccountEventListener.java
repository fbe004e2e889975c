package io.interactionsync.normalizer.listener;

import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.service.DirectoryService;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code account-events} (group event-normalizer): {@code connected} records the account's address as its user's
 * (R-B1), {@code directory_changed} updates the team directory,
 * {@code shared_mailbox_added/removed} the shared mailbox subscribers (R-B5), {@code disconnected} ends the
 * account's subscriptions and, with {@code purge=true}, deletes the account's events. Other types are not the
 * normalizer's business. Unreadable records are logged and skipped (they carry no user data to keep).
 */
@ApplicationScoped
public class AccountEventListener {

    private final DirectoryService directory;

    public AccountEventListener(DirectoryService directory) {
        this.directory = directory;
    }

    @Incoming(Topics.ACCOUNT_EVENTS)
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        AccountEvent event;
        try {
            event = record.value() == null ? null : Json.mapper().readValue(record.value(), AccountEvent.class);
        } catch (java.io.IOException | RuntimeException e) {
            Log.warnf("skipping unreadable account-event at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return Uni.createFrom().voidItem();
        }
        if (event == null || event.type() == null) {
            return Uni.createFrom().voidItem();
        }
        return switch (event.type()) {
            case DIRECTORY_CHANGED -> directory.directoryChanged(event);
            case DISCONNECTED -> event.accountId() == null ? Uni.createFrom().voidItem() : directory.disconnected(event);
            case CONNECTED -> directory.accountConnected(event);
            case SHARED_MAILBOX_ADDED -> directory.accountConnected(event).flatMap(v -> directory.sharedMailboxAdded(event));
            case SHARED_MAILBOX_REMOVED -> directory.sharedMailboxRemoved(event);
            default -> Uni.createFrom().voidItem();
        };
    }
}

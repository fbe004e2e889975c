package io.interactionsync.normalizer.listener;

import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.LogSafe;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.service.DirectoryService;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code account-events} (group event-normalizer), in batches applied in order in one transaction each:
 * {@code connected} records the account's address as its user's (R-B1), {@code directory_changed} updates the team
 * directory, {@code shared_mailbox_added/removed} the shared mailbox subscribers (R-B5), {@code disconnected} ends
 * the account's subscriptions and, with {@code purge=true}, deletes the account's events. Other types are not the
 * normalizer's business. Unreadable records are logged and skipped (they carry no user data to keep).
 */
@ApplicationScoped
public class AccountEventListener {

    private final DirectoryService directory;
    private final AccountEventsCatchUp catchUp;
    private final GracefulDrain drain;

    public AccountEventListener(DirectoryService directory, AccountEventsCatchUp catchUp, GracefulDrain drain) {
        this.directory = directory;
        this.catchUp = catchUp;
        this.drain = drain;
    }

    @Incoming(Topics.ACCOUNT_EVENTS)
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<AccountEvent> batch = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                AccountEvent event = record.value() == null ? null : Json.mapper().readValue(record.value(), AccountEvent.class);
                if (event != null) {
                    batch.add(event);
                }
            } catch (java.io.IOException | RuntimeException e) {
                Log.warnf("skipping unreadable account-event at %s-%d@%d: %s", record.topic(), record.partition(),
                        record.offset(), LogSafe.redact(e.getMessage()));
            }
        }
        return drain.track(directory.apply(batch)).invoke(() -> {
            for (TopicPartition tp : records.partitions()) {
                catchUp.applied(tp, records.records(tp).getLast().offset());
            }
        });
    }
}

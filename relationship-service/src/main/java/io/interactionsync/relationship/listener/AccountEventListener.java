package io.interactionsync.relationship.listener;

import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.LogSafe;
import io.interactionsync.model.Topics;
import io.interactionsync.relationship.service.DirectoryService;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code account-events} (group relationship-service): applied in order, a batch per transaction. */
@ApplicationScoped
public class AccountEventListener {

    private final DirectoryService directory;

    public AccountEventListener(DirectoryService directory) {
        this.directory = directory;
    }

    @Incoming(Topics.ACCOUNT_EVENTS)
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        List<AccountEvent> batch = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                if (record.value() != null) {
                    batch.add(Json.mapper().readValue(record.value(), AccountEvent.class));
                }
            } catch (java.io.IOException | RuntimeException e) {
                Log.warnf("skipping unreadable account-event at %s-%d@%d: %s", record.topic(), record.partition(),
                        record.offset(), LogSafe.redact(e.getMessage()));
            }
        }
        Retries.run("applying a batch of account-events", () -> directory.apply(batch));
    }
}

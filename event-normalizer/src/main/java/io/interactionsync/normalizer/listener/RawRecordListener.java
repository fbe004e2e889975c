package io.interactionsync.normalizer.listener;

import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.service.IncomingRecord;
import io.interactionsync.normalizer.service.NormalizerService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code raw-records} (group event-normalizer), consumed as raw bytes in batches. The returned Uni completes
 * after the batch's transaction committed; only then are the offsets acknowledged (throttled commit strategy).
 * Bad records never fail the batch: they are dead-lettered inside the same transaction. At startup the first batch
 * waits until the account-events already in Kafka are applied ({@link AccountEventsCatchUp}).
 */
@ApplicationScoped
public class RawRecordListener {

    private final NormalizerService service;
    private final AccountEventsCatchUp accountEvents;
    private final GracefulDrain drain;

    public RawRecordListener(NormalizerService service, AccountEventsCatchUp accountEvents, GracefulDrain drain) {
        this.service = service;
        this.accountEvents = accountEvents;
        this.drain = drain;
    }

    @Incoming(Topics.RAW_RECORDS)
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<IncomingRecord> batch = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> r : records) {
            batch.add(new IncomingRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value()));
        }
        return drain.track(accountEvents.awaited().flatMap(v -> service.process(batch))); // at startup: the directory first
    }
}

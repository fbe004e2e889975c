package io.interactionsync.relationship.listener;

import io.interactionsync.model.Topics;
import io.interactionsync.relationship.service.IngestService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code interaction-events-state} (group relationship-service, from offset 0 on a new group): one batch per
 * transaction on a worker thread, in order; acked after the commit, so at-least-once delivery meets idempotent
 * writes by event id.
 */
@ApplicationScoped
public class InteractionEventListener {

    private final IngestService ingest;

    public InteractionEventListener(IngestService ingest) {
        this.ingest = ingest;
    }

    @Incoming(Topics.INTERACTION_EVENTS_STATE)
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
        records.forEach(batch::add);
        Retries.run("applying a batch of interaction-events-state", () -> ingest.apply(batch));
    }
}

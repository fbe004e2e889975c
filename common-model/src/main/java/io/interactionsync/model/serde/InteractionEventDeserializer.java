package io.interactionsync.model.serde;

import io.interactionsync.model.InteractionEvent;

/**
 * Kafka deserializer for {@link InteractionEvent}. Reads every v1 event, also those written before {@code
 * recipientCount} and {@code recipientsTruncated} existed (null and false).
 */
public class InteractionEventDeserializer extends JsonDeserializer<InteractionEvent> {
    public InteractionEventDeserializer() {
        super(InteractionEvent.class);
    }
}

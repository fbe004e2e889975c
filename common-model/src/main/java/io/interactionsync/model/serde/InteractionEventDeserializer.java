package io.interactionsync.model.serde;

import io.interactionsync.model.InteractionEvent;

/** Kafka deserializer for {@link InteractionEvent}. */
public class InteractionEventDeserializer extends JsonDeserializer<InteractionEvent> {
    public InteractionEventDeserializer() {
        super(InteractionEvent.class);
    }
}

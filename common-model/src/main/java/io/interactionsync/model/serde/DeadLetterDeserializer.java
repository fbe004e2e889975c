package io.interactionsync.model.serde;

import io.interactionsync.model.DeadLetter;

/** Kafka deserializer for {@link DeadLetter}. */
public class DeadLetterDeserializer extends JsonDeserializer<DeadLetter> {
    public DeadLetterDeserializer() {
        super(DeadLetter.class);
    }
}

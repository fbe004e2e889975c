package io.interactionsync.model.serde;

import io.interactionsync.model.SyncRequest;

/** Kafka deserializer for {@link SyncRequest}. */
public class SyncRequestDeserializer extends JsonDeserializer<SyncRequest> {
    public SyncRequestDeserializer() {
        super(SyncRequest.class);
    }
}

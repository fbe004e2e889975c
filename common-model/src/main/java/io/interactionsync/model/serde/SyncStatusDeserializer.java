package io.interactionsync.model.serde;

import io.interactionsync.model.SyncStatus;

/** Kafka deserializer for {@link SyncStatus}. */
public class SyncStatusDeserializer extends JsonDeserializer<SyncStatus> {
    public SyncStatusDeserializer() {
        super(SyncStatus.class);
    }
}

package io.interactionsync.model.serde;

import io.interactionsync.model.RawRecord;

/** Kafka deserializer for {@link RawRecord}. */
public class RawRecordDeserializer extends JsonDeserializer<RawRecord> {
    public RawRecordDeserializer() {
        super(RawRecord.class);
    }
}

package io.interactionsync.model.serde;

import io.interactionsync.model.AccountEvent;

/** Kafka deserializer for {@link AccountEvent}. */
public class AccountEventDeserializer extends JsonDeserializer<AccountEvent> {
    public AccountEventDeserializer() {
        super(AccountEvent.class);
    }
}

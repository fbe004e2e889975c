package io.interactionsync.normalizer.outbox;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.WireNames;
import java.io.IOException;
import java.time.Instant;

/**
 * Writes an {@link InteractionEvent} for {@code interaction-events} exactly as Jackson's record serializer does under
 * {@link Json#mapper()} (components in declaration order, nulls omitted, ISO-8601 instants, enum wire names), without
 * its per-field reflection: the relay renders every event it publishes, millions in a backfill. Only the relay uses
 * it; the query API keeps its own JSON form. {@code InteractionEventSerializerTests} holds it to the reflective output.
 */
public final class InteractionEventSerializer extends StdSerializer<InteractionEvent> {

    private static final SerializableString SCHEMA_VERSION = name("schemaVersion"), ID = name("id"),
            USER_ID = name("userId"), ACCOUNT_ID = name("accountId"), PROVIDER = name("provider"),
            SOURCE = name("source"), KIND = name("kind"), DIRECTION = name("direction"),
            CONTACT_EMAIL = name("contactEmail"), CONTACT_NAME = name("contactName"), ROLE = name("role"),
            OCCURRED_AT = name("occurredAt"), REMOTE_ID = name("remoteId"),
            INTERNET_MESSAGE_ID = name("internetMessageId"), THREAD_ID = name("threadId"), MAILBOX = name("mailbox"),
            VIA_SHARED_MAILBOX = name("viaSharedMailbox"), CLASSIFICATION = name("classification"),
            NEWSLETTER = name("newsletter"), MEETING = name("meeting"), DELETED = name("deleted"),
            START_AT = name("startAt"), END_AT = name("endAt"), ALL_DAY = name("allDay"),
            ATTENDEE_COUNT = name("attendeeCount"), RESPONSE_STATUS = name("responseStatus"), PARTIAL = name("partial"),
            RECIPIENT_COUNT = name("recipientCount"), RECIPIENTS_TRUNCATED = name("recipientsTruncated");

    public InteractionEventSerializer() {
        super(InteractionEvent.class);
    }

    @Override
    public void serialize(InteractionEvent e, JsonGenerator g, SerializerProvider provider) throws IOException {
        g.writeStartObject(e);
        g.writeFieldName(SCHEMA_VERSION);
        g.writeNumber(e.schemaVersion());
        string(g, ID, e.id() == null ? null : e.id().toString());
        string(g, USER_ID, e.userId());
        string(g, ACCOUNT_ID, e.accountId());
        string(g, PROVIDER, WireNames.of(e.provider()));
        string(g, SOURCE, WireNames.of(e.source()));
        string(g, KIND, WireNames.of(e.kind()));
        string(g, DIRECTION, WireNames.of(e.direction()));
        string(g, CONTACT_EMAIL, e.contactEmail());
        string(g, CONTACT_NAME, e.contactName());
        string(g, ROLE, WireNames.of(e.role()));
        instant(g, OCCURRED_AT, e.occurredAt());
        string(g, REMOTE_ID, e.remoteId());
        string(g, INTERNET_MESSAGE_ID, e.internetMessageId());
        string(g, THREAD_ID, e.threadId());
        string(g, MAILBOX, e.mailbox());
        g.writeFieldName(VIA_SHARED_MAILBOX);
        g.writeBoolean(e.viaSharedMailbox());
        string(g, CLASSIFICATION, WireNames.of(e.classification()));
        g.writeFieldName(NEWSLETTER);
        g.writeBoolean(e.newsletter());
        InteractionEvent.Meeting m = e.meeting();
        if (m != null) {
            g.writeFieldName(MEETING);
            g.writeStartObject(m);
            instant(g, START_AT, m.startAt());
            instant(g, END_AT, m.endAt());
            g.writeFieldName(ALL_DAY);
            g.writeBoolean(m.allDay());
            g.writeFieldName(ATTENDEE_COUNT);
            g.writeNumber(m.attendeeCount());
            string(g, RESPONSE_STATUS, m.responseStatus());
            g.writeFieldName(PARTIAL);
            g.writeBoolean(m.partial());
            g.writeEndObject();
        }
        g.writeFieldName(DELETED);
        g.writeBoolean(e.deleted());
        if (e.recipientCount() != null) {
            g.writeFieldName(RECIPIENT_COUNT);
            g.writeNumber(e.recipientCount());
        }
        g.writeFieldName(RECIPIENTS_TRUNCATED);
        g.writeBoolean(e.recipientsTruncated());
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, SerializableString field, String value) throws IOException {
        if (value != null) {
            g.writeFieldName(field);
            g.writeString(value);
        }
    }

    /** ISO-8601 in UTC, as {@code InstantSerializer} writes it ({@link Instant#toString()}: ISO_INSTANT). */
    private static void instant(JsonGenerator g, SerializableString field, Instant value) throws IOException {
        if (value != null) {
            g.writeFieldName(field);
            g.writeString(value.toString());
        }
    }

    private static SerializableString name(String s) {
        return new SerializedString(s);
    }
}

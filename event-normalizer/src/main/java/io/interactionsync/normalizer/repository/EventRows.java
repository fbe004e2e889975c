package io.interactionsync.normalizer.repository;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.InteractionEvent.Meeting;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/** Row ↔ {@link InteractionEvent} for {@code normalizer.interaction_events}. */
public final class EventRows {

    /** Every column written by the normalizer, in the order the upsert binds them. */
    public static final String COLUMNS = "id, user_id, account_id, provider, source, kind, direction, contact_email, "
            + "contact_name, role, occurred_at, remote_id, internet_message_id, thread_id, mailbox, via_shared_mailbox, "
            + "classification, newsletter, meeting_start_at, meeting_end_at, meeting_all_day, meeting_attendee_count, "
            + "meeting_response_status, deleted";

    private EventRows() {
    }

    public static InteractionEvent fromRow(Row r) {
        OffsetDateTime start = r.getOffsetDateTime("meeting_start_at");
        Meeting meeting = start == null ? null : new Meeting(start.toInstant(),
                r.getOffsetDateTime("meeting_end_at") == null ? null : r.getOffsetDateTime("meeting_end_at").toInstant(),
                Boolean.TRUE.equals(r.getBoolean("meeting_all_day")),
                r.getInteger("meeting_attendee_count") == null ? 0 : r.getInteger("meeting_attendee_count"),
                r.getString("meeting_response_status"));
        return new InteractionEvent(InteractionEvent.SCHEMA_VERSION, r.getUUID("id"), r.getString("user_id"),
                r.getString("account_id"), enumOf(Provider.class, r.getString("provider")),
                Source.fromWireName(r.getString("source")),
                enumOf(InteractionEvent.Kind.class, r.getString("kind")),
                enumOf(InteractionEvent.Direction.class, r.getString("direction")),
                r.getString("contact_email"), r.getString("contact_name"),
                enumOf(InteractionEvent.Role.class, r.getString("role")),
                r.getOffsetDateTime("occurred_at").toInstant(), r.getString("remote_id"),
                r.getString("internet_message_id"), r.getString("thread_id"), r.getString("mailbox"),
                r.getBoolean("via_shared_mailbox"),
                enumOf(InteractionEvent.Classification.class, r.getString("classification")),
                r.getBoolean("newsletter"), meeting, r.getBoolean("deleted"));
    }

    public static String wire(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT);
    }

    static OffsetDateTime utc(java.time.Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String wire) {
        return Enum.valueOf(type, wire.toUpperCase(Locale.ROOT));
    }
}

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
            + "meeting_response_status, meeting_partial, recipient_count, recipients_truncated, deleted";

    private EventRows() {
    }

    public static InteractionEvent fromRow(Row r) {
        OffsetDateTime start = r.getOffsetDateTime("meeting_start_at");
        Meeting meeting = start == null ? null : new Meeting(start.toInstant(),
                r.getOffsetDateTime("meeting_end_at") == null ? null : r.getOffsetDateTime("meeting_end_at").toInstant(),
                Boolean.TRUE.equals(r.getBoolean("meeting_all_day")),
                r.getInteger("meeting_attendee_count") == null ? 0 : r.getInteger("meeting_attendee_count"),
                r.getString("meeting_response_status"), Boolean.TRUE.equals(r.getBoolean("meeting_partial")));
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
                r.getBoolean("newsletter"), meeting, r.getBoolean("deleted"), r.getInteger("recipient_count"),
                r.getBoolean("recipients_truncated"));
    }

    /**
     * The event as its row reads back: PostgreSQL keeps timestamps to the microsecond, so an event published from
     * memory says exactly what one rendered from the table would.
     */
    public static InteractionEvent asStored(InteractionEvent e) {
        Meeting m = e.meeting();
        if (isMicros(e.occurredAt()) && (m == null || isMicros(m.startAt()) && isMicros(m.endAt()))) {
            return e;
        }
        Meeting meeting = m == null ? null : new Meeting(micros(m.startAt()), micros(m.endAt()), m.allDay(),
                m.attendeeCount(), m.responseStatus(), m.partial());
        return new InteractionEvent(e.schemaVersion(), e.id(), e.userId(), e.accountId(), e.provider(), e.source(),
                e.kind(), e.direction(), e.contactEmail(), e.contactName(), e.role(), micros(e.occurredAt()),
                e.remoteId(), e.internetMessageId(), e.threadId(), e.mailbox(), e.viaSharedMailbox(),
                e.classification(), e.newsletter(), meeting, e.deleted(), e.recipientCount(), e.recipientsTruncated());
    }

    private static boolean isMicros(java.time.Instant i) {
        return i == null || i.getNano() % 1000 == 0;
    }

    private static java.time.Instant micros(java.time.Instant i) {
        return i == null ? null : i.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    static OffsetDateTime utc(java.time.Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String wire) {
        return Enum.valueOf(type, wire.toUpperCase(Locale.ROOT));
    }
}

package io.interactionsync.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.time.Instant;
import java.util.UUID;

/**
 * One internal user × outside contact × message or meeting ({@link Topics#INTERACTION_EVENTS},
 * keyed by user id). Unique on (userId, source, remoteId, contactEmail, role).
 *
 * <p>{@code recipientCount}: for email, the message's distinct recipients (To + Cc, + Bcc on the sender's own copy);
 * null for meetings and for events written before it existed. {@code recipientsTruncated}: the message had more
 * recipients than the normalizer's fan-out cap, so only the sender and the first recipients became events (a meeting:
 * more outside attendees than the cap, so only the organizer and the first attendees did).
 */
public record InteractionEvent(
        int schemaVersion,
        UUID id,
        String userId,
        String accountId,
        Provider provider,
        Source source,
        Kind kind,
        Direction direction,
        String contactEmail,
        String contactName,
        Role role,
        Instant occurredAt,
        String remoteId,
        String internetMessageId,
        String threadId,
        String mailbox,
        boolean viaSharedMailbox,
        Classification classification,
        boolean newsletter,
        Meeting meeting,
        boolean deleted,
        Integer recipientCount,
        // Absent in events written before it existed (schema v1 stays backward compatible): read as false.
        @JsonSetter(nulls = Nulls.AS_EMPTY) boolean recipientsTruncated) {

    public static final int SCHEMA_VERSION = 1;

    /** This event with {@code deleted} set, every other component kept. */
    public InteractionEvent withDeleted(boolean deleted) {
        return deleted == this.deleted ? this : new InteractionEvent(schemaVersion, id, userId, accountId, provider,
                source, kind, direction, contactEmail, contactName, role, occurredAt, remoteId, internetMessageId,
                threadId, mailbox, viaSharedMailbox, classification, newsletter, meeting, deleted, recipientCount,
                recipientsTruncated);
    }

    public enum Kind {
        @JsonProperty("email") EMAIL,
        @JsonProperty("meeting") MEETING
    }

    public enum Direction {
        @JsonProperty("inbound") INBOUND,
        @JsonProperty("outbound") OUTBOUND,
        @JsonProperty("meeting") MEETING
    }

    public enum Role {
        @JsonProperty("from") FROM,
        @JsonProperty("to") TO,
        @JsonProperty("cc") CC,
        @JsonProperty("bcc") BCC,
        @JsonProperty("organizer") ORGANIZER,
        @JsonProperty("attendee") ATTENDEE
    }

    public enum Classification {
        @JsonProperty("person") PERSON,
        @JsonProperty("list") LIST,
        @JsonProperty("low_confidence") LOW_CONFIDENCE,
        @JsonProperty("bulk") BULK
    }

    /**
     * Meeting details, present when {@code kind = meeting}. {@code partial}: the provider did not list every attendee
     * (R-D5), so {@code attendeeCount} is a lower bound and the events cover the attendees it did list.
     */
    /** {@code partial} was added to v1 later (R-D5): optional in the schema, absent reads as false. */
    public record Meeting(Instant startAt, Instant endAt, boolean allDay, int attendeeCount, String responseStatus,
                          @JsonSetter(nulls = Nulls.AS_EMPTY) boolean partial) {
    }
}

package io.interactionsync.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * One internal user × outside contact × message or meeting ({@link Topics#INTERACTION_EVENTS},
 * keyed by user id). Unique on (userId, source, remoteId, contactEmail, role).
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
        boolean deleted) {

    public static final int SCHEMA_VERSION = 1;

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
    public record Meeting(Instant startAt, Instant endAt, boolean allDay, int attendeeCount, String responseStatus,
                          boolean partial) {
    }
}

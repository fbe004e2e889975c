package io.interactionsync.normalizer.mapper;

import static io.interactionsync.normalizer.mapper.MeetingEvents.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.parse.ParsedAddress;
import io.interactionsync.normalizer.rules.MailFacts;
import io.interactionsync.normalizer.rules.MailboxContext;
import io.interactionsync.normalizer.rules.Participants;
import io.interactionsync.normalizer.rules.Meetings;
import io.interactionsync.normalizer.rules.Meetings.Attendee;
import io.interactionsync.normalizer.rules.Meetings.MeetingFacts;
import io.interactionsync.normalizer.rules.SkipReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Google Calendar {@code events.list(singleEvents=true, showDeleted=true)} items → meeting events:
 * {@code {id, status, eventType, start{dateTime|date, timeZone}, end, organizer{email, displayName, self},
 * attendees[{email, displayName, organizer, self, resource, optional, responseStatus}], attendeesOmitted, iCalUID,
 * recurringEventId, originalStartTime}}.
 */
public final class GoogleCalendarMapper implements RecordMapper {

    /** The fan-out cap (R-B3 for meetings): at most the organizer and this many attendees become events. */
    private final int maxAttendees;

    /** With the default cap. */
    public GoogleCalendarMapper() {
        this(Participants.DEFAULT_MAX_RECIPIENTS);
    }

    public GoogleCalendarMapper(int maxAttendees) {
        this.maxAttendees = maxAttendees;
    }

    @Override
    public Source source() {
        return Source.GOOGLE_CALENDAR;
    }

    @Override
    public Mapping map(RawRecord record, MailFacts none, MailboxContext ctx) {
        JsonNode e = record.payload();
        if (e == null || !e.isObject()) {
            throw new PayloadException("unparseable_payload", "the Calendar payload is not an object");
        }
        // R-D1: cancelled events (and cancelled instances of a series) yield nothing; existing rows are retracted.
        if ("cancelled".equals(text(e, "status"))) {
            return Mapping.skipped(SkipReason.CANCELLED, 0);
        }
        // R-D2: only real meetings; focusTime, outOfOffice, workingLocation, birthday, fromGmail are not.
        String type = text(e, "eventType");
        if (type != null && !type.equals("default")) {
            return Mapping.skipped(SkipReason.NOT_A_MEETING, 0);
        }
        JsonNode start = e.path("start");
        JsonNode end = e.path("end");
        if (!start.isObject()) {
            throw new PayloadException("unparseable_payload", "the Calendar event has no start");
        }
        boolean allDay = text(start, "dateTime") == null && text(start, "date") != null;
        String zone = text(start, "timeZone");
        Instant startAt = MeetingEvents.instant(text(start, "dateTime"), text(start, "date"), zone);
        if (startAt == null) {
            throw new PayloadException("unparseable_payload", "the Calendar event has no usable start time");
        }
        Instant endAt = end.isObject() ? MeetingEvents.instant(text(end, "dateTime"), text(end, "date"),
                text(end, "timeZone") != null ? text(end, "timeZone") : zone) : null;
        if (endAt != null && endAt.isBefore(startAt)) {
            endAt = startAt;
        }
        int dropped = 0;
        List<Attendee> attendees = new ArrayList<>();
        JsonNode list = e.path("attendees");
        if (list.isArray()) {
            for (JsonNode a : list) {
                ParsedAddress address = MeetingEvents.address(text(a, "email"), text(a, "displayName"));
                if (address == null) {
                    dropped++;
                }
                attendees.add(new Attendee(address, a.path("resource").asBoolean(false),
                        response(text(a, "responseStatus")), a.path("organizer").asBoolean(false),
                        a.path("self").asBoolean(false)));
            }
        }
        JsonNode org = e.path("organizer");
        ParsedAddress organizer = org.isObject() ? MeetingEvents.address(text(org, "email"), text(org, "displayName")) : null;
        // R-D5: Google left attendees out of the list (maxAttendees, or not visible to this calendar)
        boolean partial = e.path("attendeesOmitted").asBoolean(false);
        MeetingFacts facts = new MeetingFacts(organizer, org.path("self").asBoolean(false), attendees, startAt, endAt,
                allDay, null, partial);
        return MeetingEvents.events(record, Provider.GOOGLE, Source.GOOGLE_CALENDAR, facts, ctx, maxAttendees, instanceId(e, startAt),
                text(e, "recurringEventId"), dropped);
    }

    /** R-D6: one meeting per instance, identified across calendars by (iCalUID, originalStartTime or start). */
    static String instanceId(JsonNode e, Instant start) {
        String uid = text(e, "iCalUID");
        if (uid == null) {
            return null;
        }
        if (text(e, "recurringEventId") == null) {
            return uid;
        }
        JsonNode original = e.path("originalStartTime");
        Instant at = original.isObject() ? MeetingEvents.instant(text(original, "dateTime"), text(original, "date"),
                text(original, "timeZone")) : null;
        return uid + "#" + (at != null ? at : start);
    }

    private static String response(String status) {
        return status == null ? Meetings.NEEDS_ACTION : status;
    }
}

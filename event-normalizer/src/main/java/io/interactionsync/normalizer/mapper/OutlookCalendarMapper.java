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
import java.util.Set;

/**
 * Graph {@code calendarView/delta} events (requested with {@code Prefer: outlook.timezone="UTC"}) → meeting
 * events: {@code {id, iCalUId, type, seriesMasterId, isCancelled, isAllDay, start/end{dateTime, timeZone}, showAs,
 * isOrganizer, organizer{emailAddress{name, address}}, attendees[{type, status{response}, emailAddress}],
 * responseStatus{response}}}; a removal is {@code {id, "@removed": {reason}}}.
 */
public final class OutlookCalendarMapper implements RecordMapper {

    /** The fan-out cap (R-B3 for meetings): at most the organizer and this many attendees become events. */
    private final int maxAttendees;

    /** With the default cap. */
    public OutlookCalendarMapper() {
        this(Participants.DEFAULT_MAX_RECIPIENTS);
    }

    public OutlookCalendarMapper(int maxAttendees) {
        this.maxAttendees = maxAttendees;
    }

    /** Free/busy states that mark an absence rather than a meeting (Google's outOfOffice / workingLocation). */
    private static final Set<String> NOT_MEETINGS = Set.of("oof", "workingelsewhere");

    @Override
    public Source source() {
        return Source.OUTLOOK_CALENDAR;
    }

    @Override
    public Mapping map(RawRecord record, MailFacts none, MailboxContext ctx) {
        JsonNode e = record.payload();
        if (e == null || !e.isObject()) {
            throw new PayloadException("unparseable_payload", "the Graph event payload is not an object");
        }
        if (e.has("@removed")) {
            return Mapping.skipped(SkipReason.REMOVED, 0); // R-F2: a delta removal, whatever the envelope's op
        }
        if (e.path("isCancelled").asBoolean(false)) {
            return Mapping.skipped(SkipReason.CANCELLED, 0); // R-D1
        }
        // R-D2: instances come from calendarView; a series master is not a meeting itself.
        String type = text(e, "type");
        String showAs = text(e, "showAs");
        if ("seriesMaster".equals(type) || showAs != null && NOT_MEETINGS.contains(showAs.toLowerCase(java.util.Locale.ROOT))) {
            return Mapping.skipped(SkipReason.NOT_A_MEETING, 0);
        }
        JsonNode start = e.path("start");
        JsonNode end = e.path("end");
        Instant startAt = start.isObject()
                ? MeetingEvents.instant(text(start, "dateTime"), null, text(start, "timeZone")) : null;
        if (startAt == null) {
            throw new PayloadException("unparseable_payload", "the Graph event has no usable start time");
        }
        Instant endAt = end.isObject() ? MeetingEvents.instant(text(end, "dateTime"), null, text(end, "timeZone")) : null;
        if (endAt != null && endAt.isBefore(startAt)) {
            endAt = startAt;
        }
        int dropped = 0;
        List<Attendee> attendees = new ArrayList<>();
        JsonNode list = e.path("attendees");
        if (list.isArray()) {
            for (JsonNode a : list) {
                JsonNode email = a.path("emailAddress");
                ParsedAddress address = MeetingEvents.address(text(email, "address"), text(email, "name"));
                if (address == null) {
                    dropped++;
                }
                String response = response(text(a.path("status"), "response"));
                attendees.add(new Attendee(address, "resource".equals(text(a, "type")), response,
                        "organizer".equals(text(a.path("status"), "response")), false));
            }
        }
        JsonNode org = e.path("organizer").path("emailAddress");
        ParsedAddress organizer = MeetingEvents.address(text(org, "address"), text(org, "name"));
        boolean organizerSelf = e.path("isOrganizer").asBoolean(false);
        String own = organizerSelf ? Meetings.ACCEPTED : ownResponse(e);
        // R-D5: with hideAttendees an attendee's copy lists only that attendee; the organizer still sees everyone
        boolean partial = e.path("hideAttendees").asBoolean(false) && !organizerSelf;
        MeetingFacts facts = new MeetingFacts(organizer, organizerSelf, attendees, startAt, endAt,
                e.path("isAllDay").asBoolean(false), own, partial);
        return MeetingEvents.events(record, Provider.MICROSOFT, Source.OUTLOOK_CALENDAR, facts, ctx, maxAttendees,
                text(e, "iCalUId"), text(e, "seriesMasterId"), dropped);
    }

    /** The calendar owner's own response ({@code responseStatus}); null when Graph says none. */
    private static String ownResponse(JsonNode e) {
        String r = text(e.path("responseStatus"), "response");
        return r == null || r.equals("none") ? null : response(r);
    }

    /** Graph responses in Google's vocabulary (what {@code meeting.responseStatus} carries for both providers). */
    static String response(String graph) {
        if (graph == null) {
            return Meetings.NEEDS_ACTION;
        }
        return switch (graph) {
            case "accepted", "organizer" -> Meetings.ACCEPTED;
            case "declined" -> Meetings.DECLINED;
            case "tentativelyAccepted" -> Meetings.TENTATIVE;
            default -> Meetings.NEEDS_ACTION;
        };
    }
}

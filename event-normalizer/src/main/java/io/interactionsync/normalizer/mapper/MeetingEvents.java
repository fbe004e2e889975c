package io.interactionsync.normalizer.mapper;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.InteractionEvent.Classification;
import io.interactionsync.model.InteractionEvent.Direction;
import io.interactionsync.model.InteractionEvent.Kind;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.parse.AddressParser;
import io.interactionsync.normalizer.parse.MailDates;
import io.interactionsync.normalizer.parse.ParsedAddress;
import io.interactionsync.normalizer.parse.Text;
import io.interactionsync.normalizer.rules.Meetings;
import io.interactionsync.normalizer.rules.Meetings.MeetingFacts;
import io.interactionsync.normalizer.rules.MailboxContext;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** What the two calendar mappers share: time parsing (R-A6) and turning a verdict into events (R-D5). */
final class MeetingEvents {

    private MeetingEvents() {
    }

    /** The single valid address of a structured address value, or null. */
    static ParsedAddress address(String address, String name) {
        AddressParser.Result r = AddressParser.ofObject(address, name);
        return r.addresses().size() == 1 ? r.addresses().get(0) : null;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    /**
     * R-A6: a date-time with an offset → that instant; without one → local time in {@code zone} (the event's time
     * zone, or UTC when it is missing or unknown); a date (all-day) → 00:00 of that date in {@code zone}.
     */
    static Instant instant(String dateTime, String date, String zone) {
        ZoneId z = zone(zone);
        Instant t = null;
        try {
            if (dateTime != null) {
                try {
                    t = OffsetDateTime.parse(dateTime).toInstant();
                } catch (DateTimeException e) {
                    t = LocalDateTime.parse(dateTime).atZone(z).toInstant();
                }
            } else if (date != null) {
                t = LocalDate.parse(date).atStartOfDay(z).toInstant();
            }
        } catch (DateTimeException e) {
            return null;
        }
        return t == null ? null : MailDates.plausible(t).orElse(null);
    }

    static ZoneId zone(String zone) {
        if (zone == null || zone.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(zone.strip());
        } catch (DateTimeException e) {
            return ZoneOffset.UTC; // e.g. a Windows zone name; Graph events are requested in UTC anyway
        }
    }

    /**
     * R-D5 with the fan-out cap: a meeting with more than {@code maxAttendees} outside attendees (an all-hands, a
     * webinar) keeps the organizer and the first {@code maxAttendees} attendees as listed, their events marked
     * {@code recipientsTruncated}; {@code attendeeCount} keeps the meeting's size for scoring.
     */
    static Mapping events(RawRecord record, Provider provider, Source source, MeetingFacts facts, MailboxContext ctx,
                          int maxAttendees, String instanceId, String seriesId, int droppedAddresses) {
        Meetings.Verdict v = Meetings.evaluate(facts, ctx);
        if (v.skip() != null) {
            return Mapping.skipped(v.skip(), droppedAddresses);
        }
        String messageId = Text.isSafeId(instanceId) ? instanceId : null;
        String threadId = Text.isSafeId(seriesId) ? seriesId : null;
        InteractionEvent.Meeting meeting = new InteractionEvent.Meeting(facts.start(), facts.end(), facts.allDay(),
                v.attendeeCount(), v.responseStatus(), facts.partial());
        List<Meetings.Guest> guests = new ArrayList<>(Math.min(v.guests().size(), maxAttendees + 1));
        int attendees = 0;
        for (Meetings.Guest g : v.guests()) {
            if (g.role() == InteractionEvent.Role.ORGANIZER || attendees++ < maxAttendees) {
                guests.add(g);
            }
        }
        boolean truncated = guests.size() < v.guests().size();
        List<InteractionEvent> events = new ArrayList<>(guests.size());
        for (Meetings.Guest g : guests) {
            events.add(new InteractionEvent(InteractionEvent.SCHEMA_VERSION,
                    EventIds.of(record.userId(), source, record.remoteId(), g.contactEmail(), g.role()),
                    record.userId(), record.accountId(), provider, source, Kind.MEETING, Direction.MEETING,
                    g.contactEmail(), Text.clean(g.name()), g.role(), facts.start(), record.remoteId(), messageId,
                    threadId, record.mailbox(), record.sharedMailbox(), Classification.PERSON, false, meeting, false,
                    null, truncated));
        }
        return new Mapping(List.copyOf(events), null, droppedAddresses);
    }
}

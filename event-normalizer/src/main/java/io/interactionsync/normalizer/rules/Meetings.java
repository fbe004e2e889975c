package io.interactionsync.normalizer.rules;

import io.interactionsync.model.InteractionEvent.Role;
import io.interactionsync.normalizer.parse.ParsedAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The meeting rules R-D3..R-D5 on a provider-neutral view of one calendar event (Google Calendar and Graph
 * build it from their own JSON). Cancellation (R-D1) and event types (R-D2) are decided by the mappers.
 */
public final class Meetings {

    /** Google's response vocabulary, which Graph responses are mapped to. */
    public static final String ACCEPTED = "accepted";
    public static final String DECLINED = "declined";
    public static final String TENTATIVE = "tentative";
    public static final String NEEDS_ACTION = "needsAction";

    /**
     * One attendee as the provider lists it.
     *
     * @param address   validated address, or null when the provider's value was junk (R-A2)
     * @param resource  a room or other resource (Google {@code resource}, Graph {@code type=resource})
     * @param response  in Google's vocabulary
     * @param organizer marked as the organizer
     * @param self      the calendar owner's own entry (Google {@code self})
     */
    public record Attendee(ParsedAddress address, boolean resource, String response, boolean organizer, boolean self) {
    }

    /** One calendar event, as the rules need it; {@code partial}: the provider did not list every attendee. */
    public record MeetingFacts(ParsedAddress organizer, boolean organizerSelf, List<Attendee> attendees,
                               Instant start, Instant end, boolean allDay, String ownResponse, boolean partial) {
    }

    /** An outside participant of a meeting (R-D5). */
    public record Guest(String contactEmail, String name, Role role) {
    }

    /** What the rules make of a meeting: guests (maybe none), or the reason it yields nothing. */
    public record Verdict(List<Guest> guests, SkipReason skip, int attendeeCount, String responseStatus) {
    }

    private Meetings() {
    }

    /** R-D3 rooms: Google resource calendars are recognisable by domain even without {@code resource: true}. */
    public static boolean isResourceAddress(ParsedAddress a) {
        String key = a.key();
        // group/import calendars organise events on secondary calendars: calendars, not people
        return key.endsWith("@resource.calendar.google.com") || key.endsWith("@group.calendar.google.com")
                || key.endsWith("@import.calendar.google.com");
    }

    public static Verdict evaluate(MeetingFacts m, MailboxContext ctx) {
        String own = ownResponse(m, ctx);
        // R-D4: the member themself declined → the meeting did not happen for them.
        if (DECLINED.equals(own)) {
            return new Verdict(List.of(), SkipReason.DECLINED_BY_MEMBER, 0, own);
        }
        Set<String> present = new LinkedHashSet<>();
        Map<String, Guest> guests = new LinkedHashMap<>();
        String organizerKey = m.organizer() == null ? null : m.organizer().key();
        for (Attendee a : m.attendees()) {
            if (a.address() == null || a.resource() || isResourceAddress(a.address())) {
                continue; // R-A2 junk, R-D3 rooms and resources
            }
            if (DECLINED.equals(a.response())) {
                continue; // R-D4
            }
            present.add(a.address().key());
            if (ctx.isInternal(a.address().key()) || a.self()) {
                continue; // R-B2: colleagues and own addresses are never contacts
            }
            boolean isOrganizer = a.organizer() || a.address().key().equals(organizerKey);
            guests.putIfAbsent(a.address().key(), new Guest(a.address().normalized(), a.address().name(),
                    isOrganizer ? Role.ORGANIZER : Role.ATTENDEE));
        }
        // R-D5: the organizer, if outside, even when the attendee list does not name them (or was omitted).
        if (m.organizer() != null && !isResourceAddress(m.organizer())) {
            String key = organizerKey;
            boolean declinedAsAttendee = m.attendees().stream().anyMatch(a -> a.address() != null
                    && a.address().key().equals(key) && DECLINED.equals(a.response()));
            if (!declinedAsAttendee) {
                present.add(key);
                if (!m.organizerSelf() && !ctx.isInternal(key)) {
                    guests.put(key, new Guest(m.organizer().normalized(),
                            Optional.ofNullable(m.organizer().name()).orElseGet(() -> nameOf(guests.get(key))),
                            Role.ORGANIZER));
                }
            }
        }
        int count = Math.max(present.size(), 1);
        if (guests.isEmpty()) {
            return new Verdict(List.of(), SkipReason.ALL_INTERNAL, count, own);
        }
        return new Verdict(new ArrayList<>(guests.values()), null, count, own);
    }

    private static String nameOf(Guest g) {
        return g == null ? null : g.name();
    }

    /** The member's own response: their {@code self} entry, an entry with an owner address, or organizer → accepted. */
    private static String ownResponse(MeetingFacts m, MailboxContext ctx) {
        if (m.ownResponse() != null) {
            return m.ownResponse();
        }
        for (Attendee a : m.attendees()) {
            if (a.self() || a.address() != null && ctx.isOwner(a.address().key())) {
                return a.response();
            }
        }
        if (m.organizerSelf() || m.organizer() != null && ctx.isOwner(m.organizer().key())) {
            return ACCEPTED;
        }
        return null;
    }
}

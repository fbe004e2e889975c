package io.interactionsync.normalizer.mapper;

import static io.interactionsync.normalizer.fixtures.CalendarFixtures.googleMeeting;
import static io.interactionsync.normalizer.fixtures.CalendarFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.InteractionEvent.Direction;
import io.interactionsync.model.InteractionEvent.Kind;
import io.interactionsync.model.InteractionEvent.Role;
import io.interactionsync.model.Json;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.rules.History;
import io.interactionsync.normalizer.rules.MailboxContext;
import io.interactionsync.normalizer.rules.SkipReason;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** NORMALIZATION-RULES §D (and R-A6 for calendar times) on Google Calendar events.list items. */
class GoogleCalendarMapperTests {

    private final GoogleCalendarMapper mapper = new GoogleCalendarMapper();
    private static final MailboxContext CTX = new MailboxContext(Set.of("alice@acme.test"),
            Set.of("alice@acme.test", "bob@acme.test"), Set.of("acme.test"), History.NONE);

    private Mapping map(ObjectNode event) {
        return mapper.map(record(Source.GOOGLE_CALENDAR, RawRecord.Op.UPSERT, event), CTX);
    }

    private static List<String> guests(Mapping m) {
        return m.events().stream().map(e -> e.role().name().toLowerCase() + ":" + e.contactEmail()).toList();
    }

    private static ObjectNode attendee(ObjectNode event, String email, String response) {
        return ((ArrayNode) event.get("attendees")).addObject().put("email", email).put("responseStatus", response);
    }

    @Test
    void R_D5_attendeesOmittedFlagsTheMeetingPartial() {
        Mapping m = map(googleMeeting("ev-omitted").put("attendeesOmitted", true));
        assertThat(m.events()).singleElement().satisfies(e -> {
            assertThat(e.meeting().partial()).isTrue();
            assertThat(e.meeting().attendeeCount()).isEqualTo(3); // what was listed: a lower bound
        });
        assertThat(ContractSchemas.validate(ContractSchemas.Contract.INTERACTION_EVENT,
                Json.mapper().valueToTree(m.events().get(0)))).isEmpty();
    }

    @Test
    void R_B3_aMeetingWithMoreAttendeesThanTheCapKeepsTheOrganizerAndTheFirstAttendees() {
        ObjectNode event = googleMeeting("ev-webinar");
        event.putObject("organizer").put("email", "host@events.example");
        for (int i = 0; i < 5; i++) {
            attendee(event, "guest" + i + "@client.example", "accepted");
        }
        Mapping m = new GoogleCalendarMapper(3).map(record(Source.GOOGLE_CALENDAR, RawRecord.Op.UPSERT, event), CTX);
        // jane and guests 0–4 are six outside attendees: the organizer and the first three become events
        assertThat(guests(m)).containsExactlyInAnyOrder("organizer:host@events.example",
                "attendee:jane@client.example", "attendee:guest0@client.example", "attendee:guest1@client.example");
        assertThat(m.events()).allSatisfy(e -> {
            assertThat(e.recipientsTruncated()).isTrue();
            assertThat(e.meeting().attendeeCount()).isEqualTo(9); // the meeting's size is kept for scoring
        });
        // at the cap nothing is cut
        Mapping atCap = new GoogleCalendarMapper(6).map(record(Source.GOOGLE_CALENDAR, RawRecord.Op.UPSERT, event),
                CTX);
        assertThat(atCap.events()).hasSize(7).noneMatch(InteractionEvent::recipientsTruncated);
    }

    @Test
    void R_D5_oneEventPerOutsideAttendeeWithMeetingDetails() {
        Mapping m = map(googleMeeting("ev1"));
        assertThat(m.events()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(Kind.MEETING);
            assertThat(e.direction()).isEqualTo(Direction.MEETING);
            assertThat(e.role()).isEqualTo(Role.ATTENDEE);
            assertThat(e.provider()).isEqualTo(Provider.GOOGLE);
            assertThat(e.source()).isEqualTo(Source.GOOGLE_CALENDAR);
            assertThat(e.contactEmail()).isEqualTo("jane@client.example");
            assertThat(e.contactName()).isEqualTo("Doe, Jane");
            assertThat(e.occurredAt()).isEqualTo(Instant.parse("2025-11-24T17:00:00Z"));
            assertThat(e.meeting().startAt()).isEqualTo(Instant.parse("2025-11-24T17:00:00Z"));
            assertThat(e.meeting().endAt()).isEqualTo(Instant.parse("2025-11-24T17:30:00Z"));
            assertThat(e.meeting().allDay()).isFalse();
            // alice, jane and bob; the room is not an attendee
            assertThat(e.meeting().attendeeCount()).isEqualTo(3);
            assertThat(e.meeting().responseStatus()).isEqualTo("accepted");
            assertThat(e.internetMessageId()).isEqualTo("ev1@google.com");
            assertThat(e.meeting().partial()).isFalse();
        });
        assertThat(ContractSchemas.validate(ContractSchemas.Contract.INTERACTION_EVENT,
                Json.mapper().valueToTree(m.events().get(0)))).isEmpty();
    }

    @Test
    void R_D5_anOutsideOrganizerIsTheOrganizerEvenWhenNotListed() {
        ObjectNode e = googleMeeting("ev2");
        e.putObject("organizer").put("email", "Founder@Startup.example").put("displayName", "Fay Founder");
        ((ObjectNode) e.get("attendees").get(0)).remove("organizer");
        Mapping m = map(e);
        assertThat(guests(m)).containsExactlyInAnyOrder("attendee:jane@client.example", "organizer:founder@startup.example");
        assertThat(m.events()).filteredOn(x -> x.role() == Role.ORGANIZER).singleElement()
                .satisfies(x -> assertThat(x.contactName()).isEqualTo("Fay Founder"));
        // listed with organizer:true → one organizer event, not an attendee one as well
        attendee(e, "founder@startup.example", "accepted").put("organizer", true);
        assertThat(guests(map(e))).containsExactlyInAnyOrder("attendee:jane@client.example", "organizer:founder@startup.example");
    }

    @Test
    void R_D1_cancelledEventsYieldNoEvents() {
        ObjectNode e = googleMeeting("ev3").put("status", "cancelled");
        Mapping m = map(e);
        assertThat(m.events()).isEmpty();
        assertThat(m.skip()).isEqualTo(SkipReason.CANCELLED);
        // showDeleted's minimal form of a cancelled instance maps the same way (no start needed)
        Mapping minimal = map(io.interactionsync.normalizer.fixtures.CalendarFixtures.json(
                "{'kind':'calendar#event','id':'s_20251201T170000Z','status':'cancelled','recurringEventId':'s'}"));
        assertThat(minimal.skip()).isEqualTo(SkipReason.CANCELLED);
    }

    @Test
    void R_D2_focusTimeOutOfOfficeAndWorkingLocationAreNotMeetings() {
        for (String type : List.of("focusTime", "outOfOffice", "workingLocation", "birthday", "fromGmail")) {
            Mapping m = map(googleMeeting("ev-" + type).put("eventType", type));
            assertThat(m.skip()).as(type).isEqualTo(SkipReason.NOT_A_MEETING);
            assertThat(m.events()).isEmpty();
        }
        ObjectNode noType = googleMeeting("ev-none");
        noType.remove("eventType");
        assertThat(map(noType).events()).hasSize(1);
    }

    @Test
    void R_D3_roomsAndResourcesNeverBecomeContacts() {
        ObjectNode e = googleMeeting("ev4");
        // a room without resource:true is still recognised by its domain
        attendee(e, "c_99@resource.calendar.google.com", "accepted");
        ObjectNode room = attendee(e, "projector@client.example", "accepted");
        room.put("resource", true);
        assertThat(guests(map(e))).containsExactly("attendee:jane@client.example");
        assertThat(map(e).events().get(0).meeting().attendeeCount()).isEqualTo(3);
    }

    @Test
    void R_D4_declinedAttendeesAreExcludedAndNotCounted() {
        ObjectNode e = googleMeeting("ev5");
        attendee(e, "declined@client.example", "declined");
        attendee(e, "maybe@client.example", "needsAction");
        Mapping m = map(e);
        assertThat(guests(m)).containsExactly("attendee:jane@client.example", "attendee:maybe@client.example");
        assertThat(m.events().get(0).meeting().attendeeCount()).isEqualTo(4);
    }

    @Test
    void R_D4_whenTheMemberDeclinedTheMeetingYieldsNothing() {
        ObjectNode e = googleMeeting("ev6");
        e.putObject("organizer").put("email", "jane@client.example");
        ObjectNode self = (ObjectNode) e.get("attendees").get(0);
        self.remove("organizer");
        self.put("responseStatus", "declined");
        Mapping m = map(e);
        assertThat(m.events()).isEmpty();
        assertThat(m.skip()).isEqualTo(SkipReason.DECLINED_BY_MEMBER);
        // without self:true, the entry with the owner's address is the member's
        self.remove("self");
        assertThat(map(e).skip()).isEqualTo(SkipReason.DECLINED_BY_MEMBER);
    }

    @Test
    void R_A6_calendarTimesToUtcAndAllDayAtMidnightInTheEventZone() {
        ObjectNode allDay = googleMeeting("ev7");
        allDay.putObject("start").put("date", "2025-12-01").put("timeZone", "Europe/Berlin");
        allDay.putObject("end").put("date", "2025-12-03");
        InteractionEvent e = map(allDay).events().get(0);
        assertThat(e.meeting().allDay()).isTrue();
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2025-11-30T23:00:00Z"));
        assertThat(e.meeting().endAt()).isEqualTo(Instant.parse("2025-12-02T23:00:00Z"));
        ObjectNode noZone = googleMeeting("ev8");
        noZone.putObject("start").put("date", "2025-12-01");
        noZone.putObject("end").put("date", "2025-12-02");
        assertThat(map(noZone).events().get(0).occurredAt()).isEqualTo(Instant.parse("2025-12-01T00:00:00Z"));
        ObjectNode local = googleMeeting("ev9");
        local.putObject("start").put("dateTime", "2025-07-01T09:00:00").put("timeZone", "Europe/London");
        assertThat(map(local).events().get(0).occurredAt()).isEqualTo(Instant.parse("2025-07-01T08:00:00Z"));
        ObjectNode none = googleMeeting("ev10");
        none.remove("start");
        assertThatThrownBy(() -> map(none)).isInstanceOf(PayloadException.class);
    }

    @Test
    void R_D5_largeMeetingsKeepTheirAttendeeCount() {
        ObjectNode e = googleMeeting("ev11");
        for (int i = 0; i < 120; i++) {
            attendee(e, "guest" + i + "@summit.example", i % 10 == 0 ? "declined" : "accepted");
        }
        Mapping m = map(e);
        // 109 outside attendees (jane and 108 who accepted), the default cap of 100 events (R-B3)
        assertThat(m.events()).hasSize(100).allMatch(InteractionEvent::recipientsTruncated);
        assertThat(m.events()).allSatisfy(x -> assertThat(x.meeting().attendeeCount()).isEqualTo(3 + 108));
    }

    @Test
    void R_D6_eachInstanceOfASeriesIsItsOwnMeeting() {
        ObjectNode a = googleMeeting("s1_20251201T170000Z").put("recurringEventId", "s1").put("iCalUID", "s1@google.com");
        a.putObject("originalStartTime").put("dateTime", "2025-12-01T09:00:00-08:00");
        ObjectNode b = googleMeeting("s1_20251208T170000Z").put("recurringEventId", "s1").put("iCalUID", "s1@google.com");
        b.putObject("originalStartTime").put("dateTime", "2025-12-08T09:00:00-08:00");
        InteractionEvent ea = map(a).events().get(0);
        InteractionEvent eb = map(b).events().get(0);
        assertThat(ea.id()).isNotEqualTo(eb.id());
        assertThat(ea.remoteId()).isEqualTo("s1_20251201T170000Z");
        assertThat(ea.internetMessageId()).isEqualTo("s1@google.com#2025-12-01T17:00:00Z");
        assertThat(eb.internetMessageId()).isEqualTo("s1@google.com#2025-12-08T17:00:00Z");
        assertThat(ea.threadId()).isEqualTo("s1");
    }

    @Test
    void R_B2_colleaguesAndTheOwnerAreNeverContactsInMeetings() {
        ObjectNode e = googleMeeting("ev12");
        ((ArrayNode) e.get("attendees")).remove(1); // only alice, bob and the room remain
        Mapping m = map(e);
        assertThat(m.events()).isEmpty();
        assertThat(m.skip()).isEqualTo(SkipReason.ALL_INTERNAL);
    }

    @Test
    void R_A2_junkAttendeeAddressesAreDroppedAndCounted() {
        ObjectNode e = googleMeeting("ev13");
        attendee(e, "not an address", "accepted");
        Mapping m = map(e);
        assertThat(m.droppedAddresses()).isEqualTo(1);
        assertThat(guests(m)).containsExactly("attendee:jane@client.example");
    }
}

package io.interactionsync.normalizer.mapper;

import static io.interactionsync.normalizer.fixtures.CalendarFixtures.graphMeeting;
import static io.interactionsync.normalizer.fixtures.CalendarFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.InteractionEvent;
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

/** NORMALIZATION-RULES §D on Graph calendarView events (outlook_calendar, requested in UTC). */
class OutlookCalendarMapperTests {

    private final OutlookCalendarMapper mapper = new OutlookCalendarMapper();
    private static final MailboxContext CTX = new MailboxContext(Set.of("alice@acme.test"),
            Set.of("alice@acme.test", "bob@acme.test"), Set.of("acme.test"), History.NONE);

    private Mapping map(ObjectNode event) {
        return mapper.map(record(Source.OUTLOOK_CALENDAR, RawRecord.Op.UPSERT, event), CTX);
    }

    private static List<String> guests(Mapping m) {
        return m.events().stream().map(e -> e.role().name().toLowerCase() + ":" + e.contactEmail()).toList();
    }

    private static ObjectNode attendee(ObjectNode event, String type, String response, String address) {
        ObjectNode a = ((ArrayNode) event.get("attendees")).addObject().put("type", type);
        a.putObject("status").put("response", response);
        a.putObject("emailAddress").put("name", address).put("address", address);
        return a;
    }

    @Test
    void R_D5_oneEventPerOutsideAttendeeInUtc() {
        Mapping m = map(graphMeeting("AAMk1"));
        assertThat(m.events()).singleElement().satisfies(e -> {
            assertThat(e.provider()).isEqualTo(Provider.MICROSOFT);
            assertThat(e.source()).isEqualTo(Source.OUTLOOK_CALENDAR);
            assertThat(e.role()).isEqualTo(Role.ATTENDEE);
            assertThat(e.contactEmail()).isEqualTo("jane@client.example");
            assertThat(e.contactName()).isEqualTo("Doe, Jane");
            assertThat(e.occurredAt()).isEqualTo(Instant.parse("2025-11-24T17:00:00Z"));
            assertThat(e.meeting().endAt()).isEqualTo(Instant.parse("2025-11-24T17:30:00Z"));
            assertThat(e.meeting().attendeeCount()).isEqualTo(3);
            assertThat(e.meeting().responseStatus()).isEqualTo("accepted");
            assertThat(e.internetMessageId()).isEqualTo("040000008200E00074C5B7101A82E008AAMk1");
        });
        assertThat(ContractSchemas.validate(ContractSchemas.Contract.INTERACTION_EVENT,
                Json.mapper().valueToTree(m.events().get(0)))).isEmpty();
    }

    @Test
    void R_D5_hideAttendeesFlagsAnAttendeesCopyPartialButNotTheOrganizers() {
        ObjectNode attendeeCopy = graphMeeting("AAMk-hidden").put("isOrganizer", false).put("hideAttendees", true);
        attendeeCopy.putObject("organizer").putObject("emailAddress").put("name", "Fay").put("address", "fay@startup.example");
        assertThat(map(attendeeCopy).events()).isNotEmpty().allSatisfy(e -> assertThat(e.meeting().partial()).isTrue());
        ObjectNode organizerCopy = graphMeeting("AAMk-hidden2").put("hideAttendees", true);
        assertThat(map(organizerCopy).events()).isNotEmpty().allSatisfy(e -> assertThat(e.meeting().partial()).isFalse());
        assertThat(map(graphMeeting("AAMk-plain")).events()).allSatisfy(e -> assertThat(e.meeting().partial()).isFalse());
    }

    @Test
    void R_D5_anOutsideOrganizer() {
        ObjectNode e = graphMeeting("AAMk2").put("isOrganizer", false);
        e.putObject("organizer").putObject("emailAddress").put("name", "Fay").put("address", "fay@startup.example");
        e.putObject("responseStatus").put("response", "tentativelyAccepted");
        ((ObjectNode) e.get("attendees").get(0).get("status")).put("response", "tentativelyAccepted");
        attendee(e, "required", "organizer", "fay@startup.example");
        Mapping m = map(e);
        assertThat(guests(m)).containsExactlyInAnyOrder("attendee:jane@client.example", "organizer:fay@startup.example");
        assertThat(m.events()).allSatisfy(x -> assertThat(x.meeting().responseStatus()).isEqualTo("tentative"));
    }

    @Test
    void R_D1_cancelledEventsYieldNoEvents() {
        Mapping m = map(graphMeeting("AAMk3").put("isCancelled", true));
        assertThat(m.events()).isEmpty();
        assertThat(m.skip()).isEqualTo(SkipReason.CANCELLED);
        ObjectNode removed = Json.mapper().createObjectNode().put("id", "AAMk3");
        removed.putObject("@removed").put("reason", "deleted");
        assertThat(map(removed).skip()).isEqualTo(SkipReason.REMOVED);
    }

    @Test
    void R_D2_seriesMastersAndAbsencesAreNotMeetings() {
        assertThat(map(graphMeeting("AAMk4").put("type", "seriesMaster")).skip()).isEqualTo(SkipReason.NOT_A_MEETING);
        assertThat(map(graphMeeting("AAMk5").put("showAs", "oof")).skip()).isEqualTo(SkipReason.NOT_A_MEETING);
        assertThat(map(graphMeeting("AAMk6").put("type", "occurrence").put("seriesMasterId", "AAMkM")).events())
                .singleElement().satisfies(e -> assertThat(e.threadId()).isEqualTo("AAMkM"));
    }

    @Test
    void R_D3_resourceAttendeesNeverBecomeContacts() {
        ObjectNode e = graphMeeting("AAMk7");
        attendee(e, "resource", "accepted", "projector@client.example");
        assertThat(guests(map(e))).containsExactly("attendee:jane@client.example");
    }

    @Test
    void R_D4_declinedAttendeesExcludedAndAMemberWhoDeclinedHasNoMeeting() {
        ObjectNode e = graphMeeting("AAMk8");
        attendee(e, "required", "declined", "no@client.example");
        assertThat(guests(map(e))).containsExactly("attendee:jane@client.example");
        ObjectNode declined = graphMeeting("AAMk9").put("isOrganizer", false);
        declined.putObject("organizer").putObject("emailAddress").put("address", "jane@client.example");
        declined.putObject("responseStatus").put("response", "declined");
        assertThat(map(declined).skip()).isEqualTo(SkipReason.DECLINED_BY_MEMBER);
    }

    @Test
    void R_A6_allDayAndUtcTimes() {
        ObjectNode e = graphMeeting("AAMk10").put("isAllDay", true);
        e.putObject("start").put("dateTime", "2025-12-01T00:00:00.0000000").put("timeZone", "UTC");
        e.putObject("end").put("dateTime", "2025-12-02T00:00:00.0000000").put("timeZone", "UTC");
        InteractionEvent ev = map(e).events().get(0);
        assertThat(ev.meeting().allDay()).isTrue();
        assertThat(ev.occurredAt()).isEqualTo(Instant.parse("2025-12-01T00:00:00Z"));
        ObjectNode noStart = graphMeeting("AAMk11");
        noStart.remove("start");
        assertThatThrownBy(() -> map(noStart)).isInstanceOf(PayloadException.class);
    }
}

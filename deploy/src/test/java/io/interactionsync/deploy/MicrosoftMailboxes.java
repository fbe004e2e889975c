package io.interactionsync.deploy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dana's and Eve's Microsoft 365 mailboxes and the shared mailbox {@code deals@acme.test} they both have
 * FullAccess to, as Graph returns them (messages with the seed's {@code $select}, calendarView events in UTC).
 */
final class MicrosoftMailboxes {

    private MicrosoftMailboxes() {
    }

    static void load(StackClient client) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        client.putMicrosoftUser(EndToEndIT.DANA, Map.of(
                "displayName", "Dana Diaz",
                "fullAccessTo", List.of(EndToEndIT.DEALS),
                "folders", Map.of(
                        "inbox", List.of(
                                message("dana-in-1", now.minus(3, ChronoUnit.DAYS), person("Omar Ortiz", "omar@client.example"),
                                        List.of(person("Dana Diaz", EndToEndIT.DANA), person("Eve", EndToEndIT.EVE)), List.of())),
                        "sentitems", List.of(
                                message("dana-sent-1", now.minus(2, ChronoUnit.DAYS), person("Dana Diaz", EndToEndIT.DANA),
                                        List.of(person("Pia", "pia@partner.example")),
                                        List.of(person("Quinn", "quinn@hidden.example"))))),
                "events", List.of(meeting("dana-meeting-1", now.plus(5, ChronoUnit.DAYS),
                        attendee("omar@client.example", "required", "accepted"),
                        attendee("declined@client.example", "required", "declined"),
                        attendee("board-room@acme.test", "resource", "accepted")))));
        client.putMicrosoftUser(EndToEndIT.EVE, Map.of(
                "displayName", "Eve Evans",
                "fullAccessTo", List.of(EndToEndIT.DEALS),
                "folders", Map.of("inbox", List.of(), "sentitems", List.of()),
                "events", List.of()));
        client.putSharedMailbox(EndToEndIT.DEALS, Map.of("folders", Map.of(
                "inbox", List.of(message("deals-in-1", now.minus(1, ChronoUnit.DAYS), person("Rosa", "rosa@lp.example"),
                        List.of(person("Deals", EndToEndIT.DEALS)), List.of())),
                "sentitems", List.of())));
    }

    static Map<String, Object> message(String id, Instant at, Map<String, Object> from,
                                               List<Map<String, Object>> to, List<Map<String, Object>> bcc) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("receivedDateTime", at.toString());
        m.put("sentDateTime", at.minusSeconds(30).toString());
        m.put("subject", "About " + id);
        m.put("internetMessageId", "<" + id + "@mail.example>");
        m.put("conversationId", "conv-" + id);
        m.put("isDraft", false);
        m.put("from", from);
        m.put("sender", from);
        m.put("toRecipients", to);
        m.put("ccRecipients", List.of());
        m.put("bccRecipients", bcc);
        m.put("replyTo", List.of());
        return m;
    }

    static Map<String, Object> person(String name, String address) {
        return Map.of("emailAddress", Map.of("name", name, "address", address));
    }

    static Map<String, Object> attendee(String address, String type, String response) {
        return Map.of("type", type, "status", Map.of("response", response, "time", "0001-01-01T00:00:00Z"),
                "emailAddress", Map.of("name", address, "address", address));
    }

    @SafeVarargs
    static Map<String, Object> meeting(String id, Instant start, Map<String, Object>... attendees) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("iCalUId", "ical-" + id);
        e.put("subject", "Diligence call");
        e.put("type", "singleInstance");
        e.put("isCancelled", false);
        e.put("isAllDay", false);
        e.put("showAs", "busy");
        e.put("isOrganizer", true);
        e.put("start", Map.of("dateTime", start.toString().replace("Z", ".0000000"), "timeZone", "UTC"));
        e.put("end", Map.of("dateTime", start.plus(1, ChronoUnit.HOURS).toString().replace("Z", ".0000000"),
                "timeZone", "UTC"));
        e.put("organizer", person("Dana Diaz", EndToEndIT.DANA));
        e.put("responseStatus", Map.of("response", "organizer", "time", "0001-01-01T00:00:00Z"));
        e.put("attendees", List.of(attendees));
        return e;
    }
}

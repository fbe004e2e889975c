package io.interactionsync.emulator.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.google.calendar.CalendarRoutes;
import io.interactionsync.emulator.http.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a generated (Google-shaped) calendar into the Outlook events calendarView returns: series expanded into
 * occurrences (moved instances become exceptions, cancelled instances disappear), cancelled meetings kept with
 * {@code isCancelled}, attendee responses mapped to Graph's {@code status.response}.
 */
final class GraphEvents {

    private static final DateTimeFormatter GRAPH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS");

    private GraphEvents() {
    }

    static List<ObjectNode> fromCalendar(List<ObjectNode> googleEvents, Instant anchor) {
        Map<String, ObjectNode> exceptions = new HashMap<>();
        for (ObjectNode e : googleEvents) {
            if (e.hasNonNull("recurringEventId")) {
                exceptions.put(e.get("id").asText(), e);
            }
        }
        Instant horizon = anchor.plus(365, ChronoUnit.DAYS);
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode e : googleEvents) {
            if (e.hasNonNull("recurringEventId")) {
                continue;
            }
            if (e.path("recurrence").isArray() && !e.path("recurrence").isEmpty()) {
                String masterId = id(e.get("id").asText());
                for (ObjectNode instance : CalendarRoutes.instances(e, horizon)) {
                    ObjectNode exception = exceptions.get(instance.get("id").asText());
                    if (exception != null && "cancelled".equals(exception.path("status").asText())) {
                        continue;
                    }
                    ObjectNode source = exception != null ? exception : instance;
                    ObjectNode graph = convert(source, id(source.get("id").asText()));
                    graph.put("type", exception != null ? "exception" : "occurrence");
                    graph.put("seriesMasterId", masterId);
                    out.add(graph);
                }
            } else {
                ObjectNode graph = convert(e, id(e.get("id").asText()));
                graph.put("type", "singleInstance");
                out.add(graph);
            }
        }
        return out;
    }

    private static ObjectNode convert(ObjectNode g, String id) {
        ObjectNode out = Json.object();
        out.put("id", id);
        out.put("createdDateTime", g.path("created").asText());
        out.put("lastModifiedDateTime", g.path("updated").asText());
        out.put("iCalUId", g.path("iCalUID").asText());
        out.put("subject", g.path("summary").asText(""));
        out.put("isCancelled", "cancelled".equals(g.path("status").asText()));
        boolean allDay = g.path("start").has("date");
        out.put("isAllDay", allDay);
        out.set("start", time(g.path("start")));
        out.set("end", time(g.path("end")));
        String type = g.path("eventType").asText("default");
        out.put("showAs", type.equals("outOfOffice") ? "oof"
                : "transparent".equals(g.path("transparency").asText()) ? "free"
                : "tentative".equals(g.path("status").asText()) ? "tentative" : "busy");
        out.put("isOnlineMeeting", g.hasNonNull("hangoutLink"));
        if (g.hasNonNull("location")) {
            out.putObject("location").put("displayName", g.get("location").asText());
        }
        String organizer = g.path("organizer").path("email").asText();
        boolean selfOrganizer = g.path("organizer").path("self").asBoolean(false);
        out.put("isOrganizer", selfOrganizer);
        out.putObject("organizer").putObject("emailAddress")
                .put("name", g.path("organizer").path("displayName").asText(organizer)).put("address", organizer);
        ArrayNode attendees = out.putArray("attendees");
        String ownResponse = selfOrganizer ? "organizer" : "notResponded";
        for (JsonNode a : g.path("attendees")) {
            String response = a.path("organizer").asBoolean(false) ? "organizer" : switch (a.path("responseStatus").asText()) {
                case "accepted" -> "accepted";
                case "declined" -> "declined";
                case "tentative" -> "tentativelyAccepted";
                default -> "notResponded";
            };
            if (a.path("self").asBoolean(false)) {
                ownResponse = response;
            }
            ObjectNode attendee = attendees.addObject();
            attendee.put("type", a.path("resource").asBoolean(false) ? "resource"
                    : a.path("optional").asBoolean(false) ? "optional" : "required");
            attendee.putObject("status").put("response", response).put("time", "0001-01-01T00:00:00Z");
            attendee.putObject("emailAddress").put("name", a.path("displayName").asText(a.path("email").asText()))
                    .put("address", a.path("email").asText());
        }
        out.putObject("responseStatus").put("response", ownResponse).put("time", "0001-01-01T00:00:00Z");
        return out;
    }

    private static ObjectNode time(JsonNode t) {
        String value;
        if (t.has("date")) {
            value = LocalDate.parse(t.get("date").asText()).atStartOfDay().format(GRAPH_TIME);
        } else {
            value = OffsetDateTime.parse(t.path("dateTime").asText()).atZoneSameInstant(ZoneOffset.UTC)
                    .toLocalDateTime().format(GRAPH_TIME);
        }
        return Json.object().put("dateTime", value).put("timeZone", "UTC");
    }

    private static String id(String googleId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(googleId.getBytes(StandardCharsets.UTF_8));
            return "AAMkAGI" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 80) + "=";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.interactionsync.emulator.microsoft;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.MicrosoftFlow;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GraphCalendarDeltaTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String DELTA = "/graph.microsoft.com/v1.0/me/calendarView/delta()";
    private static final String RANGE = "?startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-04-01T00:00:00Z";
    private String token;

    private static Map<String, Object> event(String id, String start, String end, boolean cancelled) {
        return Map.of("id", id, "subject", "Meeting " + id, "isCancelled", cancelled,
                "start", Map.of("dateTime", start, "timeZone", "UTC"), "end", Map.of("dateTime", end, "timeZone", "UTC"),
                "attendees", List.of(Map.of("type", "required", "status", Map.of("response", "declined"),
                        "emailAddress", Map.of("address", "bob@ext.example")),
                        Map.of("type", "resource", "status", Map.of("response", "accepted"),
                                "emailAddress", Map.of("address", "room@contoso.test"))));
    }

    @BeforeEach
    void load() {
        MicrosoftFlow.putUser("dana@contoso.test", Map.of("events", List.of(
                event("e1", "2026-03-02T15:00:00.0000000", "2026-03-02T15:30:00.0000000", false),
                event("e2", "2026-03-10T09:00:00.0000000", "2026-03-10T10:00:00.0000000", true),
                event("e3", "2026-05-10T09:00:00.0000000", "2026-05-10T10:00:00.0000000", false))));
        token = MicrosoftFlow.tokens("dana@contoso.test", "openid offline_access Calendars.ReadBasic").getString("access_token");
    }

    private JsonPath get(String path, String... prefer) {
        var request = given().auth().oauth2(token).urlEncodingEnabled(false);
        for (String p : prefer) {
            request.header("Prefer", p);
        }
        return request.get(path).then().statusCode(200).extract().jsonPath();
    }

    private static String path(String link) {
        URI uri = URI.create(link);
        return uri.getRawPath() + "?" + uri.getRawQuery();
    }

    @Test
    void firstCallNeedsARangeAndRejectsSelect() {
        given().auth().oauth2(token).get(DELTA).then().statusCode(400).body("error.code", equalTo("ErrorInvalidParameter"));
        given().auth().oauth2(token).urlEncodingEnabled(false).get(DELTA + RANGE + "&$select=subject").then().statusCode(400);
    }

    @Test
    void rangeIsAppliedAndCancelledMeetingsCarryIsCancelled() {
        JsonPath page = get(DELTA + RANGE);
        assertThat(page.getList("value.id")).containsExactly("e1", "e2");
        assertThat(page.getBoolean("value[1].isCancelled")).isTrue();
        assertThat(page.getString("value[0].attendees[0].status.response")).isEqualTo("declined");
        assertThat(page.getString("value[0].attendees[1].type")).isEqualTo("resource");
        assertThat(page.getString("'@odata.deltaLink'")).contains("$deltatoken=");
    }

    @Test
    void outlookTimezonePreferenceConvertsTimes() {
        JsonPath page = get(DELTA + RANGE, "outlook.timezone=\"America/New_York\"");
        assertThat(page.getString("value[0].start.dateTime")).isEqualTo("2026-03-02T10:00:00.0000000");
        assertThat(page.getString("value[0].start.timeZone")).isEqualTo("America/New_York");
    }

    @Test
    void pagesThenDeltaReportsChangesAndRemovals() {
        List<String> ids = new ArrayList<>();
        String next = DELTA + RANGE;
        String deltaLink = null;
        while (next != null) {
            JsonPath page = get(next, "odata.maxpagesize=1");
            ids.addAll(page.getList("value.id"));
            next = page.getString("'@odata.nextLink'") == null ? null : path(page.getString("'@odata.nextLink'"));
            deltaLink = page.getString("'@odata.deltaLink'");
        }
        assertThat(ids).containsExactly("e1", "e2");
        given().contentType("application/json").body(event("e4", "2026-03-20T09:00:00.0000000", "2026-03-20T09:30:00.0000000", false))
                .post("/_emulator/microsoft/users/dana@contoso.test/events").then().statusCode(200);
        given().delete("/_emulator/microsoft/users/dana@contoso.test/events/e1").then().statusCode(204);
        JsonPath changes = get(path(deltaLink));
        assertThat(changes.getList("value.id")).containsExactly("e4", "e1");
        assertThat(changes.getMap("value[1]")).containsEntry("@removed", Map.of("reason", "deleted"));
    }

    @Test
    void expiredDeltaIsGone() {
        String deltaLink = get(DELTA + RANGE).getString("'@odata.deltaLink'");
        given().post("/_emulator/microsoft/users/dana@contoso.test/expire-delta").then().statusCode(204);
        Response gone = given().auth().oauth2(token).urlEncodingEnabled(false).get(path(deltaLink));
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(gone.jsonPath().getString("error.code")).isEqualTo("syncStateNotFound");
    }

    @Test
    void mailOnlyTokenCannotReadTheCalendar() {
        String mailOnly = MicrosoftFlow.tokens("dana@contoso.test", "openid Mail.ReadBasic").getString("access_token");
        given().auth().oauth2(mailOnly).urlEncodingEnabled(false).get(DELTA + RANGE).then().statusCode(403)
                .body("error.code", equalTo("ErrorAccessDenied"));
    }

    @Test
    void generatedMicrosoftCalendarsHaveOccurrencesAndResponses() {
        var result = given().contentType("application/json").body(Map.of("seed", 3, "googleUsers", 1, "microsoftUsers", 1,
                "messagesPerMailbox", 5, "eventsPerCalendar", 60, "anchor", "2026-11-24"))
                .post("/_emulator/generate").then().statusCode(200).extract().jsonPath();
        String upn = result.getString("microsoft[0].upn");
        assertThat(result.getInt("microsoft[0].events")).isPositive();
        String generatedToken = MicrosoftFlow.tokens(upn, "openid offline_access Calendars.Read").getString("access_token");
        List<Map<String, Object>> events = new ArrayList<>();
        String next = DELTA + "?startDateTime=2024-11-24T00:00:00Z&endDateTime=2027-11-24T00:00:00Z";
        while (next != null) {
            JsonPath page = given().auth().oauth2(generatedToken).urlEncodingEnabled(false).header("Prefer", "odata.maxpagesize=200")
                    .get(next).then().statusCode(200).extract().jsonPath();
            events.addAll(page.getList("value"));
            next = page.getString("'@odata.nextLink'") == null ? null : path(page.getString("'@odata.nextLink'"));
        }
        assertThat(events).anyMatch(e -> "occurrence".equals(e.get("type")));
        assertThat(events).anyMatch(e -> Boolean.TRUE.equals(e.get("isCancelled")));
        assertThat(events).anyMatch(e -> Boolean.TRUE.equals(e.get("isAllDay")));
    }
}

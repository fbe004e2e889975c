package io.interactionsync.emulator.google.calendar;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CalendarEventsTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String EVENTS = "/www.googleapis.com/calendar/v3/calendars/primary/events";
    private static final String CONTROL = "/_emulator/google/users/cal@acme.test/events";
    private String token;

    private static Map<String, Object> timed(String id, String start, String end) {
        return Map.of("id", id, "summary", "Meeting " + id, "start", Map.of("dateTime", start, "timeZone", "America/New_York"),
                "end", Map.of("dateTime", end, "timeZone", "America/New_York"),
                "attendees", List.of(Map.of("email", "cal@acme.test", "self", true, "responseStatus", "accepted"),
                        Map.of("email", "bob@ext.example", "responseStatus", "declined"),
                        Map.of("email", "room@resource.calendar.google.com", "resource", true, "responseStatus", "accepted")));
    }

    @BeforeEach
    void load() {
        GoogleFlow.putUser("cal@acme.test", "Cal", List.of());
        given().contentType("application/json").body(List.of(
                timed("single1", "2026-03-02T10:00:00-05:00", "2026-03-02T10:30:00-05:00"),
                Map.of("id", "series1", "summary", "Weekly", "recurrence", List.of("RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5"),
                        "start", Map.of("dateTime", "2026-03-02T09:00:00-05:00", "timeZone", "America/New_York"),
                        "end", Map.of("dateTime", "2026-03-02T09:30:00-05:00", "timeZone", "America/New_York")),
                Map.of("id", "series1_20260316T130000Z", "status", "cancelled", "recurringEventId", "series1",
                        "originalStartTime", Map.of("dateTime", "2026-03-16T09:00:00-04:00", "timeZone", "America/New_York")),
                Map.of("id", "allday1", "summary", "Offsite", "start", Map.of("date", "2026-04-01"), "end", Map.of("date", "2026-04-03"))))
                .post(CONTROL).then().statusCode(200);
        token = GoogleFlow.accessToken("cal@acme.test", GoogleFlow.CALENDAR_READONLY);
    }

    private RequestSpecification authed() {
        return given().auth().oauth2(token);
    }

    @Test
    void unauthenticatedAndWrongScopeAreRejected() {
        given().get(EVENTS).then().statusCode(401).body("error.errors[0].reason", equalTo("required"));
        String gmailOnly = GoogleFlow.gmailToken("cal@acme.test");
        given().auth().oauth2(gmailOnly).get(EVENTS).then().statusCode(403)
                .body("error.errors[0].reason", equalTo("insufficientPermissions"));
    }

    @Test
    void otherCalendarsAreNotFound() {
        authed().get("/www.googleapis.com/calendar/v3/calendars/bob@acme.test/events").then().statusCode(404)
                .body("error.errors[0].reason", equalTo("notFound")).body("error.message", equalTo("Not Found"));
        authed().get("/www.googleapis.com/calendar/v3/calendars/cal@acme.test/events").then().statusCode(200);
    }

    @Test
    void withoutSingleEventsTheSeriesIsOneEventAndCancelledExceptionsAreHidden() {
        JsonPath body = authed().get(EVENTS).then().statusCode(200)
                .body("kind", equalTo("calendar#events")).body("$", hasKey("nextSyncToken"))
                .body("$", not(hasKey("nextPageToken"))).extract().jsonPath();
        assertThat(body.getList("items.id")).containsExactlyInAnyOrder("single1", "series1", "allday1");
        assertThat(body.getList("items.find { it.id == 'series1' }.recurrence")).containsExactly("RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5");
    }

    @Test
    void singleEventsExpandsInstancesAcrossDstAndAppliesCancelledExceptions() {
        JsonPath body = authed().queryParam("singleEvents", true).queryParam("orderBy", "startTime")
                .get(EVENTS).then().statusCode(200).body("$", not(hasKey("nextSyncToken"))).extract().jsonPath();
        List<String> ids = body.getList("items.id");
        assertThat(ids).containsExactly("series1_20260302T140000Z", "single1", "series1_20260309T130000Z",
                "series1_20260323T130000Z", "series1_20260330T130000Z", "allday1");
        assertThat(body.getString("items[2].start.dateTime")).isEqualTo("2026-03-09T09:00:00-04:00");
        assertThat(body.getString("items[2].recurringEventId")).isEqualTo("series1");
        assertThat(body.getString("items[2].originalStartTime.dateTime")).isEqualTo("2026-03-09T09:00:00-04:00");
    }

    @Test
    void showDeletedIncludesTheCancelledInstanceInItsMinimalForm() {
        JsonPath body = authed().queryParam("singleEvents", true).queryParam("showDeleted", true)
                .get(EVENTS).then().statusCode(200).extract().jsonPath();
        Map<String, Object> cancelled = body.getMap("items.find { it.id == 'series1_20260316T130000Z' }");
        assertThat(cancelled).containsEntry("status", "cancelled").containsEntry("recurringEventId", "series1")
                .containsKey("originalStartTime").doesNotContainKey("summary");
    }

    @Test
    void timeWindowFiltersByEndAfterTimeMinAndStartBeforeTimeMax() {
        authed().queryParam("singleEvents", true).queryParam("timeMin", "2026-03-09T00:00:00Z")
                .queryParam("timeMax", "2026-03-24T00:00:00Z").get(EVENTS).then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.containsInAnyOrder("series1_20260309T130000Z", "series1_20260323T130000Z"));
        authed().queryParam("timeMin", "2026-03-09").get(EVENTS).then().statusCode(400);
        authed().queryParam("timeMin", "2026-03-10T00:00:00Z").queryParam("timeMax", "2026-03-09T00:00:00Z")
                .get(EVENTS).then().statusCode(400).body("error.errors[0].reason", equalTo("timeRangeEmpty"));
    }

    @Test
    void orderByStartTimeNeedsSingleEvents() {
        authed().queryParam("orderBy", "startTime").get(EVENTS).then().statusCode(400);
    }

    @Test
    void pagingGivesNextSyncTokenOnlyOnTheLastPage() {
        List<String> seen = new ArrayList<>();
        String pageToken = null;
        int pages = 0;
        String syncToken = null;
        do {
            RequestSpecification request = authed().queryParam("singleEvents", true).queryParam("maxResults", 2);
            if (pageToken != null) {
                request.queryParam("pageToken", pageToken);
            }
            JsonPath page = request.get(EVENTS).then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.id"));
            pageToken = page.getString("nextPageToken");
            syncToken = page.getString("nextSyncToken");
            assertThat(pageToken == null ^ syncToken == null).isTrue();
            pages++;
        } while (pageToken != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(6).doesNotHaveDuplicates();
        assertThat(syncToken).isNotBlank();
    }

    @Test
    void syncTokenReturnsOnlyChangesIncludingDeletions() {
        String syncToken = authed().get(EVENTS).then().extract().path("nextSyncToken");
        authed().queryParam("syncToken", syncToken).get(EVENTS).then().statusCode(200)
                .body("items.size()", equalTo(0));
        given().contentType("application/json").body(timed("new1", "2026-05-01T10:00:00-04:00", "2026-05-01T11:00:00-04:00"))
                .post(CONTROL).then().statusCode(200);
        given().delete(CONTROL + "/single1").then().statusCode(204);
        JsonPath changes = authed().queryParam("syncToken", syncToken).get(EVENTS).then().statusCode(200).extract().jsonPath();
        assertThat(changes.getList("items.id")).containsExactlyInAnyOrder("new1", "single1");
        Map<String, Object> deleted = changes.getMap("items.find { it.id == 'single1' }");
        assertThat(deleted).containsEntry("status", "cancelled").doesNotContainKey("attendees");
        String next = changes.getString("nextSyncToken");
        authed().queryParam("syncToken", next).get(EVENTS).then().body("items.size()", equalTo(0));
    }

    @Test
    void syncTokenCannotBeCombinedWithWindowOrOrdering() {
        String syncToken = authed().get(EVENTS).then().extract().path("nextSyncToken");
        for (String param : List.of("timeMin", "timeMax", "updatedMin")) {
            authed().queryParam("syncToken", syncToken).queryParam(param, "2026-01-01T00:00:00Z").get(EVENTS).then()
                    .statusCode(400);
        }
        authed().queryParam("syncToken", syncToken).queryParam("orderBy", "updated").get(EVENTS).then().statusCode(400);
        authed().queryParam("syncToken", syncToken).queryParam("q", "x").get(EVENTS).then().statusCode(400);
        authed().queryParam("syncToken", syncToken).queryParam("iCalUID", "x").get(EVENTS).then().statusCode(400);
    }

    @Test
    void expiredSyncTokenIsGoneWithFullSyncRequired() {
        String syncToken = authed().get(EVENTS).then().extract().path("nextSyncToken");
        given().post("/_emulator/google/users/cal@acme.test/expire-sync-tokens").then().statusCode(204);
        authed().queryParam("syncToken", syncToken).get(EVENTS).then().statusCode(410)
                .body("error.code", equalTo(410))
                .body("error.message", equalTo("Sync token is no longer valid, a full sync is required."))
                .body("error.errors[0].domain", equalTo("calendar"))
                .body("error.errors[0].reason", equalTo("fullSyncRequired"))
                .body("error.errors[0].locationType", equalTo("parameter"))
                .body("error.errors[0].location", equalTo("syncToken"));
        String fresh = authed().get(EVENTS).then().extract().path("nextSyncToken");
        authed().queryParam("syncToken", fresh).get(EVENTS).then().statusCode(200);
    }

    @Test
    void maxResultsAboveTheCapIsAccepted() {
        authed().queryParam("maxResults", 5000).get(EVENTS).then().statusCode(200);
        authed().queryParam("maxResults", 0).get(EVENTS).then().statusCode(400);
    }

    @Test
    void eventsGetReturnsAStoredEventOrAnInstance() {
        authed().get(EVENTS + "/single1").then().statusCode(200).body("attendees[2].resource", equalTo(true));
        authed().get(EVENTS + "/series1_20260309T130000Z").then().statusCode(200).body("recurringEventId", equalTo("series1"));
        authed().get(EVENTS + "/nope").then().statusCode(404);
    }

    @Test
    void fieldsSelectAPartialResponseAndABadSelectionIs400() {
        JsonPath page = authed().queryParam("singleEvents", true).queryParam("fields", "items(id,etag),nextSyncToken")
                .get(EVENTS).then().statusCode(200).body("$", not(hasKey("kind"))).body("$", hasKey("nextSyncToken"))
                .extract().jsonPath();
        List<Map<String, Object>> items = page.getList("items");
        assertThat(items).hasSize(6).allSatisfy(item -> assertThat(item).containsOnlyKeys("id", "etag"));
        authed().queryParam("fields", "id,start/dateTime,attendees(email)").get(EVENTS + "/single1").then().statusCode(200)
                .body("id", equalTo("single1")).body("start.dateTime", equalTo("2026-03-02T10:00:00-05:00"))
                .body("start", not(hasKey("timeZone"))).body("attendees[1]", equalTo(Map.of("email", "bob@ext.example")))
                .body("$", not(hasKey("summary")));
        authed().queryParam("fields", "items(id").get(EVENTS).then().statusCode(400)
                .body("error.errors[0].reason", equalTo("invalidParameter"));
    }

    @Test
    void shortAndEmptyPagesStillCarryNextPageTokenWhenConfigured() {
        given().contentType("application/json").body(Map.of("calendarShortPages", true)).put("/_emulator/config").then().statusCode(200);
        JsonPath first = authed().queryParam("singleEvents", true).queryParam("maxResults", 4).get(EVENTS).then().extract().jsonPath();
        assertThat(first.getList("items")).isEmpty();
        assertThat(first.getString("nextPageToken")).isNotNull();
        List<String> seen = new ArrayList<>();
        String token = first.getString("nextPageToken");
        while (token != null) {
            JsonPath page = authed().queryParam("singleEvents", true).queryParam("maxResults", 4).queryParam("pageToken", token)
                    .get(EVENTS).then().extract().jsonPath();
            assertThat(page.getList("items").size()).isLessThanOrEqualTo(2);
            seen.addAll(page.getList("items.id"));
            token = page.getString("nextPageToken");
            if (token == null) {
                assertThat(page.getString("nextSyncToken")).isNotNull();
            }
        }
        assertThat(seen).hasSize(6).doesNotHaveDuplicates();
    }
}

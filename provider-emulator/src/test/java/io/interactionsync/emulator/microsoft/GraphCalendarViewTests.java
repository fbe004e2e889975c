package io.interactionsync.emulator.microsoft;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.MicrosoftFlow;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** calendarView (the list, not its delta) with $select, $top paging and changeKey; GET /events/{id}. */
class GraphCalendarViewTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String VIEW = "/graph.microsoft.com/v1.0/me/calendarView";
    private static final String RANGE = "?startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-04-01T00:00:00Z";
    private static final String DELTA = "/graph.microsoft.com/v1.0/me/calendarView/delta()";
    private String token;

    private static Map<String, Object> event(String id, String start, String end, boolean cancelled) {
        return Map.of("id", id, "subject", "Meeting " + id, "isCancelled", cancelled,
                "start", Map.of("dateTime", start, "timeZone", "UTC"), "end", Map.of("dateTime", end, "timeZone", "UTC"));
    }

    @BeforeEach
    void load() {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            events.add(event("e" + i, String.format("2026-03-%02dT09:00:00.0000000", i + 1),
                    String.format("2026-03-%02dT10:00:00.0000000", i + 1), i == 3));
        }
        events.add(event("later", "2026-05-10T09:00:00.0000000", "2026-05-10T10:00:00.0000000", false));
        MicrosoftFlow.putUser("dana@contoso.test", Map.of("events", events));
        token = MicrosoftFlow.tokens("dana@contoso.test", "openid offline_access Calendars.ReadBasic").getString("access_token");
    }

    @AfterEach
    void clearFaults() {
        given().delete("/_emulator/faults").then().statusCode(204);
    }

    private JsonPath get(String path) {
        return given().auth().oauth2(token).urlEncodingEnabled(false).get(path).then().statusCode(200).extract().jsonPath();
    }

    private static String path(String link) {
        URI uri = URI.create(link);
        return uri.getRawPath() + "?" + uri.getRawQuery();
    }

    @Test
    void listsTheWindowWithSelectedFieldsInPagesOfTop() {
        List<String> ids = new ArrayList<>();
        List<Boolean> cancelled = new ArrayList<>();
        String next = VIEW + RANGE + "&$select=id,changeKey,isCancelled&$top=5";
        int pages = 0;
        while (next != null) {
            JsonPath page = get(next);
            pages++;
            ids.addAll(page.getList("value.id"));
            cancelled.addAll(page.getList("value.isCancelled"));
            assertThat(page.getList("value.subject")).allMatch(s -> s == null);
            assertThat(page.getList("value.changeKey")).allMatch(k -> k != null);
            String link = page.getString("'@odata.nextLink'");
            next = link == null ? null : path(link);
        }
        assertThat(pages).isEqualTo(3);
        assertThat(ids).hasSize(12).doesNotContain("later").startsWith("e1", "e2", "e3");
        assertThat(cancelled.get(2)).as("cancelled instances stay in the view").isTrue();
    }

    @Test
    void needsAWindow() {
        given().auth().oauth2(token).get(VIEW).then().statusCode(400).body("error.code", equalTo("ErrorInvalidParameter"));
    }

    @Test
    void changeKeyChangesWithTheEventAndMatchesDeltaAndTheEtag() {
        JsonPath delta = get(DELTA + RANGE);
        String before = get(VIEW + RANGE + "&$select=id,changeKey&$top=1").getString("value[0].changeKey");
        assertThat(delta.getString("value[0].changeKey")).isEqualTo(before);
        assertThat(delta.getString("value[0].'@odata.etag'")).isEqualTo("W/\"" + before + "\"");

        given().contentType("application/json").body(event("e1", "2026-03-02T09:30:00.0000000", "2026-03-02T10:30:00.0000000", false))
                .post("/_emulator/microsoft/users/dana@contoso.test/events").then().statusCode(200);

        String after = get(VIEW + RANGE + "&$select=id,changeKey&$top=1").getString("value[0].changeKey");
        assertThat(after).isNotEqualTo(before);
        assertThat(get("/graph.microsoft.com/v1.0/me/events/e1").getString("changeKey")).isEqualTo(after);
    }

    @Test
    void getsAnEventAndAnswers404OnceItIsDeleted() {
        JsonPath event = get("/graph.microsoft.com/v1.0/me/events/e3?$select=id,isCancelled");
        assertThat(event.getString("id")).isEqualTo("e3");
        assertThat(event.getBoolean("isCancelled")).isTrue();
        assertThat(event.getString("subject")).isNull();
        assertThat(get("/graph.microsoft.com/v1.0/me/events/e2").getString("subject")).isEqualTo("Meeting e2");

        given().delete("/_emulator/microsoft/users/dana@contoso.test/events/e2").then().statusCode(204);

        given().auth().oauth2(token).get("/graph.microsoft.com/v1.0/me/events/e2").then().statusCode(404)
                .body("error.code", equalTo("ErrorItemNotFound"));
        assertThat(get(VIEW + RANGE + "&$top=100").getList("value.id")).doesNotContain("e2");
    }

    @Test
    void anOmitFaultDropsListedEvents() {
        given().contentType("application/json").body(Map.of("seed", 5, "rules", List.of(Map.of("provider", "microsoft",
                "pathRegex", "/calendarView$", "omit", 1.0)))).put("/_emulator/faults").then().statusCode(200);

        JsonPath page = get(VIEW + RANGE + "&$top=5");

        assertThat(page.getList("value")).isEmpty();
        assertThat(page.getString("'@odata.nextLink'")).contains("$skip=5");
        assertThat(get(DELTA + RANGE).getList("value")).as("the delta path is not faulted").isNotEmpty();
    }
}

package io.interactionsync.emulator.google;

import static io.interactionsync.emulator.support.GoogleFlow.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code omit} fault on Google's list and history responses (messages.list, threads.list, history.list,
 * events.list): items vanish, page tokens, historyIds and sync tokens still move past them.
 */
class GoogleOmissionTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String USER = "omit@acme.test";
    private static final String GMAIL = "/gmail.googleapis.com/gmail/v1/users/me/";
    private static final String EVENTS = "/www.googleapis.com/calendar/v3/calendars/primary/events";
    private String gmail;
    private String calendar;

    @BeforeEach
    void load() {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Map<String, Object> m = new HashMap<>(message(String.format("m%02d", i), 1_000 + i, List.of("INBOX")));
            m.put("threadId", String.format("t%02d", i / 2));
            messages.add(m);
        }
        GoogleFlow.putUser(USER, "Omit", messages);
        given().contentType("application/json").body(List.of(
                        Map.of("id", "ev1", "summary", "A", "start", Map.of("dateTime", "2026-03-02T10:00:00Z"),
                                "end", Map.of("dateTime", "2026-03-02T11:00:00Z")),
                        Map.of("id", "ev2", "summary", "B", "start", Map.of("dateTime", "2026-03-03T10:00:00Z"),
                                "end", Map.of("dateTime", "2026-03-03T11:00:00Z"))))
                .post("/_emulator/google/users/" + USER + "/events").then().statusCode(200);
        gmail = GoogleFlow.gmailToken(USER);
        calendar = GoogleFlow.accessToken(USER, GoogleFlow.CALENDAR_READONLY);
    }

    @AfterEach
    void clear() {
        given().delete("/_emulator/faults").then().statusCode(204);
    }

    private static void omit(String pathRegex, double probability) {
        given().contentType("application/json").body(Map.of("seed", 11, "rules", List.of(Map.of("provider", "google",
                        "user", USER, "pathRegex", pathRegex, "omit", probability))))
                .put("/_emulator/faults").then().statusCode(200);
    }

    /** Follows nextPageToken to the end; returns the ids of every page and the number of pages. */
    private List<String> listAll(String path, String field, int[] pages) {
        List<String> ids = new ArrayList<>();
        String token = null;
        do {
            var request = given().auth().oauth2(gmail).queryParam("maxResults", 7);
            if (token != null) {
                request.queryParam("pageToken", token);
            }
            JsonPath page = request.get(GMAIL + path).then().statusCode(200).extract().jsonPath();
            List<String> found = page.getList(field + ".id");
            if (found != null) {
                ids.addAll(found);
            }
            token = page.getString("nextPageToken");
            pages[0]++;
        } while (token != null);
        return ids;
    }

    @Test
    void messagesListDropsRefsButItsPagesStillReachTheEnd() {
        omit("/messages$", 0.5);
        int[] pages = {0};
        List<String> kept = listAll("messages", "messages", pages);
        assertThat(pages[0]).as("the same 6 pages as without the fault").isEqualTo(6);
        assertThat(kept).doesNotHaveDuplicates().hasSizeBetween(5, 35);

        clear();
        assertThat(listAll("messages", "messages", new int[1])).hasSize(40).containsAll(kept);
    }

    @Test
    void threadsListDropsThreadsButItsPagesStillReachTheEnd() {
        omit("/threads$", 1.0);
        int[] pages = {0};
        assertThat(listAll("threads", "threads", pages)).isEmpty();
        assertThat(pages[0]).isEqualTo(3);
    }

    @Test
    void historyListDropsRecordsAndItsHistoryIdStillMovesPastThem() {
        String start = given().auth().oauth2(gmail).get(GMAIL + "profile").then().extract().path("historyId");
        for (String id : List.of("n1", "n2", "n3")) {
            given().contentType("application/json").body(message(id, 9_000, List.of("INBOX")))
                    .post("/_emulator/google/users/" + USER + "/messages").then().statusCode(200);
        }
        String now = given().auth().oauth2(gmail).get(GMAIL + "profile").then().extract().path("historyId");

        omit("/history$", 1.0);
        JsonPath lost = given().auth().oauth2(gmail).queryParam("startHistoryId", start).get(GMAIL + "history")
                .then().statusCode(200).extract().jsonPath();
        assertThat(lost.getList("history")).isNull();
        assertThat(lost.getString("historyId")).isEqualTo(now);

        clear();
        JsonPath kept = given().auth().oauth2(gmail).queryParam("startHistoryId", start).get(GMAIL + "history")
                .then().statusCode(200).extract().jsonPath();
        assertThat(kept.getList("history")).as("dropped from that response only, not from the mailbox").hasSize(3);
    }

    @Test
    void eventsListDropsEventsAndItsSyncTokenStillMovesPastThem() {
        omit("/events$", 1.0);
        JsonPath lost = given().auth().oauth2(calendar).queryParam("singleEvents", true).get(EVENTS)
                .then().statusCode(200).extract().jsonPath();
        assertThat(lost.getList("items")).isEmpty();
        String syncToken = lost.getString("nextSyncToken");
        assertThat(syncToken).isNotBlank();

        clear();
        assertThat(given().auth().oauth2(calendar).queryParam("syncToken", syncToken).get(EVENTS)
                .then().statusCode(200).extract().jsonPath().getList("items")).as("nothing changed since").isEmpty();
        assertThat(given().auth().oauth2(calendar).queryParam("singleEvents", true).get(EVENTS)
                .then().statusCode(200).extract().jsonPath().getList("items")).hasSize(2);
    }
}

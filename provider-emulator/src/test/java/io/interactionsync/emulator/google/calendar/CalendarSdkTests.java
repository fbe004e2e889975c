package io.interactionsync.emulator.google.calendar;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.util.DateTime;
import com.google.api.services.calendar.Calendar;
import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.EventAttendee;
import com.google.api.services.calendar.model.Events;
import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The official Calendar SDK (google-api-services-calendar) against generated calendars. */
class CalendarSdkTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private Calendar client(String email) {
        String token = GoogleFlow.accessToken(email, GoogleFlow.CALENDAR_READONLY);
        return new Calendar.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(),
                request -> request.getHeaders().setAuthorization("Bearer " + token))
                .setRootUrl(EMULATOR.baseUrl() + "/www.googleapis.com/").setApplicationName("emulator-tests").build();
    }

    private String generate() {
        return given().contentType("application/json")
                .body(Map.of("seed", 5, "googleUsers", 3, "messagesPerMailbox", 10, "eventsPerCalendar", 80, "anchor", "2026-11-24"))
                .post("/_emulator/generate").then().statusCode(200).extract().path("google[0].email");
    }

    private static List<Event> fullSync(Calendar calendar, boolean showDeleted, String[] syncTokenOut) throws IOException {
        List<Event> all = new ArrayList<>();
        String pageToken = null;
        Events page;
        do {
            page = calendar.events().list("primary").setSingleEvents(true).setShowDeleted(showDeleted)
                    .setTimeMin(new DateTime("2024-11-24T00:00:00Z")).setMaxResults(50).setPageToken(pageToken).execute();
            all.addAll(page.getItems());
            pageToken = page.getNextPageToken();
        } while (pageToken != null);
        syncTokenOut[0] = page.getNextSyncToken();
        return all;
    }

    @Test
    void fullSyncOfAGeneratedCalendarParsesEveryKindOfEvent() throws IOException {
        Calendar calendar = client(generate());
        String[] token = new String[1];
        List<Event> events = fullSync(calendar, true, token);
        assertThat(token[0]).isNotBlank();
        assertThat(events).anyMatch(e -> e.getRecurringEventId() != null && "confirmed".equals(e.getStatus()));
        assertThat(events).anyMatch(e -> "cancelled".equals(e.getStatus()));
        assertThat(events).anyMatch(e -> e.getStart() != null && e.getStart().getDate() != null);
        assertThat(events).anyMatch(e -> "focusTime".equals(e.getEventType()));
        List<EventAttendee> attendees = events.stream().filter(e -> e.getAttendees() != null)
                .flatMap(e -> e.getAttendees().stream()).toList();
        assertThat(attendees).anyMatch(a -> Boolean.TRUE.equals(a.getResource()));
        assertThat(attendees).anyMatch(a -> "declined".equals(a.getResponseStatus()));
        assertThat(attendees).anyMatch(a -> "tentative".equals(a.getResponseStatus()));
        assertThat(attendees).anyMatch(a -> Boolean.TRUE.equals(a.getSelf()));
    }

    @Test
    void incrementalSyncAndExpiredTokenThroughTheSdk() throws IOException {
        String email = generate();
        Calendar calendar = client(email);
        String[] token = new String[1];
        fullSync(calendar, false, token);
        Events none = calendar.events().list("primary").setSingleEvents(true).setSyncToken(token[0]).execute();
        assertThat(none.getItems()).isEmpty();
        given().post("/_emulator/google/users/" + email + "/expire-sync-tokens").then().statusCode(204);
        assertThatThrownBy(() -> calendar.events().list("primary").setSyncToken(token[0]).execute())
                .isInstanceOfSatisfying(GoogleJsonResponseException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(410);
                    assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("fullSyncRequired");
                });
    }
}

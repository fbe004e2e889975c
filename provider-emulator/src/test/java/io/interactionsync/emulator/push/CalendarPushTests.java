package io.interactionsync.emulator.push;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.interactionsync.emulator.support.PushReceiver;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CalendarPushTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String USER = "cal@acme.test";
    private static final String EVENTS = "/_emulator/google/users/" + USER + "/events";

    private PushReceiver receiver;
    private String token;

    @BeforeEach
    void setUp() {
        receiver = PushReceiver.start();
        GoogleFlow.putUser(USER, "Cal", List.of());
        token = GoogleFlow.accessToken(USER, "openid email " + GoogleFlow.CALENDAR_READONLY);
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    private ValidatableResponse watch(Map<String, Object> body) {
        return given().auth().oauth2(token).contentType("application/json").body(body)
                .post("/www.googleapis.com/calendar/v3/calendars/primary/events/watch").then();
    }

    private Map<String, Object> channel(String id, String ttl) {
        Map<String, Object> body = new HashMap<>(Map.of("id", id, "type", "web_hook", "address", receiver.url("/calendar"),
                "token", "channel-secret"));
        if (ttl != null) {
            body.put("params", Map.of("ttl", ttl));
        }
        return body;
    }

    private static String addEvent(String summary) {
        return given().contentType("application/json").body(Map.of("summary", summary,
                "start", Map.of("dateTime", "2026-03-03T10:00:00Z"), "end", Map.of("dateTime", "2026-03-03T10:30:00Z")))
                .post(EVENTS).then().statusCode(200).extract().path("events[0].id");
    }

    private void nothingMoreThan(int count) {
        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3))
                .until(() -> receiver.notifications("/calendar").size() == count);
    }

    @Test
    void aChannelGetsSyncThenExistsForEveryChangeWithIncreasingMessageNumbers() {
        long before = System.currentTimeMillis();
        JsonPath channel = watch(channel("chan-1", "3600")).statusCode(200).body("kind", equalTo("api#channel"))
                .body("id", equalTo("chan-1")).body("token", equalTo("channel-secret"))
                .body("resourceUri", startsWith(EMULATOR.baseUrl() + "/www.googleapis.com/calendar/v3/calendars/primary/events"))
                .extract().jsonPath();
        long expiration = Long.parseLong(channel.getString("expiration"));
        assertThat(expiration).isBetween(before + 3_600_000L, System.currentTimeMillis() + 3_600_000L);
        String resourceId = channel.getString("resourceId");
        assertThat(resourceId).isNotBlank();

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.notifications("/calendar").size() == 1);
        PushReceiver.Received sync = receiver.notifications("/calendar").get(0);
        assertThat(sync.method()).isEqualTo("POST");
        assertThat(sync.body()).isEmpty();
        assertThat(sync.header("X-Goog-Resource-State")).isEqualTo("sync");
        assertThat(sync.header("X-Goog-Message-Number")).isEqualTo("1");
        assertThat(sync.header("X-Goog-Channel-ID")).isEqualTo("chan-1");
        assertThat(sync.header("X-Goog-Channel-Token")).isEqualTo("channel-secret");
        assertThat(sync.header("X-Goog-Resource-ID")).isEqualTo(resourceId);
        assertThat(sync.header("X-Goog-Resource-URI")).isEqualTo(channel.getString("resourceUri"));
        assertThat(ZonedDateTime.parse(sync.header("X-Goog-Channel-Expiration"), DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant().toEpochMilli()).isEqualTo(expiration / 1000 * 1000);

        String id = addEvent("Standup");
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.notifications("/calendar").size() == 2);
        given().delete(EVENTS + "/" + id).then().statusCode(204);
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.notifications("/calendar").size() == 3);
        List<PushReceiver.Received> all = receiver.notifications("/calendar");
        assertThat(all.subList(1, 3)).allSatisfy(r -> {
            assertThat(r.header("X-Goog-Resource-State")).isEqualTo("exists");
            assertThat(r.header("X-Goog-Channel-ID")).isEqualTo("chan-1");
        });
        assertThat(all.stream().map(r -> Integer.parseInt(r.header("X-Goog-Message-Number"))).sorted().toList())
                .containsExactly(1, 2, 3);
    }

    @Test
    void watchRejectsBadChannelsAsGoogleDoes() {
        Map<String, Object> email = channel("chan-e", null);
        email.put("type", "email");
        watch(email).statusCode(400).body("error.errors[0].reason", equalTo("push.channelTypeNotSupported"));
        Map<String, Object> noAddress = channel("chan-a", null);
        noAddress.remove("address");
        watch(noAddress).statusCode(400).body("error.errors[0].reason", equalTo("required"));
        Map<String, Object> noId = channel("x", null);
        noId.remove("id");
        watch(noId).statusCode(400).body("error.code", equalTo(400));
        watch(channel("chan-dup", null)).statusCode(200);
        watch(channel("chan-dup", null)).statusCode(400).body("error.errors[0].reason", equalTo("channelIdNotUnique"));
        given().auth().oauth2(token).contentType("application/json").body(channel("chan-other", null))
                .post("/www.googleapis.com/calendar/v3/calendars/someone-else@acme.test/events/watch").then().statusCode(404);
    }

    @Test
    void theTtlDefaultsToAWeekAndIsCappedByTheConfiguredMaximum() {
        long before = System.currentTimeMillis();
        long week = Long.parseLong(watch(channel("chan-week", null)).statusCode(200).extract().path("expiration"));
        assertThat(week - before).isBetween(604_800_000L, 604_800_000L + 5_000);
        given().contentType("application/json").body(Map.of("calendarChannelMaxTtlSeconds", 60)).put("/_emulator/config")
                .then().statusCode(200);
        long capped = Long.parseLong(watch(channel("chan-cap", "86400")).statusCode(200).extract().path("expiration"));
        assertThat(capped - before).isBetween(60_000L, 65_000L);
    }

    @Test
    void stopEndsTheChannelAndAnUnknownChannelIs404() {
        String resourceId = watch(channel("chan-stop", null)).statusCode(200).extract().path("resourceId");
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.notifications("/calendar").size() == 1);
        given().auth().oauth2(token).contentType("application/json").body(Map.of("id", "chan-stop", "resourceId", resourceId))
                .post("/www.googleapis.com/calendar/v3/channels/stop").then().statusCode(204);
        addEvent("After stop");
        nothingMoreThan(1);
        given().auth().oauth2(token).contentType("application/json").body(Map.of("id", "chan-stop", "resourceId", resourceId))
                .post("/www.googleapis.com/calendar/v3/channels/stop").then().statusCode(404)
                .body("error.code", equalTo(404)).body("error.errors[0].reason", equalTo("notFound"))
                .body("error.message", startsWith("Channel 'chan-stop' not found for project"));
    }

    @Test
    void anExpiredChannelSendsNothing() {
        long expiration = Long.parseLong(watch(channel("chan-short", "1")).statusCode(200).extract().path("expiration"));
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.notifications("/calendar").size() == 1);
        await().atMost(Duration.ofSeconds(3)).until(() -> System.currentTimeMillis() > expiration);
        addEvent("Too late");
        nothingMoreThan(1);
        given().get("/_emulator/push").then().body("calendarChannels.size()", equalTo(0));
    }
}

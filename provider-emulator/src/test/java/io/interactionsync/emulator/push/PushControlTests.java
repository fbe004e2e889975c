package io.interactionsync.emulator.push;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.interactionsync.emulator.support.MicrosoftFlow;
import io.interactionsync.emulator.support.PushReceiver;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PushControlTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String USER = "ctl@acme.test";

    private PushReceiver receiver;
    private String token;

    @BeforeEach
    void setUp() {
        receiver = PushReceiver.start();
        GoogleFlow.putUser(USER, "Ctl", List.of());
        token = GoogleFlow.accessToken(USER, "openid email " + GoogleFlow.CALENDAR_READONLY);
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    private static void push(Map<String, Object> settings) {
        given().contentType("application/json").body(settings).put("/_emulator/push").then().statusCode(200);
    }

    /** Opens a Calendar channel: its {@code sync} message is one notification. */
    private long openChannel(String id) {
        long at = System.currentTimeMillis();
        given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("id", id, "type", "web_hook", "address", receiver.url("/hook"), "token", "tok-" + id))
                .post("/www.googleapis.com/calendar/v3/calendars/primary/events/watch").then().statusCode(200);
        return at;
    }

    private int counter(String kind, String name) {
        return given().get("/_emulator/push").jsonPath().getInt("counters." + kind + "." + name);
    }

    @Test
    void settingsArePartialUpdatesAndBadOnesAreRejected() {
        given().get("/_emulator/push").then().statusCode(200).body("delayMs", equalTo(0)).body("lossRate", equalTo(0.0f))
                .body("duplicate", equalTo(0.0f)).body("counters.gmail.sent", equalTo(0))
                .body("counters.lifecycle.givenUp", equalTo(0));
        push(Map.of("delayMs", 250));
        push(Map.of("lossRate", 0.5, "seed", 7));
        given().get("/_emulator/push").then().body("delayMs", equalTo(250)).body("lossRate", equalTo(0.5f))
                .body("seed", equalTo(7));
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("loss", 1), Map.of("lossRate", 1.5),
                Map.of("duplicate", "yes"), Map.of("delayMs", -1), Map.of("delayMs", 0.5))) {
            given().contentType("application/json").body(bad).put("/_emulator/push").then().statusCode(400)
                    .body("error", equalTo("bad_request"));
        }
        given().get("/_emulator/push").then().body("delayMs", equalTo(250));
        given().post("/_emulator/reset").then().statusCode(204);
        given().get("/_emulator/push").then().body("delayMs", equalTo(0)).body("lossRate", equalTo(0.0f));
    }

    @Test
    void lossRateOneDeliversNothingAndCountsItLost() {
        push(Map.of("lossRate", 1));
        openChannel("lost-1");
        given().contentType("application/json").body(Map.of("summary", "x", "start", Map.of("dateTime", "2026-03-03T10:00:00Z"),
                "end", Map.of("dateTime", "2026-03-03T11:00:00Z"))).post("/_emulator/google/users/" + USER + "/events")
                .then().statusCode(200);
        await().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(3)).until(() -> receiver.all().isEmpty());
        assertThat(counter("calendar", "lost")).isEqualTo(2);
        assertThat(counter("calendar", "sent")).isZero();
    }

    @Test
    void duplicateSendsEveryDeliveryTwice() {
        push(Map.of("duplicate", true));
        openChannel("dup-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.notifications("/hook").size() == 2);
        assertThat(receiver.notifications("/hook")).allSatisfy(r ->
                assertThat(r.header("X-Goog-Message-Number")).isEqualTo("1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> counter("calendar", "sent") == 2);
        assertThat(counter("calendar", "duplicated")).isEqualTo(1);
    }

    @Test
    void delayMsHoldsEveryDeliveryBack() {
        push(Map.of("delayMs", 700));
        long opened = openChannel("late-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.notifications("/hook").size() == 1);
        assertThat(receiver.notifications("/hook").get(0).atMillis() - opened).isGreaterThanOrEqualTo(700);
    }

    @Test
    void aFailedDeliveryIsRetriedWithBackoffUntilItSucceeds() {
        receiver.answer(500, 503);
        openChannel("retry-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.notifications("/hook").size() == 3);
        List<PushReceiver.Received> attempts = receiver.notifications("/hook");
        assertThat(attempts).allSatisfy(r -> assertThat(r.header("X-Goog-Message-Number")).isEqualTo("1"));
        assertThat(attempts.get(1).atMillis() - attempts.get(0).atMillis()).isGreaterThanOrEqualTo(100);
        assertThat(attempts.get(2).atMillis() - attempts.get(1).atMillis()).isGreaterThanOrEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> counter("calendar", "sent") == 1);
        assertThat(counter("calendar", "failedAttempts")).isEqualTo(2);
        assertThat(counter("calendar", "givenUp")).isZero();
    }

    @Test
    void retriesBackOffFrom100MillisecondsDoublingToTenSecondsForTenAttempts() {
        assertThat(java.util.stream.IntStream.rangeClosed(1, 9).mapToLong(Deliverer::backoff).boxed().toList())
                .containsExactly(100L, 200L, 400L, 800L, 1_600L, 3_200L, 6_400L, 10_000L, 10_000L);
        assertThat(Deliverer.MAX_ATTEMPTS).isEqualTo(10);
    }

    @Test
    void theStateListsWhatIsActiveWithoutSecrets() {
        openChannel("listed-1");
        given().auth().oauth2(GoogleFlow.gmailToken(USER)).contentType("application/json")
                .body(Map.of("topicName", "projects/p/topics/t")).post("/gmail.googleapis.com/gmail/v1/users/me/watch")
                .then().statusCode(200);
        MicrosoftFlow.putUser("dana@contoso.test", Map.of("displayName", "Dana"));
        String ms = MicrosoftFlow.tokens("dana@contoso.test", MicrosoftFlow.SCOPES).getString("access_token");
        given().auth().oauth2(ms).contentType("application/json").body(Map.of("changeType", "created",
                "notificationUrl", receiver.url("/graph"), "resource", "me/messages", "clientState", "very-secret-state",
                "expirationDateTime", Instant.now().plus(1, ChronoUnit.HOURS).toString()))
                .post("/graph.microsoft.com/v1.0/subscriptions").then().statusCode(201);
        String state = given().get("/_emulator/push").then().statusCode(200)
                .body("gmailWatches[0].user", equalTo(USER)).body("calendarChannels[0].id", equalTo("listed-1")).body("calendarChannels[0].user", equalTo(USER))
                .body("graphSubscriptions[0].creator", equalTo("dana@contoso.test"))
                .body("graphSubscriptions[0].mailbox", equalTo("dana@contoso.test"))
                .extract().asString();
        assertThat(state).doesNotContain("very-secret-state").doesNotContain("tok-listed-1");
        given().contentType("application/json").body(Map.of("email", USER)).post("/_emulator/revoke").then()
                .statusCode(200).body("pushStopped.calendarChannels", equalTo(1)).body("pushStopped.gmailWatches", equalTo(1));
        given().get("/_emulator/push").then().body("calendarChannels.size()", equalTo(0)).body("gmailWatches.size()", equalTo(0))
                .body("graphSubscriptions.size()", equalTo(1));
        given().post("/_emulator/reset").then().statusCode(204);
        given().get("/_emulator/push").then().body("graphSubscriptions.size()", equalTo(0));
    }
}

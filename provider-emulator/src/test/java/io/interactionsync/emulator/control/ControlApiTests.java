package io.interactionsync.emulator.control;

import static io.interactionsync.emulator.support.GoogleFlow.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ControlApiTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String USER = "/_emulator/google/users/carol@acme.test";

    @Test
    void healthIsUp() {
        given().get("/_emulator/health").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void putUserReplacesTheUserAndKeepsHistoryIdsIncreasing() {
        GoogleFlow.putUser("carol@acme.test", "Carol", List.of(message("c1", 1_000, List.of("INBOX"))));
        long before = Long.parseLong(given().get(USER).then().statusCode(200).body("messages", equalTo(1))
                .extract().path("historyId"));
        GoogleFlow.putUser("carol@acme.test", "Carol C", List.of());
        JsonPath after = given().get(USER).then().statusCode(200).extract().jsonPath();
        assertThat(after.getInt("messages")).isZero();
        assertThat(after.getString("name")).isEqualTo("Carol C");
        assertThat(Long.parseLong(after.getString("historyId"))).isGreaterThanOrEqualTo(before);
    }

    @Test
    void postedMessagesGetIdsThreadIdsAndIncreasingHistoryIds() {
        GoogleFlow.putUser("carol@acme.test", "Carol", List.of());
        JsonPath one = given().contentType("application/json")
                .body(Map.of("labelIds", List.of("INBOX"), "payload", Map.of("mimeType", "text/plain",
                        "headers", List.of(Map.of("name", "Date", "value", "Tue, 3 Mar 2026 09:15:02 -0800")))))
                .post(USER + "/messages").then().statusCode(200).extract().jsonPath();
        String id = one.getString("messages[0].id");
        assertThat(id).matches("[0-9a-f]{16}");
        assertThat(one.getString("messages[0].threadId")).isEqualTo(id);
        assertThat(one.getString("messages[0].internalDate")).isEqualTo("1772558102000");
        JsonPath two = given().contentType("application/json")
                .body(List.of(message("x1", 5, List.of("INBOX")), message("x2", 6, List.of("INBOX"))))
                .post(USER + "/messages").then().statusCode(200).extract().jsonPath();
        long h0 = Long.parseLong(one.getString("messages[0].historyId"));
        long h1 = Long.parseLong(two.getString("messages[0].historyId"));
        long h2 = Long.parseLong(two.getString("messages[1].historyId"));
        assertThat(h1).isGreaterThan(h0);
        assertThat(h2).isGreaterThan(h1);
    }

    @Test
    void deletingAMessageRemovesItAndUnknownIdsAre404() {
        GoogleFlow.putUser("carol@acme.test", "Carol", List.of(message("c1", 1_000, List.of("INBOX"))));
        given().delete(USER + "/messages/c1").then().statusCode(204);
        given().get(USER).then().body("messages", equalTo(0));
        given().delete(USER + "/messages/c1").then().statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void eventsCanBeAddedAndDeleted() {
        GoogleFlow.putUser("carol@acme.test", "Carol", List.of());
        String id = given().contentType("application/json")
                .body(Map.of("summary", "Sync", "start", Map.of("dateTime", "2026-03-03T10:00:00Z"),
                        "end", Map.of("dateTime", "2026-03-03T10:30:00Z")))
                .post(USER + "/events").then().statusCode(200).body("events[0].status", equalTo("confirmed"))
                .extract().path("events[0].id");
        assertThat(id).matches("[a-v0-9]{5,}");
        given().delete(USER + "/events/" + id).then().statusCode(204);
        given().delete(USER + "/events/" + id).then().statusCode(404);
    }

    @Test
    void unknownUserIs404() {
        given().contentType("application/json").body(message("x", 1, List.of()))
                .post("/_emulator/google/users/nobody@acme.test/messages").then().statusCode(404)
                .body("message", containsString("nobody@acme.test"));
    }

    @Test
    void badInputIsA400WithAMessage() {
        given().contentType("application/json").body("{not json").put(USER).then().statusCode(400)
                .body("error", equalTo("bad_request")).body("message", containsString("JSON"));
        given().contentType("application/json").body(Map.of("messages", "nope")).put(USER).then().statusCode(400)
                .body("message", containsString("messages"));
        given().contentType("application/json").body(Map.of("name", "X")).put("/_emulator/google/users/not-an-email")
                .then().statusCode(400);
        given().contentType("application/json").body(Map.of("messages", List.of(Map.of("internalDate", "yesterday"))))
                .put(USER).then().statusCode(400).body("message", containsString("internalDate"));
        given().get(USER).then().statusCode(404);
    }

    @Test
    void configAcceptsKnownKeysAndRejectsUnknownOnes() {
        given().contentType("application/json").body(Map.of("gmailUnitsPerUserPerMinute", 600, "latencyMs", 5))
                .put("/_emulator/config").then().statusCode(200)
                .body("gmailUnitsPerUserPerMinute", equalTo(600)).body("latencyMs", equalTo(5))
                .body("gmailUnitsPerProjectPerMinute", equalTo(1_200_000));
        given().contentType("application/json").body(Map.of("bogus", 1)).put("/_emulator/config").then()
                .statusCode(400).body("message", containsString("bogus"));
        given().contentType("application/json").body(Map.of("accessTokenTtlSeconds", -1)).put("/_emulator/config")
                .then().statusCode(400);
    }

    @Test
    void resetForgetsUsersAndRestoresDefaultConfig() {
        GoogleFlow.putUser("carol@acme.test", "Carol", List.of());
        given().contentType("application/json").body(Map.of("accessTokenTtlSeconds", 5)).put("/_emulator/config");
        given().post("/_emulator/reset").then().statusCode(204);
        given().get(USER).then().statusCode(404);
        given().get("/_emulator/config").then().body("accessTokenTtlSeconds", equalTo(3600));
    }

    @Test
    void statsCountRequestsAndQuotaUnitsPerUserAndMethod() {
        GoogleFlow.putUser("carol@acme.test", "Carol", List.of(message("c1", 1_000, List.of("INBOX"))));
        String token = GoogleFlow.gmailToken("carol@acme.test");
        given().auth().oauth2(token).get("/gmail.googleapis.com/gmail/v1/users/me/profile").then().statusCode(200);
        given().auth().oauth2(token).get("/gmail.googleapis.com/gmail/v1/users/me/messages").then().statusCode(200);
        given().auth().oauth2(token).queryParam("format", "metadata")
                .get("/gmail.googleapis.com/gmail/v1/users/me/messages/c1").then().statusCode(200);
        given().get("/_emulator/stats").then().statusCode(200)
                .body("users.'carol@acme.test'.requests", equalTo(3))
                .body("users.'carol@acme.test'.quotaUnits", equalTo(11))
                .body("users.'carol@acme.test'.throttled", equalTo(0))
                .body("users.'carol@acme.test'.methods.'users.messages.get'.quotaUnits", equalTo(5));
    }
}

package io.interactionsync.emulator.google.gmail;

import static io.interactionsync.emulator.support.GoogleFlow.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GmailHistoryAndThreadsTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String USERS = "/gmail.googleapis.com/gmail/v1/users/me/";
    private static final String CONTROL = "/_emulator/google/users/hist@acme.test";
    private String token;

    private static Map<String, Object> inThread(String id, String thread, long date, List<String> labels) {
        Map<String, Object> m = new HashMap<>(message(id, date, labels, "Subject", "s-" + id));
        m.put("threadId", thread);
        return m;
    }

    @BeforeEach
    void load() {
        GoogleFlow.putUser("hist@acme.test", "Hist", List.of(
                inThread("t1a", "t1a", 1000, List.of("INBOX")),
                inThread("t1b", "t1a", 3000, List.of("SENT")),
                inThread("t2a", "t2a", 2000, List.of("INBOX", "UNREAD")),
                inThread("t3a", "t3a", 4000, List.of("SPAM"))));
        token = GoogleFlow.gmailToken("hist@acme.test");
    }

    private RequestSpecification authed() {
        return given().auth().oauth2(token);
    }

    private String profileHistoryId() {
        return authed().get(USERS + "profile").then().extract().path("historyId");
    }

    @Test
    void threadsListOrdersByLatestActivityAndSkipsSpam() {
        authed().get(USERS + "threads").then().statusCode(200)
                .body("threads.id", contains("t1a", "t2a"))
                .body("threads[0].snippet", equalTo("snippet of t1b"))
                .body("resultSizeEstimate", equalTo(2));
        authed().queryParam("labelIds", "INBOX", "SENT").get(USERS + "threads").then()
                .body("threads.id", contains("t1a"));
    }

    @Test
    void threadsListForbidsQ() {
        authed().queryParam("q", "x").get(USERS + "threads").then().statusCode(403)
                .body("error.errors[0].reason", equalTo("forbidden"));
    }

    @Test
    void threadsGetReturnsAllMessagesOldestFirstWithFilteredHeaders() {
        JsonPath thread = authed().queryParam("format", "metadata").queryParam("metadataHeaders", "subject")
                .get(USERS + "threads/t1a").then().statusCode(200).extract().jsonPath();
        assertThat(thread.getString("id")).isEqualTo("t1a");
        assertThat(thread.getList("messages.id")).containsExactly("t1a", "t1b");
        assertThat(thread.getList("messages[0].payload.headers.name")).containsExactly("Subject");
        assertThat(Long.parseLong(thread.getString("historyId")))
                .isEqualTo(Long.parseLong(thread.getString("messages[1].historyId")));
        authed().get(USERS + "threads/t1a").then().statusCode(403);
        authed().queryParam("format", "minimal").get(USERS + "threads/nope").then().statusCode(404)
                .body("error.errors[0].reason", equalTo("notFound"));
    }

    @Test
    void historyWithoutChangesHasOnlyTheHistoryId() {
        String start = profileHistoryId();
        JsonPath body = authed().queryParam("startHistoryId", start).get(USERS + "history").then().statusCode(200)
                .body("$", not(hasKey("history"))).extract().jsonPath();
        assertThat(body.getString("historyId")).isEqualTo(start);
    }

    @Test
    void historyReportsAddedDeletedAndLabelChangesInIncreasingOrder() {
        String start = profileHistoryId();
        given().contentType("application/json").body(message("n1", 9000, List.of("INBOX", "UNREAD")))
                .post(CONTROL + "/messages").then().statusCode(200);
        given().contentType("application/json").body(Map.of("add", List.of("STARRED"), "remove", List.of("UNREAD")))
                .post(CONTROL + "/messages/n1/labels").then().statusCode(200);
        given().delete(CONTROL + "/messages/t2a").then().statusCode(204);

        JsonPath body = authed().queryParam("startHistoryId", start).get(USERS + "history").then().statusCode(200)
                .extract().jsonPath();
        List<String> ids = body.getList("history.id");
        assertThat(ids).hasSize(3);
        assertThat(ids.stream().map(Long::parseLong).toList()).isSorted();
        assertThat(body.getString("history[0].messagesAdded[0].message.id")).isEqualTo("n1");
        assertThat(body.getList("history[0].messagesAdded[0].message.labelIds")).contains("INBOX");
        assertThat(body.getString("history[1].labelsAdded[0].message.id")).isEqualTo("n1");
        assertThat(body.getList("history[1].labelsAdded[0].labelIds")).containsExactly("STARRED");
        assertThat(body.getList("history[1].labelsRemoved[0].labelIds")).containsExactly("UNREAD");
        assertThat(body.getString("history[2].messagesDeleted[0].message.id")).isEqualTo("t2a");
        assertThat(body.getString("history[2].messages[0].threadId")).isEqualTo("t2a");
        assertThat(body.getString("historyId")).isEqualTo(ids.get(2));

        authed().queryParam("startHistoryId", start).queryParam("historyTypes", "messageDeleted")
                .get(USERS + "history").then().body("history.size()", equalTo(1));
        authed().queryParam("startHistoryId", start).queryParam("labelId", "STARRED")
                .get(USERS + "history").then().body("history.size()", equalTo(1));
    }

    @Test
    void archivingTrashingAndUntrashingAreLabelChangesInTheHistory() {
        String start = profileHistoryId();
        given().contentType("application/json").body(Map.of("remove", List.of("INBOX")))
                .post(CONTROL + "/messages/t2a/labels").then().statusCode(200);
        given().post(CONTROL + "/messages/t1a/trash").then().statusCode(200)
                .body("labelIds", contains("TRASH"));
        given().post(CONTROL + "/messages/t1a/untrash").then().statusCode(200)
                .body("labelIds.size()", equalTo(0));
        given().post(CONTROL + "/messages/nope/trash").then().statusCode(404);

        JsonPath body = authed().queryParam("startHistoryId", start).get(USERS + "history").then().statusCode(200)
                .extract().jsonPath();
        assertThat(body.getList("history.id")).hasSize(3);
        // Archive: INBOX removed, nothing added.
        assertThat(body.getString("history[0].labelsRemoved[0].message.id")).isEqualTo("t2a");
        assertThat(body.getList("history[0].labelsRemoved[0].labelIds")).containsExactly("INBOX");
        assertThat(body.getList("history[0].labelsRemoved[0].message.labelIds")).containsExactly("UNREAD");
        assertThat(body.getList("history[0].labelsAdded")).isNull();
        // Trash: TRASH added and INBOX removed under one history id; the message's labels are those after the change.
        assertThat(body.getList("history[1].labelsAdded[0].labelIds")).containsExactly("TRASH");
        assertThat(body.getList("history[1].labelsAdded[0].message.labelIds")).containsExactly("TRASH");
        assertThat(body.getList("history[1].labelsRemoved[0].labelIds")).containsExactly("INBOX");
        // Untrash: TRASH removed.
        assertThat(body.getString("history[2].labelsRemoved[0].message.id")).isEqualTo("t1a");
        assertThat(body.getList("history[2].labelsRemoved[0].labelIds")).containsExactly("TRASH");
        // A trashed message leaves the default listing; back after untrash (archived: no INBOX).
        authed().get(USERS + "messages").then().body("messages.id", contains("t1b", "t2a", "t1a"));
        authed().queryParam("labelIds", "INBOX").get(USERS + "messages").then().body("resultSizeEstimate", equalTo(0));
    }

    @Test
    void historyPagesWithNextPageToken() {
        String start = profileHistoryId();
        for (int i = 0; i < 5; i++) {
            given().contentType("application/json").body(message("p" + i, 10_000 + i, List.of("INBOX")))
                    .post(CONTROL + "/messages").then().statusCode(200);
        }
        JsonPath first = authed().queryParam("startHistoryId", start).queryParam("maxResults", 3)
                .get(USERS + "history").then().extract().jsonPath();
        assertThat(first.getList("history")).hasSize(3);
        JsonPath second = authed().queryParam("startHistoryId", start).queryParam("maxResults", 3)
                .queryParam("pageToken", first.getString("nextPageToken")).get(USERS + "history").then().extract().jsonPath();
        assertThat(second.getList("history")).hasSize(2);
        assertThat(second.getString("nextPageToken")).isNull();
    }

    @Test
    void expiredHistoryIsNotFound() {
        String start = profileHistoryId();
        given().post(CONTROL + "/expire-history").then().statusCode(200);
        authed().queryParam("startHistoryId", start).get(USERS + "history").then().statusCode(404)
                .body("error.code", equalTo(404)).body("error.errors[0].reason", equalTo("notFound"))
                .body("error.message", equalTo("Requested entity was not found."));
        authed().queryParam("startHistoryId", profileHistoryId()).get(USERS + "history").then().statusCode(200);
    }

    @Test
    void historyNeedsAStartHistoryId() {
        authed().get(USERS + "history").then().statusCode(400);
    }

    @Test
    void watchReturnsHistoryIdAndExpirationAndStopEndsIt() {
        authed().contentType("application/json").body(Map.of("topicName", "projects/p/topics/gmail", "labelIds", List.of("INBOX")))
                .post(USERS + "watch").then().statusCode(200)
                .body("historyId", equalTo(profileHistoryId()));
        authed().post(USERS + "stop").then().statusCode(204);
        authed().contentType("application/json").body(Map.of("labelIds", List.of("INBOX")))
                .post(USERS + "watch").then().statusCode(400);
        given().get("/_emulator/stats").then()
                .body("users.'hist@acme.test'.methods.'users.stop'.quotaUnits", equalTo(50))
                .body("users.'hist@acme.test'.methods.'users.watch'.requests", equalTo(2));
    }
}

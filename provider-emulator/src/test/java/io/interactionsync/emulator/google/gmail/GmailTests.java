package io.interactionsync.emulator.google.gmail;

import static io.interactionsync.emulator.support.GoogleFlow.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GmailTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String USERS = "/gmail.googleapis.com/gmail/v1/users/";
    private static final long T = 1_760_000_000_000L;
    private String token;

    @BeforeEach
    void loadMailbox() {
        GoogleFlow.putUser("alice@acme.test", "Alice Anderson", List.of(
                message("a1", T + 1000, List.of("INBOX", "UNREAD", "CATEGORY_PERSONAL"),
                        "From", "Bob <bob@ext.example>", "To", "alice@acme.test", "Subject", "Hello", "X-Other", "x"),
                message("a2", T + 2000, List.of("SENT"), "From", "alice@acme.test", "To", "bob@ext.example"),
                message("a3", T + 3000, List.of("INBOX", "SENT"), "From", "alice@acme.test", "To", "alice@acme.test"),
                message("a4", T + 4000, List.of("SPAM", "UNREAD"), "From", "spam@x.example"),
                message("a5", T + 5000, List.of("TRASH"), "From", "old@x.example")));
        token = GoogleFlow.gmailToken("alice@acme.test");
    }

    private RequestSpecification authed() {
        return given().auth().oauth2(token);
    }

    @Test
    void missingTokenIsUnauthenticatedLoginRequired() {
        given().get(USERS + "me/profile").then().statusCode(401)
                .body("error.code", equalTo(401)).body("error.status", equalTo("UNAUTHENTICATED"))
                .body("error.errors[0].reason", equalTo("required"))
                .body("error.errors[0].location", equalTo("Authorization"));
    }

    @Test
    void unknownTokenIsInvalidCredentials() {
        given().auth().oauth2("ya29.unknown").get(USERS + "me/profile").then().statusCode(401)
                .body("error.code", equalTo(401))
                .body("error.message", containsString("Request had invalid authentication credentials"))
                .body("error.errors[0].message", equalTo("Invalid Credentials"))
                .body("error.errors[0].domain", equalTo("global"))
                .body("error.errors[0].reason", equalTo("authError"))
                .body("error.errors[0].location", equalTo("Authorization"))
                .body("error.errors[0].locationType", equalTo("header"))
                .body("error.status", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void tokenWithoutAGmailScopeIsInsufficientPermissions() {
        String calendarOnly = GoogleFlow.accessToken("alice@acme.test", GoogleFlow.CALENDAR_READONLY);
        given().auth().oauth2(calendarOnly).get(USERS + "me/messages").then().statusCode(403)
                .body("error.errors[0].reason", equalTo("insufficientPermissions"))
                .body("error.status", equalTo("PERMISSION_DENIED"));
    }

    @Test
    void profileReportsAddressCountsAndCurrentHistoryId() {
        JsonPath profile = authed().get(USERS + "me/profile").then().statusCode(200).extract().jsonPath();
        assertThat(profile.getString("emailAddress")).isEqualTo("alice@acme.test");
        assertThat(profile.getInt("messagesTotal")).isEqualTo(5);
        assertThat(profile.getInt("threadsTotal")).isEqualTo(5);
        assertThat(Long.parseLong(profile.getString("historyId"))).isGreaterThan(1000);
    }

    @Test
    void ownAddressWorksAsUserIdAndAnyOtherIsDelegationDenied() {
        authed().get(USERS + "alice@acme.test/profile").then().statusCode(200);
        authed().get(USERS + "bob@acme.test/messages").then().statusCode(403)
                .body("error.errors[0].reason", equalTo("forbidden"))
                .body("error.message", equalTo("Delegation denied for alice@acme.test"));
    }

    @Test
    void listIsNewestFirstAndSkipsSpamAndTrash() {
        authed().get(USERS + "me/messages").then().statusCode(200)
                .body("messages.id", contains("a3", "a2", "a1"))
                .body("messages[0].threadId", equalTo("a3"))
                .body("resultSizeEstimate", equalTo(3))
                .body("$", not(hasKey("nextPageToken")));
    }

    @Test
    void listWithoutLabelIdsIsAllMailDraftsChatsAndArchivedIncludedSpamAndTrashNot() {
        GoogleFlow.putUser("all@acme.test", "All", List.of(
                message("b1", T + 1000, List.of("INBOX")),
                message("b2", T + 2000, List.of("CATEGORY_PERSONAL")), // archived
                message("b3", T + 3000, List.of("Label_1")), // archived under a user label
                message("b4", T + 4000, List.of("DRAFT")),
                message("b5", T + 5000, List.of("CHAT")),
                message("b6", T + 6000, List.of("SPAM")),
                message("b7", T + 7000, List.of("TRASH", "Label_1"))));
        String all = GoogleFlow.gmailToken("all@acme.test");
        given().auth().oauth2(all).get(USERS + "me/messages").then().statusCode(200)
                .body("messages.id", contains("b5", "b4", "b3", "b2", "b1")).body("resultSizeEstimate", equalTo(5));
        given().auth().oauth2(all).queryParam("labelIds", "Label_1").get(USERS + "me/messages").then()
                .body("messages.id", contains("b3"));
        given().auth().oauth2(all).queryParam("labelIds", "Label_1").queryParam("includeSpamTrash", true)
                .get(USERS + "me/messages").then().body("messages.id", contains("b7", "b3"));
    }

    @Test
    void includeSpamTrashListsEverything() {
        authed().queryParam("includeSpamTrash", true).get(USERS + "me/messages").then().statusCode(200)
                .body("messages.id", contains("a5", "a4", "a3", "a2", "a1"));
    }

    @Test
    void labelIdsAreAnAnd() {
        authed().queryParam("labelIds", "INBOX").get(USERS + "me/messages").then()
                .body("messages.id", contains("a3", "a1"));
        authed().queryParam("labelIds", "INBOX", "SENT").get(USERS + "me/messages").then()
                .body("messages.id", contains("a3"));
        authed().queryParam("labelIds", "SPAM").get(USERS + "me/messages").then()
                .body("messages.id", contains("a4"));
    }

    @Test
    void emptyResultHasOnlyResultSizeEstimateZero() {
        String body = authed().queryParam("labelIds", "DRAFT").get(USERS + "me/messages").then().statusCode(200)
                .extract().asString();
        assertThat(body.replaceAll("\\s", "")).isEqualTo("{\"resultSizeEstimate\":0}");
    }

    @Test
    void pagesFollowNextPageTokenWithoutGapsOrDuplicates() {
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 1234; i++) {
            many.add(message(String.format("%016x", 0x100000L + i), T + i * 1000L, List.of("INBOX")));
        }
        given().contentType("application/json").body(many).post("/_emulator/google/users/alice@acme.test/messages")
                .then().statusCode(200);
        Set<String> seen = new HashSet<>();
        String pageToken = null;
        int pages = 0;
        do {
            RequestSpecification request = authed().queryParam("labelIds", "INBOX").queryParam("maxResults", 1000);
            if (pageToken != null) {
                request.queryParam("pageToken", pageToken);
            }
            JsonPath page = request.get(USERS + "me/messages").then().statusCode(200).extract().jsonPath();
            List<String> ids = page.getList("messages.id");
            assertThat(ids.size()).isLessThanOrEqualTo(500);
            ids.forEach(id -> assertThat(seen.add(id)).as("duplicate %s", id).isTrue());
            pageToken = page.getString("nextPageToken");
            if (pageToken != null) {
                assertThat(pageToken).matches("[0-9]+");
            }
            pages++;
        } while (pageToken != null);
        assertThat(seen).hasSize(1236);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void defaultPageSizeIs100() {
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            many.add(message(String.format("%016x", 0x200000L + i), T + i, List.of("INBOX")));
        }
        given().contentType("application/json").body(many).post("/_emulator/google/users/alice@acme.test/messages");
        authed().get(USERS + "me/messages").then().body("messages.size()", equalTo(100))
                .body("nextPageToken", not(equalTo(null)));
    }

    @Test
    void invalidPageTokenIsBadRequest() {
        authed().queryParam("pageToken", "abc").get(USERS + "me/messages").then().statusCode(400)
                .body("error.code", equalTo(400));
    }

    @Test
    void queryParameterIsForbiddenUnderMetadataScopeEvenWhenEmpty() {
        for (String q : List.of("in:inbox OR in:sent", "")) {
            authed().queryParam("q", q).get(USERS + "me/messages").then().statusCode(403)
                    .body("error.code", equalTo(403))
                    .body("error.message", equalTo("Metadata scope does not support 'q' parameter"))
                    .body("error.errors[0].reason", equalTo("forbidden"))
                    .body("error.errors[0].domain", equalTo("global"))
                    .body("error.status", equalTo("PERMISSION_DENIED"));
        }
    }

    @Test
    void getMetadataReturnsTheResourceWithFilteredHeaders() {
        JsonPath m = authed().queryParam("format", "metadata").queryParam("metadataHeaders", "from", "SUBJECT")
                .get(USERS + "me/messages/a1").then().statusCode(200).extract().jsonPath();
        assertThat(m.getString("id")).isEqualTo("a1");
        assertThat(m.getString("threadId")).isEqualTo("a1");
        assertThat(m.getList("labelIds")).containsExactly("INBOX", "UNREAD", "CATEGORY_PERSONAL");
        assertThat(m.getString("snippet")).isEqualTo("snippet of a1");
        assertThat(m.getString("internalDate")).isEqualTo(Long.toString(T + 1000));
        assertThat(m.getString("historyId")).matches("[0-9]+");
        assertThat(m.getString("payload.mimeType")).isEqualTo("multipart/alternative");
        assertThat(m.getList("payload.headers.name")).containsExactly("From", "Subject");
        assertThat(m.getInt("sizeEstimate")).isPositive();
    }

    @Test
    void getAndThreadsGetHonourFieldsSoTheSnippetCanBeLeftOut() {
        JsonPath m = authed().queryParam("format", "metadata").queryParam("metadataHeaders", "from")
                .queryParam("fields", "id,threadId,labelIds,internalDate,payload(mimeType,headers)")
                .get(USERS + "me/messages/a1").then().statusCode(200).extract().jsonPath();
        assertThat(m.getString("id")).isEqualTo("a1");
        assertThat(m.getString("snippet")).isNull();
        assertThat(m.getString("historyId")).isNull();
        assertThat(m.getList("payload.headers.name")).containsExactly("From");
        JsonPath t = authed().queryParam("format", "metadata")
                .queryParam("fields", "id,messages(id,payload/headers)")
                .get(USERS + "me/threads/a1").then().statusCode(200).extract().jsonPath();
        assertThat(t.getString("id")).isEqualTo("a1");
        assertThat(t.getString("messages[0].id")).isEqualTo("a1");
        assertThat(t.getString("messages[0].snippet")).isNull();
        authed().queryParam("format", "metadata").queryParam("fields", "id,(")
                .get(USERS + "me/messages/a1").then().statusCode(400);
    }

    @Test
    void getMetadataWithoutFilterReturnsAllHeaders() {
        authed().queryParam("format", "metadata").get(USERS + "me/messages/a1").then().statusCode(200)
                .body("payload.headers.name", contains("From", "To", "Subject", "X-Other"));
    }

    @Test
    void getMinimalHasNoPayload() {
        authed().queryParam("format", "minimal").get(USERS + "me/messages/a1").then().statusCode(200)
                .body("$", not(hasKey("payload"))).body("id", equalTo("a1"));
    }

    @Test
    void fullRawAndDefaultFormatAreForbiddenUnderMetadataScope() {
        authed().get(USERS + "me/messages/a1").then().statusCode(403)
                .body("error.message", equalTo("Metadata scope doesn't allow format FULL"))
                .body("error.errors[0].reason", equalTo("forbidden"));
        authed().queryParam("format", "full").get(USERS + "me/messages/a1").then().statusCode(403);
        authed().queryParam("format", "raw").get(USERS + "me/messages/a1").then().statusCode(403)
                .body("error.message", equalTo("Metadata scope doesn't allow format RAW"));
    }

    @Test
    void unknownMessageIsNotFound() {
        authed().queryParam("format", "metadata").get(USERS + "me/messages/ffffffffffffffff").then().statusCode(404)
                .body("error.code", equalTo(404))
                .body("error.message", equalTo("Requested entity was not found."))
                .body("error.errors[0].reason", equalTo("notFound"))
                .body("error.status", equalTo("NOT_FOUND"));
    }

    @Test
    void metadataScopeStaysRestrictedWhenABroaderScopeIsAlsoGranted() {
        String both = GoogleFlow.accessToken("alice@acme.test",
                GoogleFlow.GMAIL_METADATA + " https://www.googleapis.com/auth/gmail.readonly");
        given().auth().oauth2(both).queryParam("q", "x").get(USERS + "me/messages").then().statusCode(403);
        given().auth().oauth2(both).queryParam("format", "full").get(USERS + "me/messages/a1").then().statusCode(403);
    }
}

package io.interactionsync.emulator.microsoft;

import static io.interactionsync.emulator.support.MicrosoftFlow.SCOPES;
import static io.interactionsync.emulator.support.MicrosoftFlow.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.MicrosoftFlow;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GraphMailDeltaTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String GRAPH = "/graph.microsoft.com/v1.0";
    private String token;

    @BeforeEach
    void load() {
        List<Map<String, Object>> inbox = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            inbox.add(message("m" + i, String.format("2026-03-%02dT10:00:00Z", i + 1), "Subject " + i));
        }
        MicrosoftFlow.putUser("dana@contoso.test", Map.of("displayName", "Dana Diaz",
                "folders", Map.of("inbox", inbox, "sentitems", List.of(message("s1", "2026-03-05T10:00:00Z", "Sent"))),
                "fullAccessTo", List.of("support@contoso.test")));
        given().contentType("application/json").body(Map.of("folders", Map.of("inbox",
                List.of(message("sh1", "2026-03-01T10:00:00Z", "Shared"))))).put("/_emulator/microsoft/shared-mailboxes/support@contoso.test")
                .then().statusCode(200);
        given().contentType("application/json").body(Map.of("folders", Map.of("inbox", List.of())))
                .put("/_emulator/microsoft/shared-mailboxes/finance@contoso.test").then().statusCode(200);
        token = MicrosoftFlow.tokens("dana@contoso.test", SCOPES).getString("access_token");
    }

    private RequestSpecification authed() {
        return given().auth().oauth2(token).urlEncodingEnabled(false);
    }

    private static String path(String link) {
        URI uri = URI.create(link);
        return uri.getRawPath() + "?" + uri.getRawQuery();
    }

    private List<JsonPath> follow(String first, int pageSize) {
        List<JsonPath> pages = new ArrayList<>();
        String next = first;
        while (next != null) {
            JsonPath page = authed().header("Prefer", "odata.maxpagesize=" + pageSize).get(next).then().statusCode(200)
                    .extract().jsonPath();
            pages.add(page);
            String nextLink = page.getString("'@odata.nextLink'");
            next = nextLink == null ? null : path(nextLink);
        }
        return pages;
    }

    @Test
    void meRequiresAToken() {
        given().get(GRAPH + "/me").then().statusCode(401).body("error.code", equalTo("InvalidAuthenticationToken"));
        authed().get(GRAPH + "/me").then().statusCode(200).body("userPrincipalName", equalTo("dana@contoso.test"))
                .body("displayName", equalTo("Dana Diaz"));
    }

    @Test
    void initialDeltaPagesWithNextLinksThenADeltaLinkAndHonoursSelect() {
        List<JsonPath> pages = follow(GRAPH + "/me/mailFolders/inbox/messages/delta()?$select=subject,from,receivedDateTime", 10);
        assertThat(pages).hasSize(3);
        assertThat(pages.get(0).getList("value")).hasSize(10);
        assertThat(pages.get(2).getList("value")).hasSize(5);
        assertThat(pages.get(2).getString("'@odata.deltaLink'")).startsWith(EMULATOR.baseUrl() + "/graph.microsoft.com/v1.0/")
                .contains("$deltatoken=");
        Map<String, Object> first = pages.get(0).getMap("value[0]");
        assertThat(first).containsKeys("id", "subject", "from", "receivedDateTime").doesNotContainKeys("body", "toRecipients");
    }

    @Test
    void defaultPageIsTenAndMaxPageSizeIsCappedAt1000() {
        JsonPath page = authed().get(GRAPH + "/me/mailFolders/inbox/messages/delta").then().statusCode(200).extract().jsonPath();
        assertThat(page.getList("value")).hasSize(10);
        Response big = authed().header("Prefer", "odata.maxpagesize=5000").get(GRAPH + "/me/mailFolders/inbox/messages/delta");
        assertThat(big.header("Preference-Applied")).isEqualTo("odata.maxpagesize=1000");
    }

    @Test
    void mailReadBasicHidesBodyFieldsAndHeadersNeedSelect() {
        JsonPath page = authed().get(GRAPH + "/me/mailFolders/sentitems/messages/delta").then().extract().jsonPath();
        assertThat(page.getMap("value[0]")).containsKeys("subject", "toRecipients")
                .doesNotContainKeys("body", "bodyPreview", "internetMessageHeaders");
        JsonPath selected = authed().get(GRAPH + "/me/mailFolders/sentitems/messages/delta?$select=internetMessageHeaders,body")
                .then().extract().jsonPath();
        assertThat(selected.getMap("value[0]")).containsKey("internetMessageHeaders").doesNotContainKey("body");
    }

    @Test
    void deltaLinkReturnsNewAndRemovedMessages() {
        List<JsonPath> pages = follow(GRAPH + "/me/mailFolders/inbox/messages/delta?$select=subject", 50);
        String deltaLink = path(pages.get(pages.size() - 1).getString("'@odata.deltaLink'"));
        given().contentType("application/json").body(message("new1", "2026-04-01T10:00:00Z", "New"))
                .post("/_emulator/microsoft/users/dana@contoso.test/folders/inbox/messages").then().statusCode(200);
        given().delete("/_emulator/microsoft/users/dana@contoso.test/folders/inbox/messages/m3").then().statusCode(204);
        JsonPath changes = authed().get(deltaLink).then().statusCode(200).extract().jsonPath();
        assertThat(changes.getList("value.id")).containsExactly("new1", "m3");
        assertThat(changes.getMap("value[1]")).containsEntry("@removed", Map.of("reason", "deleted"));
        assertThat(changes.getMap("value[0]")).containsEntry("subject", "New");
        String next = path(changes.getString("'@odata.deltaLink'"));
        authed().get(next).then().statusCode(200).body("value.size()", equalTo(0));
    }

    @Test
    void aMessageAddedWithoutAnIdGetsAGraphShapedOne() {
        Map<String, Object> noId = new java.util.HashMap<>(message("ignored", "2026-04-02T10:00:00Z", "No id"));
        noId.remove("id");
        String id = given().contentType("application/json").body(noId)
                .post("/_emulator/microsoft/users/dana@contoso.test/folders/inbox/messages").then().statusCode(200)
                .extract().jsonPath().getString("ids[0]");
        assertThat(id).startsWith("AAMkAD").endsWith("=").hasSize(147);
    }

    @Test
    void expiredDeltaTokenIsGoneWithSyncStateNotFound() {
        List<JsonPath> pages = follow(GRAPH + "/me/mailFolders/inbox/messages/delta", 100);
        String deltaLink = path(pages.get(0).getString("'@odata.deltaLink'"));
        given().post("/_emulator/microsoft/users/dana@contoso.test/expire-delta").then().statusCode(204);
        Response gone = authed().get(deltaLink);
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(gone.jsonPath().getString("error.code")).isEqualTo("syncStateNotFound");
        assertThat(gone.header("Location")).endsWith("/graph.microsoft.com/v1.0/me/mailFolders/inbox/messages/delta");
    }

    @Test
    void receivedDateTimeFilterAndTopApplyToTheInitialRound() {
        JsonPath page = authed().header("Prefer", "odata.maxpagesize=100")
                .get(GRAPH + "/me/mailFolders/inbox/messages/delta?$filter=receivedDateTime%20ge%202026-03-20T00:00:00Z")
                .then().statusCode(200).extract().jsonPath();
        assertThat(page.getList("value")).hasSize(6);
        authed().get(GRAPH + "/me/mailFolders/inbox/messages/delta?$filter=subject%20eq%20'x'").then().statusCode(400);
        JsonPath top = authed().header("Prefer", "odata.maxpagesize=100").get(GRAPH + "/me/mailFolders/inbox/messages/delta?$top=7")
                .then().statusCode(200).extract().jsonPath();
        assertThat(top.getList("value")).hasSize(7);
    }

    @Test
    void sharedMailboxNeedsFullAccessAndASharedScope() {
        authed().get(GRAPH + "/users/support@contoso.test/mailFolders/inbox/messages/delta()").then().statusCode(200)
                .body("value[0].id", equalTo("sh1"));
        authed().get(GRAPH + "/users/finance@contoso.test/mailFolders/inbox/messages/delta").then().statusCode(403)
                .body("error.code", equalTo("ErrorAccessDenied"))
                .body("error.message", equalTo("Access is denied. Check credentials and try again."));
        String noShared = MicrosoftFlow.tokens("dana@contoso.test", "openid offline_access Mail.ReadBasic").getString("access_token");
        given().auth().oauth2(noShared).get(GRAPH + "/users/support@contoso.test/mailFolders/inbox/messages/delta")
                .then().statusCode(403);
        given().auth().oauth2(noShared).get(GRAPH + "/users/dana@contoso.test/mailFolders/inbox/messages/delta")
                .then().statusCode(200);
    }

    @Test
    void fullAccessRevokedThroughTheControlApiDeniesTheSameTokenAtOnceAndAGrantRestoresIt() {
        String inboxOfShared = GRAPH + "/users/support@contoso.test/mailFolders/inbox?$select=id";
        authed().get(inboxOfShared).then().statusCode(200);

        given().delete("/_emulator/microsoft/users/dana@contoso.test/full-access/SUPPORT@contoso.test").then().statusCode(204);
        authed().get(inboxOfShared).then().statusCode(403).body("error.code", equalTo("ErrorAccessDenied"))
                .body("error.message", equalTo("Access is denied. Check credentials and try again."));
        authed().get(GRAPH + "/users/support@contoso.test/mailFolders/inbox/messages/delta").then().statusCode(403);
        given().delete("/_emulator/microsoft/users/dana@contoso.test/full-access/support@contoso.test").then().statusCode(404);
        // the user's own mailbox, messages and tokens are untouched
        authed().header("Prefer", "odata.maxpagesize=100").get(GRAPH + "/me/mailFolders/inbox/messages/delta").then()
                .statusCode(200).body("value.size()", equalTo(25));

        given().contentType("application/json").body(Map.of("address", "support@contoso.test"))
                .post("/_emulator/microsoft/users/dana@contoso.test/full-access").then().statusCode(200)
                .body("fullAccessTo", equalTo(List.of("support@contoso.test")));
        authed().get(inboxOfShared).then().statusCode(200);

        given().contentType("application/json").body(Map.of("fullAccessTo", List.of("finance@contoso.test")))
                .put("/_emulator/microsoft/users/dana@contoso.test/full-access").then().statusCode(200)
                .body("fullAccessTo", equalTo(List.of("finance@contoso.test")));
        authed().get(inboxOfShared).then().statusCode(403);
        authed().get(GRAPH + "/users/finance@contoso.test/mailFolders/inbox?$select=id").then().statusCode(200);
        given().contentType("application/json").body(Map.of("fullAccessTo", "x"))
                .put("/_emulator/microsoft/users/dana@contoso.test/full-access").then().statusCode(400);
        given().delete("/_emulator/microsoft/users/nobody@contoso.test/full-access/support@contoso.test").then().statusCode(404);
    }

    @Test
    void mailboxRequestLimitAnswers429WithRetryAfter() {
        given().contentType("application/json").body(Map.of("graphRequestsPerMailbox10Min", 2)).put("/_emulator/config");
        authed().get(GRAPH + "/me/mailFolders/inbox/messages/delta").then().statusCode(200);
        authed().get(GRAPH + "/me/mailFolders/inbox/messages/delta").then().statusCode(200);
        Response throttled = authed().get(GRAPH + "/me/mailFolders/inbox/messages/delta");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.jsonPath().getString("error.code")).isEqualTo("TooManyRequests");
        assertThat(Integer.parseInt(throttled.header("Retry-After"))).isPositive();
    }

    @Test
    void batchRunsUpToTwentyRequestsWithPerRequestStatus() {
        JsonPath body = given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("requests", List.of(
                        Map.of("id", "1", "method", "GET", "url", "/me"),
                        Map.of("id", "2", "method", "GET", "url", "/me/mailFolders/inbox/messages/delta?$select=subject"),
                        Map.of("id", "3", "method", "GET", "url", "/users/finance@contoso.test/mailFolders/inbox/messages/delta"))))
                .post(GRAPH + "/$batch").then().statusCode(200).extract().jsonPath();
        assertThat(body.getList("responses.status")).containsExactly(200, 200, 403);
        assertThat(body.getString("responses[0].body.userPrincipalName")).isEqualTo("dana@contoso.test");
        assertThat(body.getList("responses[1].body.value")).hasSize(10);
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            many.add(Map.of("id", Integer.toString(i), "method", "GET", "url", "/me"));
        }
        given().auth().oauth2(token).contentType("application/json").body(Map.of("requests", many))
                .post(GRAPH + "/$batch").then().statusCode(400);
    }

    @Test
    void changeTypeFiltersTheChangesAndIsKeptInTheLinks() {
        JsonPath initial = authed().header("Prefer", "odata.maxpagesize=100")
                .get(GRAPH + "/me/mailFolders/inbox/messages/delta?changeType=deleted").then().statusCode(200).extract().jsonPath();
        assertThat(initial.getList("value")).isEmpty();
        String deltaLink = path(initial.getString("'@odata.deltaLink'"));
        given().contentType("application/json").body(message("new2", "2026-04-02T10:00:00Z", "New"))
                .post("/_emulator/microsoft/users/dana@contoso.test/folders/inbox/messages").then().statusCode(200);
        given().delete("/_emulator/microsoft/users/dana@contoso.test/folders/inbox/messages/m1").then().statusCode(204);
        authed().get(deltaLink).then().statusCode(200).body("value.id", org.hamcrest.Matchers.contains("m1"));
        authed().get(GRAPH + "/me/mailFolders/inbox/messages/delta?changeType=moved").then().statusCode(400);
    }
}

package io.interactionsync.emulator.microsoft;

import static io.interactionsync.emulator.support.MicrosoftFlow.SCOPES;
import static io.interactionsync.emulator.support.MicrosoftFlow.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.MicrosoftFlow;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every mail folder (well-known, custom, children), mailFolders delta, message get/list, moves and immutable ids. */
class GraphFoldersAndMovesTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String GRAPH = "/graph.microsoft.com/v1.0";
    private static final String IMMUTABLE = "IdType=\"ImmutableId\"";
    private static final String USER = "/_emulator/microsoft/users/dana@contoso.test";
    private String token;

    @BeforeEach
    void load() {
        List<Map<String, Object>> archive = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            archive.add(message("a" + i, String.format("2026-02-%02dT10:00:00Z", i + 1), "Archived " + i));
        }
        MicrosoftFlow.putUser("dana@contoso.test", Map.of("displayName", "Dana Diaz", "folders", Map.of(
                "inbox", List.of(message("i1", "2026-03-01T10:00:00Z", "In")),
                "archive", archive,
                "Clients", List.of(message("c1", "2026-03-02T10:00:00Z", "Client")),
                "Inbox/Deals", List.of(message("d1", "2026-03-03T10:00:00Z", "Deal"))),
                "fullAccessTo", List.of("support@contoso.test")));
        token = MicrosoftFlow.tokens("dana@contoso.test", SCOPES).getString("access_token");
    }

    private RequestSpecification authed() {
        return given().auth().oauth2(token).urlEncodingEnabled(false);
    }

    private RequestSpecification immutable() {
        return authed().header("Prefer", IMMUTABLE);
    }

    private static String path(String link) {
        URI uri = URI.create(link);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** Every page of a delta or list, following nextLinks; the last page holds the deltaLink, if any. */
    private List<JsonPath> follow(Supplier<RequestSpecification> spec, String first) {
        List<JsonPath> pages = new ArrayList<>();
        String next = first;
        while (next != null) {
            JsonPath page = spec.get().get(next).then().statusCode(200).extract().jsonPath();
            pages.add(page);
            String nextLink = page.getString("'@odata.nextLink'");
            next = nextLink == null ? null : path(nextLink);
        }
        return pages;
    }

    private Map<String, Map<String, Object>> foldersByName() {
        List<Map<String, Object>> all = new ArrayList<>();
        follow(() -> authed().header("Prefer", "odata.maxpagesize=5"), GRAPH + "/me/mailFolders/delta()")
                .forEach(p -> all.addAll(p.getList("value")));
        return all.stream().collect(Collectors.toMap(f -> (String) f.get("displayName"), f -> f));
    }

    private String folderId(String name) {
        return (String) foldersByName().get(name).get("id");
    }

    private List<Map<String, Object>> delta(Supplier<RequestSpecification> spec, String link) {
        List<Map<String, Object>> items = new ArrayList<>();
        follow(spec, link).forEach(p -> items.addAll(p.getList("value")));
        return items;
    }

    @Test
    void folderDeltaListsTheWholeTreeWithOpaqueIdsStablePerMailbox() {
        Map<String, Map<String, Object>> folders = foldersByName();
        assertThat(folders).containsKeys("Inbox", "Sent Items", "Drafts", "Deleted Items", "Junk Email", "Archive", "Outbox",
                "Conversation History", "Sync Issues", "Conflicts", "Clients", "Deals").doesNotContainKey("Deletions");
        Map<String, Object> deals = folders.get("Deals");
        assertThat(deals.get("parentFolderId")).isEqualTo(folders.get("Inbox").get("id"));
        assertThat(deals).containsEntry("totalItemCount", 1).containsEntry("childFolderCount", 0).containsKey("unreadItemCount");
        assertThat(folders.get("Inbox")).containsEntry("childFolderCount", 1);
        assertThat(folders.get("Clients").get("parentFolderId")).isEqualTo(folders.get("Inbox").get("parentFolderId"));
        assertThat((String) folders.get("Clients").get("id")).startsWith("AAMkAD").endsWith("AAA=").doesNotContain("/", "+");
        // Replacing the user keeps the folder ids (derived from the mailbox): stable per mailbox.
        String archiveId = (String) folders.get("Archive").get("id");
        MicrosoftFlow.putUser("dana@contoso.test", Map.of("folders", Map.of("Clients", List.of())));
        assertThat(folderId("Archive")).isEqualTo(archiveId);
        assertThat(folderId("Clients")).isEqualTo(folders.get("Clients").get("id"));
    }

    @Test
    void wellKnownNamesAndIdsNameTheSameFolder() {
        String archiveId = folderId("Archive");
        JsonPath byName = authed().get(GRAPH + "/me/mailFolders/archive").then().statusCode(200).extract().jsonPath();
        assertThat(byName.getString("id")).isEqualTo(archiveId);
        assertThat(byName.getString("displayName")).isEqualTo("Archive");
        authed().get(GRAPH + "/me/mailFolders/recoverableitemsdeletions?$select=id").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.startsWith("AAMkAD"));
        authed().get(GRAPH + "/me/mailFolders/nosuchfolder").then().statusCode(404).body("error.code", equalTo("ErrorItemNotFound"));

        List<Map<String, Object>> viaName = delta(() -> authed().header("Prefer", "odata.maxpagesize=5"),
                GRAPH + "/me/mailFolders/archive/messages/delta?$select=subject,parentFolderId");
        List<Map<String, Object>> viaId = delta(() -> authed().header("Prefer", "odata.maxpagesize=5"),
                GRAPH + "/me/mailFolders/" + archiveId + "/messages/delta()?$select=subject,parentFolderId");
        assertThat(viaName).hasSize(12);
        assertThat(viaId.stream().map(m -> m.get("id")).toList()).isEqualTo(viaName.stream().map(m -> m.get("id")).toList());
        assertThat(viaId).allSatisfy(m -> assertThat(m).containsEntry("parentFolderId", archiveId));
    }

    @Test
    void foldersAreListedWithTheirChildren() {
        JsonPath top = authed().get(GRAPH + "/me/mailFolders?$top=50").then().statusCode(200).extract().jsonPath();
        assertThat(top.getList("value.displayName", String.class)).contains("Inbox", "Clients", "Archive").doesNotContain("Deals");
        JsonPath children = authed().get(GRAPH + "/me/mailFolders/inbox/childFolders").then().statusCode(200).extract().jsonPath();
        assertThat(children.getList("value.displayName", String.class)).containsExactly("Deals");
        JsonPath firstPage = authed().get(GRAPH + "/me/mailFolders?$top=4&$select=displayName").then().statusCode(200).extract().jsonPath();
        assertThat(firstPage.getList("value")).hasSize(4);
        assertThat(firstPage.getMap("value[0]")).containsOnlyKeys("id", "displayName");
        assertThat(firstPage.getString("'@odata.nextLink'")).contains("$skip=4");
    }

    @Test
    void aMessageIsReadByIdWithSelectAndIsGoneOnceDeleted() {
        String clients = folderId("Clients");
        JsonPath m = authed().get(GRAPH + "/me/messages/c1?$select=id,parentFolderId,subject").then().statusCode(200).extract().jsonPath();
        assertThat(m.getString("parentFolderId")).isEqualTo(clients);
        assertThat(m.getMap("")).doesNotContainKeys("from", "body");
        authed().get(GRAPH + "/me/mailFolders/" + clients + "/messages/c1").then().statusCode(200).body("subject", equalTo("Client"));
        authed().get(GRAPH + "/me/mailFolders/inbox/messages/c1").then().statusCode(404);

        given().delete(USER + "/folders/Clients/messages/c1").then().statusCode(204);
        authed().get(GRAPH + "/me/messages/c1").then().statusCode(404).body("error.code", equalTo("ErrorItemNotFound"))
                .body("error.message", equalTo("The specified object was not found in the store."));
    }

    @Test
    void messagesAreListedNewestFirstWithAFilterAndPagedByNextLink() {
        List<JsonPath> pages = follow(this::immutable, GRAPH + "/me/mailFolders/archive/messages?$select=id,receivedDateTime"
                + "&$filter=receivedDateTime%20ge%202026-02-03T00:00:00Z&$top=4");
        assertThat(pages).hasSize(3);
        List<String> ids = new ArrayList<>();
        pages.forEach(p -> ids.addAll(p.getList("value.id", String.class)));
        assertThat(ids).containsExactly("a11", "a10", "a9", "a8", "a7", "a6", "a5", "a4", "a3", "a2");
        assertThat(pages.get(0).getMap("value[0]")).containsOnlyKeys("@odata.etag", "id", "receivedDateTime");
        authed().get(GRAPH + "/me/mailFolders/archive/messages?$filter=subject%20eq%20'x'").then().statusCode(400);
    }

    @Test
    void aMoveGivesANewIdUnlessImmutableIdsWereAskedFor() {
        String archive = folderId("Archive");
        String regularInbox = path(follow(this::authed, GRAPH + "/me/mailFolders/inbox/messages/delta").getLast()
                .getString("'@odata.deltaLink'"));
        String immutableInbox = path(follow(this::immutable, GRAPH + "/me/mailFolders/inbox/messages/delta").getLast()
                .getString("'@odata.deltaLink'"));
        String immutableArchive = path(follow(() -> immutable().header("Prefer", "odata.maxpagesize=50"),
                GRAPH + "/me/mailFolders/" + archive + "/messages/delta").getLast().getString("'@odata.deltaLink'"));

        JsonPath moved = given().contentType("application/json").body(Map.of("destination", "archive"))
                .post(USER + "/messages/i1/move").then().statusCode(200).extract().jsonPath();
        assertThat(moved.getString("immutableId")).isEqualTo("i1");
        assertThat(moved.getString("previousId")).isEqualTo("i1");
        assertThat(moved.getString("id")).isNotEqualTo("i1").startsWith("AAMkAD");
        assertThat(moved.getString("parentFolderId")).isEqualTo(archive);

        // Without the header: @removed with the old id in the inbox, the new id in the archive.
        List<Map<String, Object>> inboxChanges = delta(this::authed, regularInbox);
        assertThat(inboxChanges).singleElement().satisfies(r -> {
            assertThat(r.get("id")).isEqualTo("i1");
            assertThat(r).containsKey("@removed");
        });
        assertThat(authed().get(GRAPH + "/me/messages/" + moved.getString("id") + "?$select=id").then().statusCode(200)
                .extract().jsonPath().getString("id")).isEqualTo(moved.getString("id"));
        // With it: the same id on both sides, and on a GET.
        assertThat(delta(this::immutable, immutableInbox)).singleElement().satisfies(r -> assertThat(r.get("id")).isEqualTo("i1"));
        assertThat(delta(this::immutable, immutableArchive)).singleElement().satisfies(r -> {
            assertThat(r.get("id")).isEqualTo("i1");
            assertThat(r).doesNotContainKey("@removed");
        });
        immutable().get(GRAPH + "/me/messages/" + moved.getString("id") + "?$select=id,parentFolderId").then().statusCode(200)
                .header("Preference-Applied", IMMUTABLE).body("id", equalTo("i1")).body("parentFolderId", equalTo(archive));

        // Moved on again: the regular id changes again, the immutable one never.
        JsonPath again = given().contentType("application/json").body(Map.of("destination", folderId("Deleted Items")))
                .post(USER + "/messages/i1/move").then().statusCode(200).extract().jsonPath();
        assertThat(again.getString("previousId")).isEqualTo(moved.getString("id"));
        assertThat(again.getString("id")).isNotIn("i1", moved.getString("id"));
        authed().get(GRAPH + "/me/messages/" + moved.getString("id")).then().statusCode(404);
        immutable().get(GRAPH + "/me/messages/i1?$select=parentFolderId").then().statusCode(200)
                .body("parentFolderId", equalTo(folderId("Deleted Items")));
    }

    @Test
    void aMessageMovedOutAndBackIsOneItemInItsFolderDelta() {
        String deltaLink = path(follow(this::immutable, GRAPH + "/me/mailFolders/" + folderId("Clients") + "/messages/delta")
                .getLast().getString("'@odata.deltaLink'"));
        given().contentType("application/json").body(Map.of("destination", "junkemail")).post(USER + "/messages/c1/move")
                .then().statusCode(200);
        given().contentType("application/json").body(Map.of("destination", "Clients")).post(USER + "/messages/c1/move")
                .then().statusCode(200);
        assertThat(delta(this::immutable, deltaLink)).singleElement().satisfies(m -> {
            assertThat(m.get("id")).isEqualTo("c1");
            assertThat(m).doesNotContainKey("@removed");
        });
    }

    @Test
    void folderDeltaReportsNewMovedAndDeletedFolders() {
        String deltaLink = path(follow(() -> authed().header("Prefer", "odata.maxpagesize=100"), GRAPH + "/me/mailFolders/delta")
                .getLast().getString("'@odata.deltaLink'"));
        String clients = folderId("Clients");
        String created = given().contentType("application/json").body(Map.of("displayName", "Portfolio", "parent", "archive"))
                .post(USER + "/folders").then().statusCode(201).extract().path("id");
        given().contentType("application/json").body(message("p1", "2026-03-09T10:00:00Z", "Board"))
                .post(USER + "/folders/Investors/messages").then().statusCode(200).body("parentFolderId", org.hamcrest.Matchers.notNullValue());
        given().contentType("application/json").body(Map.of("destination", "deleteditems")).post(USER + "/folders/Clients/move")
                .then().statusCode(200);

        List<Map<String, Object>> changes = delta(this::authed, deltaLink);
        Map<String, Map<String, Object>> byName = changes.stream().collect(Collectors.toMap(f -> (String) f.get("displayName"), f -> f));
        assertThat(byName).containsOnlyKeys("Portfolio", "Investors", "Clients");
        assertThat(byName.get("Portfolio")).containsEntry("id", created).containsEntry("parentFolderId", folderId("Archive"));
        assertThat(byName.get("Clients").get("parentFolderId")).isEqualTo(folderId("Deleted Items"));

        String next = path(follow(this::authed, deltaLink).getLast().getString("'@odata.deltaLink'"));
        given().delete(USER + "/folders/" + clients).then().statusCode(204);
        assertThat(delta(this::authed, next)).singleElement().satisfies(f -> {
            assertThat(f.get("id")).isEqualTo(clients);
            assertThat(f).containsEntry("@removed", Map.of("reason", "deleted"));
        });
        authed().get(GRAPH + "/me/mailFolders/" + clients + "/messages/delta").then().statusCode(404);
        authed().get(GRAPH + "/me/messages/c1").then().statusCode(404);
    }

    @Test
    void batchServesFolderAndMessageRequests() {
        JsonPath body = given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("requests", List.of(
                        Map.of("id", "1", "method", "GET", "url", "/me/mailFolders/junkemail?$select=id"),
                        Map.of("id", "2", "method", "GET", "url", "/me/messages/d1?$select=id,parentFolderId",
                                "headers", Map.of("Prefer", IMMUTABLE)),
                        Map.of("id", "3", "method", "GET", "url", "/me/messages/nope"),
                        Map.of("id", "4", "method", "GET", "url", "/me/mailFolders/delta"))))
                .post(GRAPH + "/$batch").then().statusCode(200).extract().jsonPath();
        assertThat(body.getList("responses.status")).containsExactly(200, 200, 404, 200);
        assertThat(body.getString("responses[0].body.id")).isEqualTo(folderId("Junk Email"));
        assertThat(body.getString("responses[1].body.parentFolderId")).isEqualTo(folderId("Deals"));
        assertThat(body.getString("responses[2].body.error.code")).isEqualTo("ErrorItemNotFound");
        assertThat(body.getList("responses[3].body.value")).isNotEmpty();
    }

    @Test
    void sharedMailboxesHaveFoldersAndMovesToo() {
        given().contentType("application/json").body(Map.of("folders", Map.of("inbox", List.of(message("sh1", "2026-03-01T10:00:00Z",
                "Shared")), "Partners", List.of()))).put("/_emulator/microsoft/shared-mailboxes/support@contoso.test").then().statusCode(200);
        JsonPath moved = given().contentType("application/json").body(Map.of("destination", "Partners"))
                .post("/_emulator/microsoft/shared-mailboxes/support@contoso.test/messages/sh1/move").then().statusCode(200)
                .extract().jsonPath();
        assertThat(moved.getString("folder")).isEqualTo("Partners");
        immutable().get(GRAPH + "/users/support@contoso.test/messages/sh1?$select=parentFolderId").then().statusCode(200)
                .body("parentFolderId", equalTo(moved.getString("parentFolderId")));
        JsonPath folders = authed().header("Prefer", "odata.maxpagesize=100").get(GRAPH + "/users/support@contoso.test/mailFolders/delta")
                .then().statusCode(200)
                .extract().jsonPath();
        assertThat(folders.getList("value.displayName", String.class)).contains("Partners", "Inbox");
    }

    @Test
    void controlCallsRejectUnknownFoldersAndMessages() {
        given().contentType("application/json").body(Map.of("destination", "Nowhere")).post(USER + "/messages/i1/move")
                .then().statusCode(404);
        given().contentType("application/json").body(Map.of("destination", "archive")).post(USER + "/messages/nope/move")
                .then().statusCode(404);
        given().contentType("application/json").body(Map.of()).post(USER + "/messages/i1/move").then().statusCode(400);
        given().delete(USER + "/folders/inbox").then().statusCode(400);
        // Soft-deleted items live outside the listed tree; a message there is found by GET, not by any folder delta.
        given().contentType("application/json").body(Map.of("destination", "recoverableitemsdeletions"))
                .post(USER + "/messages/i1/move").then().statusCode(200);
        immutable().get(GRAPH + "/me/messages/i1?$select=parentFolderId").then().statusCode(200).body("parentFolderId",
                equalTo(authed().get(GRAPH + "/me/mailFolders/recoverableitemsdeletions").then().extract().path("id")));
        given().get(USER + "/folders").then().statusCode(200).body("folders.find { it.displayName == 'Deals' }.totalItemCount",
                equalTo(1));
    }

    @Test
    void generatedMailboxesAreFiledTheSameWayForTheSameSeed() {
        Map<String, Object> request = Map.of("seed", 5, "googleUsers", 0, "microsoftUsers", 1, "messagesPerMailbox", 120,
                "eventsPerCalendar", 0, "anchor", "2026-11-24", "domain", "seeded.test");
        String upn = given().contentType("application/json").body(request).post("/_emulator/generate").then().statusCode(200)
                .extract().path("microsoft[0].upn");
        List<Map<String, Object>> first = given().get("/_emulator/microsoft/users/" + upn + "/folders").then().extract()
                .jsonPath().getList("folders");
        given().contentType("application/json").body(request).post("/_emulator/generate").then().statusCode(200);
        List<Map<String, Object>> second = given().get("/_emulator/microsoft/users/" + upn + "/folders").then().extract()
                .jsonPath().getList("folders");
        assertThat(second).isEqualTo(first);
        assertThat(first).anySatisfy(f -> {
            assertThat(f.get("displayName")).isEqualTo("Clients");
            assertThat((Integer) f.get("totalItemCount")).isPositive();
        });
    }
}

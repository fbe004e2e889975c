package io.interactionsync.emulator.microsoft;

import static io.interactionsync.emulator.support.MicrosoftFlow.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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

/** {@code omit} faults on Graph: items of mail delta, folder delta, message and folder lists, calendarView delta dropped. */
class GraphOmissionTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String GRAPH = "/graph.microsoft.com/v1.0";
    private String token;

    @BeforeEach
    void load() {
        List<Map<String, Object>> inbox = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            inbox.add(message("m" + i, String.format("2026-03-%02dT10:00:00Z", i % 28 + 1), "Subject " + i));
        }
        Map<String, Object> event = Map.of("id", "e1", "subject", "Sync", "isCancelled", false,
                "start", Map.of("dateTime", "2026-03-02T15:00:00.0000000", "timeZone", "UTC"),
                "end", Map.of("dateTime", "2026-03-02T15:30:00.0000000", "timeZone", "UTC"));
        MicrosoftFlow.putUser("dana@contoso.test", Map.of("folders", Map.of("inbox", inbox), "events", List.of(event)));
        token = MicrosoftFlow.tokens("dana@contoso.test", MicrosoftFlow.SCOPES + " Calendars.ReadBasic").getString("access_token");
    }

    @AfterEach
    void clear() {
        given().delete("/_emulator/faults").then().statusCode(204);
    }

    private void omit(String pathRegex, double probability) {
        given().contentType("application/json").body(Map.of("seed", 3, "rules", List.of(Map.of("provider", "microsoft",
                "pathRegex", pathRegex, "omit", probability)))).put("/_emulator/faults").then().statusCode(200);
    }

    private JsonPath get(String path) {
        return given().auth().oauth2(token).urlEncodingEnabled(false).header("Prefer", "odata.maxpagesize=100")
                .get(path).then().statusCode(200).extract().jsonPath();
    }

    private static String path(String link) {
        URI uri = URI.create(link);
        return uri.getRawPath() + "?" + uri.getRawQuery();
    }

    @Test
    void aDroppedDeltaItemIsNeverSeenAgainThroughTheLinks() {
        omit("/messages/delta", 0.5);
        JsonPath first = get(GRAPH + "/me/mailFolders/inbox/messages/delta?$select=subject");
        int kept = first.getList("value").size();
        assertThat(kept).isBetween(5, 35);
        given().delete("/_emulator/faults").then().statusCode(204);
        // The deltaLink moved past the dropped items: the next round has nothing, as a provider that lost them.
        assertThat(get(path(first.getString("'@odata.deltaLink'"))).getList("value")).isEmpty();
        given().get("/_emulator/stats").then().body("users.'dana@contoso.test'.omitted", org.hamcrest.Matchers.equalTo(40 - kept));
    }

    @Test
    void folderDeltaMessageListsAndCalendarDeltaDropItemsToo() {
        omit("/mailFolders/delta|/messages$|/calendarView/delta", 1.0);
        JsonPath folders = get(GRAPH + "/me/mailFolders/delta");
        assertThat(folders.getList("value")).isEmpty();
        assertThat(folders.getString("'@odata.deltaLink'")).contains("$deltatoken=");
        JsonPath list = get(GRAPH + "/me/mailFolders/inbox/messages?$top=10");
        assertThat(list.getList("value")).isEmpty();
        assertThat(list.getString("'@odata.nextLink'")).contains("$skip=10");
        JsonPath calendar = get(GRAPH + "/me/calendarView/delta?startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-04-01T00:00:00Z");
        assertThat(calendar.getList("value")).isEmpty();
        // Other paths are untouched.
        assertThat(get(GRAPH + "/me/mailFolders/inbox/messages/delta").getList("value")).hasSize(40);
    }

    @Test
    void folderListsDropFoldersWhileTheirNextLinkMovesOn() {
        omit("/mailFolders$|/childFolders$", 1.0);
        JsonPath top = get(GRAPH + "/me/mailFolders?$top=5&includeHiddenFolders=false");
        assertThat(top.getList("value")).isEmpty();
        assertThat(top.getString("'@odata.nextLink'")).contains("$skip=5").contains("includeHiddenFolders=false");
        assertThat(get(GRAPH + "/me/mailFolders/syncissues/childFolders").getList("value")).isEmpty();
        given().delete("/_emulator/faults").then().statusCode(204);
        assertThat(get(GRAPH + "/me/mailFolders?$top=5").getList("value")).hasSize(5);
        assertThat(get(GRAPH + "/me/mailFolders/syncissues/childFolders").getList("value")).hasSize(3);
    }
}

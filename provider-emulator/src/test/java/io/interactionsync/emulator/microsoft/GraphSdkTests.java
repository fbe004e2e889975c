package io.interactionsync.emulator.microsoft;

import static io.interactionsync.emulator.support.MicrosoftFlow.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.MicrosoftFlow;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The official Microsoft Graph SDK (microsoft-graph 6) against the emulator. */
class GraphSdkTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private GraphServiceClient graph;

    @BeforeEach
    void load() {
        List<Map<String, Object>> inbox = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            inbox.add(message("m" + i, String.format("2026-03-%02dT10:00:00Z", i + 1), "Subject " + i));
        }
        Map<String, Object> event = Map.of("id", "e1", "subject", "Sync", "isCancelled", false,
                "start", Map.of("dateTime", "2026-03-02T15:00:00.0000000", "timeZone", "UTC"),
                "end", Map.of("dateTime", "2026-03-02T15:30:00.0000000", "timeZone", "UTC"),
                "attendees", List.of(Map.of("type", "required", "status", Map.of("response", "tentativelyAccepted"),
                        "emailAddress", Map.of("address", "bob@ext.example"))));
        MicrosoftFlow.putUser("dana@contoso.test", Map.of("displayName", "Dana Diaz", "folders", Map.of("inbox", inbox),
                "events", List.of(event)));
        String token = MicrosoftFlow.tokens("dana@contoso.test",
                "openid offline_access User.Read Mail.ReadBasic Mail.ReadBasic.Shared Calendars.ReadBasic").getString("access_token");
        AccessTokenProvider provider = new AccessTokenProvider() {
            @Override
            public String getAuthorizationToken(URI uri, Map<String, Object> context) {
                return token;
            }

            @Override
            public AllowedHostsValidator getAllowedHostsValidator() {
                return new AllowedHostsValidator("127.0.0.1");
            }
        };
        graph = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(provider));
        graph.getRequestAdapter().setBaseUrl(EMULATOR.baseUrl() + "/graph.microsoft.com/v1.0");
    }

    @Test
    void meParses() {
        assertThat(graph.me().get().getUserPrincipalName()).isEqualTo("dana@contoso.test");
    }

    @Test
    void mailDeltaFollowsNextLinksToTheDeltaLinkAndSeesRemovals() {
        var delta = graph.me().mailFolders().byMailFolderId("inbox").messages().delta();
        var page = delta.get(rc -> {
            rc.queryParameters.select = new String[] {"subject", "from", "receivedDateTime"};
            rc.headers.add("Prefer", "odata.maxpagesize=10");
        });
        List<Message> all = new ArrayList<>(page.getValue());
        while (page.getOdataNextLink() != null) {
            page = delta.withUrl(page.getOdataNextLink()).get(rc -> rc.headers.add("Prefer", "odata.maxpagesize=10"));
            all.addAll(page.getValue());
        }
        assertThat(all).hasSize(23);
        assertThat(all.get(0).getSubject()).isEqualTo("Subject 0");
        assertThat(all.get(0).getFrom().getEmailAddress().getAddress()).isEqualTo("bob@ext.example");
        assertThat(all.get(0).getBody()).isNull();
        String deltaLink = page.getOdataDeltaLink();
        assertThat(deltaLink).isNotNull();

        given().delete("/_emulator/microsoft/users/dana@contoso.test/folders/inbox/messages/m5").then().statusCode(204);
        var changes = delta.withUrl(deltaLink).get();
        assertThat(changes.getValue()).hasSize(1);
        assertThat(changes.getValue().get(0).getId()).isEqualTo("m5");
        assertThat(changes.getValue().get(0).getAdditionalData()).containsKey("@removed");
    }

    @Test
    void mailFolderDeltaAndMessageGetWithImmutableIdsParse() {
        given().contentType("application/json").body(message("c1", "2026-03-02T10:00:00Z", "Client"))
                .post("/_emulator/microsoft/users/dana@contoso.test/folders/Clients/messages").then().statusCode(200);
        var folders = graph.me().mailFolders().delta().get(rc -> rc.headers.add("Prefer", "odata.maxpagesize=100"));
        var clients = folders.getValue().stream().filter(f -> "Clients".equals(f.getDisplayName())).findFirst().orElseThrow();
        assertThat(clients.getTotalItemCount()).isEqualTo(1);
        assertThat(folders.getOdataDeltaLink()).contains("$deltatoken=");

        given().contentType("application/json").body(Map.of("destination", "archive"))
                .post("/_emulator/microsoft/users/dana@contoso.test/messages/c1/move").then().statusCode(200);
        Message moved = graph.me().messages().byMessageId("c1").get(rc -> {
            rc.queryParameters.select = new String[] {"id", "parentFolderId"};
            rc.headers.add("Prefer", "IdType=\"ImmutableId\"");
        });
        assertThat(moved.getId()).isEqualTo("c1");
        assertThat(moved.getParentFolderId()).isEqualTo(graph.me().mailFolders().byMailFolderId("archive").get().getId());
        var changes = graph.me().mailFolders().byMailFolderId(clients.getId()).messages().delta()
                .get(rc -> rc.headers.add("Prefer", "IdType=\"ImmutableId\""));
        assertThat(changes.getValue()).isEmpty(); // initial round of a now empty folder
        assertThatThrownBy(() -> graph.me().messages().byMessageId("gone").get())
                .isInstanceOfSatisfying(ODataError.class, e -> assertThat(e.getError().getCode()).isEqualTo("ErrorItemNotFound"));
    }

    @Test
    void expiredDeltaAndDeniedSharedMailboxRaiseODataErrors() {
        var delta = graph.me().mailFolders().byMailFolderId("inbox").messages().delta();
        var page = delta.get(rc -> rc.headers.add("Prefer", "odata.maxpagesize=100"));
        given().post("/_emulator/microsoft/users/dana@contoso.test/expire-delta").then().statusCode(204);
        String deltaLink = page.getOdataDeltaLink();
        assertThatThrownBy(() -> delta.withUrl(deltaLink).get())
                .isInstanceOfSatisfying(ODataError.class, e -> {
                    assertThat(e.getResponseStatusCode()).isEqualTo(410);
                    assertThat(e.getError().getCode()).isEqualTo("syncStateNotFound");
                });
        given().contentType("application/json").body(Map.of("folders", Map.of("inbox", List.of())))
                .put("/_emulator/microsoft/shared-mailboxes/finance@contoso.test").then().statusCode(200);
        assertThatThrownBy(() -> graph.users().byUserId("finance@contoso.test").mailFolders().byMailFolderId("inbox")
                .messages().delta().get())
                .isInstanceOfSatisfying(ODataError.class, e -> {
                    assertThat(e.getResponseStatusCode()).isEqualTo(403);
                    assertThat(e.getError().getCode()).isEqualTo("ErrorAccessDenied");
                });
    }

    @Test
    void calendarViewDeltaParsesEventsAndAttendeeResponses() {
        var response = graph.me().calendarView().delta().get(rc -> {
            rc.queryParameters.startDateTime = "2026-03-01T00:00:00Z";
            rc.queryParameters.endDateTime = "2026-04-01T00:00:00Z";
            rc.headers.add("Prefer", "outlook.timezone=\"UTC\"");
        });
        List<Event> events = response.getValue();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getSubject()).isEqualTo("Sync");
        assertThat(events.get(0).getAttendees().get(0).getStatus().getResponse().getValue()).isEqualTo("tentativelyAccepted");
        assertThat(response.getOdataDeltaLink()).contains("$deltatoken=");
    }
}

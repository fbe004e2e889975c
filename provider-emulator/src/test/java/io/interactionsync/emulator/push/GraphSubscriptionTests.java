package io.interactionsync.emulator.push;

import static io.interactionsync.emulator.support.MicrosoftFlow.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.MicrosoftFlow;
import io.interactionsync.emulator.support.PushReceiver;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GraphSubscriptionTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String UPN = "dana@contoso.test";
    private static final String SUBSCRIPTIONS = "/graph.microsoft.com/v1.0/subscriptions";
    private static final String MAILBOX = "/_emulator/microsoft/users/" + UPN;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PushReceiver receiver;
    private String token;
    private String userId;
    private String tenantId;

    @BeforeEach
    void setUp() {
        receiver = PushReceiver.start();
        MicrosoftFlow.putUser(UPN, Map.of("displayName", "Dana Diaz",
                "folders", Map.of("inbox", List.of(message("m0", "2026-03-01T10:00:00Z", "Hello"))),
                "fullAccessTo", List.of("support@contoso.test")));
        MicrosoftFlow.putUser("erin@contoso.test", Map.of("displayName", "Erin"));
        for (String shared : List.of("support@contoso.test", "finance@contoso.test")) {
            given().contentType("application/json").body(Map.of("folders", Map.of("inbox", List.of())))
                    .put("/_emulator/microsoft/shared-mailboxes/" + shared).then().statusCode(200);
        }
        token = MicrosoftFlow.tokens(UPN, MicrosoftFlow.SCOPES + " Calendars.ReadBasic").getString("access_token");
        userId = given().get("/_emulator/microsoft/users").jsonPath().getString("users.find { it.upn == '" + UPN + "' }.id");
        tenantId = given().get("/_emulator/microsoft/users").jsonPath().getString("users.find { it.upn == '" + UPN + "' }.tenantId");
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    private RequestSpecification graph(String bearer) {
        return given().auth().oauth2(bearer).contentType("application/json");
    }

    private Map<String, Object> subscription(String resource, String changeType) {
        Map<String, Object> body = new HashMap<>();
        body.put("changeType", changeType);
        body.put("notificationUrl", receiver.url("/graph"));
        body.put("lifecycleNotificationUrl", receiver.url("/lifecycle"));
        body.put("resource", resource);
        body.put("expirationDateTime", Instant.now().plus(60, ChronoUnit.MINUTES).toString());
        body.put("clientState", "cs-" + resource.hashCode());
        return body;
    }

    private ValidatableResponse subscribe(Map<String, Object> body) {
        return graph(token).body(body).post(SUBSCRIPTIONS).then();
    }

    /** Every change notification item received at {@code path}, in arrival order. */
    private List<JsonNode> items(String path) {
        List<JsonNode> out = new ArrayList<>();
        for (PushReceiver.Received r : receiver.notifications(path)) {
            try {
                JSON.readTree(r.body()).path("value").forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private List<JsonNode> itemsOf(String subscriptionId) {
        return items("/graph").stream().filter(i -> i.path("subscriptionId").asText().equals(subscriptionId)).toList();
    }

    private static String addMessage(String folder, String id) {
        return given().contentType("application/json").body(message(id, "2026-03-05T10:00:00Z", "Subject " + id))
                .post(MAILBOX + "/folders/" + folder + "/messages").then().statusCode(200).extract().path("ids[0]");
    }

    @Test
    void aValidatedSubscriptionNotifiesCreatesMovesAndDeletesWithItsClientState() {
        long before = System.currentTimeMillis();
        var all = subscribe(subscription("me/messages", "created,updated,deleted")).statusCode(201)
                .body("'@odata.context'", equalTo("https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity"))
                .body("resource", equalTo("me/messages")).body("changeType", equalTo("created,updated,deleted"))
                .body("clientState", equalTo("cs-" + "me/messages".hashCode())).body("creatorId", equalTo(userId))
                .body("applicationId", equalTo(MicrosoftFlow.CLIENT_ID)).body("latestSupportedTlsVersion", equalTo("v1_2"))
                .body("lifecycleNotificationUrl", equalTo(receiver.url("/lifecycle")))
                .extract().jsonPath();
        String allId = all.getString("id");
        assertThat(allId).matches("[0-9a-f-]{36}");
        assertThat(all.getString("expirationDateTime")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z");
        List<PushReceiver.Received> validations = receiver.validations("/graph");
        assertThat(validations).hasSize(1);
        assertThat(validations.get(0).atMillis()).isGreaterThanOrEqualTo(before);
        assertThat(validations.get(0).header("Content-Type")).startsWith("text/plain");
        assertThat(validations.get(0).query().get("validationToken")).startsWith("Validation: ");
        assertThat(receiver.validations("/lifecycle")).hasSize(1);

        String inboxId = given().auth().oauth2(token).header("Prefer", "IdType=\"ImmutableId\"").contentType("application/json")
                .body(subscription("me/mailFolders('inbox')/messages", "created,deleted")).post(SUBSCRIPTIONS).then()
                .statusCode(201).extract().path("id");

        String id = addMessage("inbox", "n1");
        await().atMost(Duration.ofSeconds(5)).until(() -> itemsOf(allId).size() == 1 && itemsOf(inboxId).size() == 1);
        JsonNode created = itemsOf(allId).get(0);
        assertThat(created.path("changeType").asText()).isEqualTo("created");
        assertThat(created.path("clientState").asText()).isEqualTo("cs-" + "me/messages".hashCode());
        assertThat(created.path("tenantId").asText()).isEqualTo(tenantId);
        assertThat(created.path("subscriptionExpirationDateTime").asText()).isEqualTo(all.getString("expirationDateTime"));
        assertThat(created.path("resource").asText()).isEqualTo("Users/" + userId + "/Messages/" + id);
        JsonNode data = created.path("resourceData");
        assertThat(data.path("@odata.type").asText()).isEqualTo("#Microsoft.Graph.Message");
        assertThat(data.path("@odata.id").asText()).isEqualTo(created.path("resource").asText());
        assertThat(data.path("@odata.etag").asText()).startsWith("W/\"");
        assertThat(data.path("id").asText()).isEqualTo(id);
        assertThat(data.size()).isEqualTo(4);

        String movedId = given().contentType("application/json").body(Map.of("destination", "archive"))
                .post(MAILBOX + "/messages/" + id + "/move").then().statusCode(200).extract().path("id");
        assertThat(movedId).isNotEqualTo(id);
        await().atMost(Duration.ofSeconds(5)).until(() -> itemsOf(allId).size() == 2 && itemsOf(inboxId).size() == 2);
        assertThat(itemsOf(allId).get(1).path("changeType").asText()).isEqualTo("updated");
        assertThat(itemsOf(allId).get(1).path("resourceData").path("id").asText()).isEqualTo(movedId);
        // The folder subscription sees the message leave its folder, under the immutable id it asked for.
        assertThat(itemsOf(inboxId).get(1).path("changeType").asText()).isEqualTo("deleted");
        assertThat(itemsOf(inboxId).get(1).path("resourceData").path("id").asText()).isEqualTo(id);

        given().delete(MAILBOX + "/folders/archive/messages/" + movedId).then().statusCode(204);
        await().atMost(Duration.ofSeconds(5)).until(() -> itemsOf(allId).size() == 3);
        assertThat(itemsOf(allId).get(2).path("changeType").asText()).isEqualTo("deleted");
        assertThat(itemsOf(allId).get(2).path("resourceData").path("id").asText()).isEqualTo(movedId);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> itemsOf(inboxId).size() == 2);
        assertThat(receiver.notifications("/graph")).allSatisfy(r ->
                assertThat(r.header("Content-Type")).startsWith("application/json"));
    }

    @Test
    void aFailedHandshakeCreatesNoSubscription() {
        receiver.echo(200, token -> "not the token");
        subscribe(subscription("me/messages", "created")).statusCode(400)
                .body("error.code", equalTo("ValidationError"))
                .body("error.message", equalTo("Subscription validation request failed. Response must exactly match validationToken query parameter."));
        receiver.echo(500, token -> token);
        subscribe(subscription("me/messages", "created")).statusCode(400)
                .body("error.message", equalTo("Subscription validation request failed. HTTP status code is 'InternalServerError'."
                        + " Notification endpoint must respond with 200 OK to validation request."));
        receiver.echo(200, token -> token);
        Map<String, Object> deadLifecycle = subscription("me/messages", "created");
        deadLifecycle.put("lifecycleNotificationUrl", "http://127.0.0.1:1/lifecycle");
        subscribe(deadLifecycle).statusCode(400).body("error.code", equalTo("ValidationError"))
                .body("error.message", startsWith("Subscription validation request failed."));
        graph(token).get(SUBSCRIPTIONS).then().statusCode(200).body("value.size()", equalTo(0));
        given().get("/_emulator/push").then().body("counters.graph.validationRequests", equalTo(4))
                .body("counters.graph.validationFailures", equalTo(3));
        addMessage("inbox", "nobody-listens");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> receiver.notifications("/graph").isEmpty());
    }

    @Test
    void patchRenewsWithinTheLimitsAndAnExpiredSubscriptionIsForgotten() {
        String id = subscribe(subscription("me/messages", "created")).statusCode(201).extract().path("id");
        String later = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS).toString();
        String renewed = graph(token).body(Map.of("expirationDateTime", later)).patch(SUBSCRIPTIONS + "/" + id).then()
                .statusCode(200).body("id", equalTo(id)).extract().path("expirationDateTime");
        assertThat(Instant.parse(renewed)).isEqualTo(Instant.parse(later));
        graph(token).body(Map.of("expirationDateTime", Instant.now().plus(10_080, ChronoUnit.MINUTES).toString()))
                .patch(SUBSCRIPTIONS + "/" + id).then().statusCode(400).body("error.code", equalTo("ExtensionError"))
                .body("error.message", equalTo("Subscription expiration can only be 10070 minutes in the future."));
        graph(token).body(Map.of("expirationDateTime", Instant.now().minusSeconds(60).toString()))
                .patch(SUBSCRIPTIONS + "/" + id).then().statusCode(400);
        graph(token).get(SUBSCRIPTIONS + "/" + id).then().statusCode(200).body("expirationDateTime", equalTo(renewed));

        Map<String, Object> shortLived = subscription("me/messages", "created");
        shortLived.put("expirationDateTime", Instant.now().plusSeconds(2).toString());
        String shortId = subscribe(shortLived).statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                graph(token).get(SUBSCRIPTIONS + "/" + shortId).statusCode() == 404);
        graph(token).body(Map.of("expirationDateTime", later)).patch(SUBSCRIPTIONS + "/" + shortId).then().statusCode(404)
                .body("error.code", equalTo("ResourceNotFound"));
        addMessage("inbox", "after-expiry");
        await().atMost(Duration.ofSeconds(5)).until(() -> itemsOf(id).size() == 1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> itemsOf(shortId).isEmpty());
        graph(token).get(SUBSCRIPTIONS).then().body("value.id", equalTo(List.of(id)));
    }

    @Test
    void createRejectsWhatGraphRejects() {
        Map<String, Object> noExpiry = subscription("me/messages", "created");
        noExpiry.remove("expirationDateTime");
        subscribe(noExpiry).statusCode(400).body("error.message",
                equalTo("expirationDateTime is a required property for subscription creation."));
        Map<String, Object> tooLong = subscription("me/messages", "created");
        tooLong.put("expirationDateTime", Instant.now().plus(10_071, ChronoUnit.MINUTES).toString());
        subscribe(tooLong).statusCode(400).body("error.code", equalTo("ExtensionError"));
        Map<String, Object> past = subscription("me/messages", "created");
        past.put("expirationDateTime", Instant.now().minusSeconds(5).toString());
        subscribe(past).statusCode(400);
        Map<String, Object> state = subscription("me/messages", "created");
        state.put("clientState", "x".repeat(129));
        subscribe(state).statusCode(400).body("error.code", equalTo("InvalidRequest"));
        state.put("clientState", "x".repeat(128));
        subscribe(state).statusCode(201);
        subscribe(subscription("me/messages", "created,moved")).statusCode(400);
        subscribe(subscription("me/contacts", "created")).statusCode(400);
        subscribe(subscription("me/mailFolders('nosuchfolder')/messages", "created")).statusCode(404);
        given().contentType("application/json").body(subscription("me/messages", "created")).post(SUBSCRIPTIONS).then()
                .statusCode(401);
        graph(token).get(SUBSCRIPTIONS + "/00000000-0000-0000-0000-000000000000").then().statusCode(404)
                .body("error.code", equalTo("ResourceNotFound"));
        assertThat(receiver.validations("/graph")).hasSize(1);
    }

    @Test
    void aMailboxTakesAtMostAThousandSubscriptions() {
        Map<String, Object> body = subscription("me/messages", "created");
        body.remove("lifecycleNotificationUrl");
        for (int i = 0; i < 1_000; i++) {
            subscribe(body).statusCode(201);
        }
        subscribe(body).statusCode(403).body("error.code", equalTo("ExtensionError"))
                .body("error.message", equalTo("Operation: Create; Exception: [Status Code: Forbidden;"
                        + " Reason: Number of subscriptions on item has exceeded limit]"));
        assertThat(receiver.validations("/graph")).hasSize(1_000);
        // Another mailbox has its own allowance.
        subscribe(subscription("users/support@contoso.test/messages", "created")).statusCode(201);
    }

    @Test
    void sharedMailboxesNeedFullAccessAndASharedScope() {
        String shared = subscribe(subscription("users/support@contoso.test/messages", "created")).statusCode(201)
                .extract().path("id");
        subscribe(subscription("users/finance@contoso.test/messages", "created")).statusCode(403)
                .body("error.code", equalTo("ExtensionError"))
                .body("error.message", equalTo("Operation: Create; Exception: [Status Code: Forbidden;"
                        + " Reason: Access is denied. Check credentials and try again.]"));
        subscribe(subscription("users/erin@contoso.test/events", "created")).statusCode(403);
        String ownOnly = MicrosoftFlow.tokens(UPN, "openid offline_access Mail.ReadBasic").getString("access_token");
        graph(ownOnly).body(subscription("users/support@contoso.test/messages", "created")).post(SUBSCRIPTIONS).then()
                .statusCode(403);
        graph(ownOnly).body(subscription("me/events", "created")).post(SUBSCRIPTIONS).then().statusCode(403);

        String id = given().contentType("application/json").body(message("sh1", "2026-03-05T10:00:00Z", "Shared"))
                .post("/_emulator/microsoft/shared-mailboxes/support@contoso.test/folders/inbox/messages").then()
                .statusCode(200).extract().path("ids[0]");
        await().atMost(Duration.ofSeconds(5)).until(() -> itemsOf(shared).size() == 1);
        String resource = itemsOf(shared).get(0).path("resource").asText();
        assertThat(resource).matches("Users/[0-9a-f-]{36}/Messages/" + id).doesNotContain(userId);
    }

    @Test
    void eventSubscriptionsNotifyCalendarChanges() {
        String id = subscribe(subscription("me/events", "created,updated,deleted")).statusCode(201).extract().path("id");
        Map<String, Object> event = Map.of("id", "ev1", "subject", "Review",
                "start", Map.of("dateTime", "2026-03-02T15:00:00.0000000", "timeZone", "UTC"),
                "end", Map.of("dateTime", "2026-03-02T15:30:00.0000000", "timeZone", "UTC"));
        given().contentType("application/json").body(event).post(MAILBOX + "/events").then().statusCode(200);
        given().contentType("application/json").body(event).post(MAILBOX + "/events").then().statusCode(200);
        given().delete(MAILBOX + "/events/ev1").then().statusCode(204);
        await().atMost(Duration.ofSeconds(5)).until(() -> itemsOf(id).size() == 3);
        assertThat(itemsOf(id).stream().map(i -> i.path("changeType").asText()).toList())
                .containsExactly("created", "updated", "deleted");
        JsonNode first = itemsOf(id).get(0);
        assertThat(first.path("resource").asText()).isEqualTo("Users/" + userId + "/Events/ev1");
        assertThat(first.path("resourceData").path("@odata.type").asText()).isEqualTo("#Microsoft.Graph.Event");
        assertThat(itemsOf(id).stream().map(i -> i.path("resourceData").path("@odata.etag").asText()).distinct().count())
                .isEqualTo(3);
    }

    @Test
    void lifecycleNotificationsAreSentOnDemand() {
        String id = subscribe(subscription("me/messages", "created")).statusCode(201).extract().path("id");
        Map<String, Object> noLifecycle = subscription("me/messages", "created");
        noLifecycle.remove("lifecycleNotificationUrl");
        String silent = subscribe(noLifecycle).statusCode(201).extract().path("id");

        given().contentType("application/json").body(Map.of("user", UPN, "lifecycleEvent", "reauthorizationRequired"))
                .post("/_emulator/push/lifecycle").then().statusCode(200)
                .body("notified", equalTo(List.of(id))).body("skipped", equalTo(List.of(silent)));
        await().atMost(Duration.ofSeconds(5)).until(() -> items("/lifecycle").size() == 1);
        JsonNode challenge = items("/lifecycle").get(0);
        assertThat(challenge.path("lifecycleEvent").asText()).isEqualTo("reauthorizationRequired");
        assertThat(challenge.path("subscriptionId").asText()).isEqualTo(id);
        assertThat(challenge.path("clientState").asText()).isEqualTo("cs-" + "me/messages".hashCode());
        assertThat(challenge.path("tenantId").asText()).isEqualTo(tenantId);
        assertThat(challenge.has("subscriptionExpirationDateTime")).isTrue();
        given().get("/_emulator/push").then()
                .body("graphSubscriptions.find { it.id == '" + id + "' }.reauthorizationRequired", equalTo(true));
        graph(token).post(SUBSCRIPTIONS + "/" + id + "/reauthorize").then().statusCode(204);
        given().get("/_emulator/push").then()
                .body("graphSubscriptions.find { it.id == '" + id + "' }.reauthorizationRequired", equalTo(false));

        given().contentType("application/json").body(Map.of("subscriptionId", id, "lifecycleEvent", "subscriptionRemoved"))
                .post("/_emulator/push/lifecycle").then().statusCode(200).body("removed", equalTo(List.of(id)));
        await().atMost(Duration.ofSeconds(5)).until(() -> items("/lifecycle").size() == 2);
        assertThat(items("/lifecycle").get(1).path("lifecycleEvent").asText()).isEqualTo("subscriptionRemoved");
        graph(token).get(SUBSCRIPTIONS + "/" + id).then().statusCode(404);
        given().contentType("application/json").body(Map.of("subscriptionId", id, "lifecycleEvent", "missed"))
                .post("/_emulator/push/lifecycle").then().statusCode(404);
        given().contentType("application/json").body(Map.of("lifecycleEvent", "bogus"))
                .post("/_emulator/push/lifecycle").then().statusCode(400);
    }

    @Test
    void subscriptionsBelongToTheirCreatorAndARevokeRemovesThem() {
        String id = subscribe(subscription("me/messages", "created")).statusCode(201).extract().path("id");
        String erin = MicrosoftFlow.tokens("erin@contoso.test", MicrosoftFlow.SCOPES).getString("access_token");
        graph(erin).get(SUBSCRIPTIONS).then().statusCode(200).body("value.size()", equalTo(0));
        graph(erin).get(SUBSCRIPTIONS + "/" + id).then().statusCode(404);
        graph(erin).delete(SUBSCRIPTIONS + "/" + id).then().statusCode(404);
        String gone = subscribe(subscription("me/messages", "created")).statusCode(201).extract().path("id");
        graph(token).delete(SUBSCRIPTIONS + "/" + gone).then().statusCode(204);
        graph(token).delete(SUBSCRIPTIONS + "/" + gone).then().statusCode(404);

        given().contentType("application/json").body(Map.of("email", UPN)).post("/_emulator/revoke").then().statusCode(200)
                .body("pushStopped.graphSubscriptions", equalTo(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> items("/lifecycle").size() == 1);
        assertThat(items("/lifecycle").get(0).path("lifecycleEvent").asText()).isEqualTo("subscriptionRemoved");
        assertThat(items("/lifecycle").get(0).path("subscriptionId").asText()).isEqualTo(id);
        given().get("/_emulator/push").then().body("graphSubscriptions.size()", equalTo(0));
    }
}

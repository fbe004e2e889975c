package io.interactionsync.emulator.control;

import static io.interactionsync.emulator.support.GoogleFlow.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String LIST = "/gmail.googleapis.com/gmail/v1/users/me/messages";
    private String token;

    @BeforeEach
    void load() {
        GoogleFlow.putUser("fault@acme.test", "Fault", List.of(message("f1", 1000, List.of("INBOX"))));
        GoogleFlow.putUser("fine@acme.test", "Fine", List.of());
        token = GoogleFlow.gmailToken("fault@acme.test");
    }

    private static void faults(Object... rules) {
        given().contentType("application/json").body(Map.of("rules", List.of(rules))).put("/_emulator/faults")
                .then().statusCode(200);
    }

    @Test
    void countedRuleFailsThatManyTimesThenStops() {
        faults(Map.of("provider", "google", "pathRegex", "/users/[^/]+/messages$", "status", 503, "count", 2,
                "retryAfterSeconds", 7));
        Response first = given().auth().oauth2(token).get(LIST);
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.header("Retry-After")).isEqualTo("7");
        first.then().body("error.code", equalTo(503)).body("error.errors[0].reason", equalTo("backendError"));
        given().auth().oauth2(token).get(LIST).then().statusCode(503);
        given().auth().oauth2(token).get(LIST).then().statusCode(200);
    }

    @Test
    void ruleForOneUserLeavesOthersAlone() {
        faults(Map.of("provider", "google", "user", "fault@acme.test", "status", 429));
        given().auth().oauth2(token).get(LIST).then().statusCode(429)
                .body("error.status", equalTo("RESOURCE_EXHAUSTED"));
        given().auth().oauth2(GoogleFlow.gmailToken("fine@acme.test")).get(LIST).then().statusCode(200);
        given().get("/_emulator/stats").then().body("users.'fault@acme.test'.throttled", equalTo(1));
    }

    @Test
    void tokenEndpointFaultUsesOAuthErrorShape() {
        faults(Map.of("provider", "google", "pathRegex", "^/oauth2.googleapis.com/token", "status", 400, "count", 1));
        given().formParam("grant_type", "refresh_token").formParam("refresh_token", "x")
                .post("/oauth2.googleapis.com/token").then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void zeroProbabilityNeverFiresAndDeleteClearsRules() {
        faults(Map.of("provider", "google", "status", 500, "probability", 0.0));
        given().auth().oauth2(token).get(LIST).then().statusCode(200);
        faults(Map.of("provider", "google", "status", 500));
        given().auth().oauth2(token).get(LIST).then().statusCode(500);
        given().delete("/_emulator/faults").then().statusCode(204);
        given().auth().oauth2(token).get(LIST).then().statusCode(200);
    }

    @Test
    void latencyOnlyRuleDelaysButSucceeds() {
        faults(Map.of("provider", "google", "pathRegex", "/messages$", "latencyMs", 300));
        long start = System.nanoTime();
        given().auth().oauth2(token).get(LIST).then().statusCode(200);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(290);
    }

    @Test
    void invalidRulesAreRejected() {
        given().contentType("application/json").body(Map.of("rules", List.of(Map.of("status", 200))))
                .put("/_emulator/faults").then().statusCode(400);
        given().contentType("application/json").body(Map.of("rules", List.of(Map.of("status", 500, "pathRegex", "("))))
                .put("/_emulator/faults").then().statusCode(400);
        given().contentType("application/json").body(Map.of("rules", List.of(Map.of("provider", "yahoo", "status", 500))))
                .put("/_emulator/faults").then().statusCode(400);
    }

    @Test
    void graphFaultForOneMailboxUsesGraphErrorShapeWithRetryAfter() {
        io.interactionsync.emulator.support.MicrosoftFlow.putUser("dana@contoso.test", Map.of());
        String msToken = io.interactionsync.emulator.support.MicrosoftFlow.tokens("dana@contoso.test",
                io.interactionsync.emulator.support.MicrosoftFlow.SCOPES).getString("access_token");
        faults(Map.of("provider", "microsoft", "user", "dana@contoso.test", "pathRegex", "/messages/delta",
                "status", 503, "count", 1, "retryAfterSeconds", 3));
        Response response = given().auth().oauth2(msToken).get("/graph.microsoft.com/v1.0/me/mailFolders/inbox/messages/delta");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.header("Retry-After")).isEqualTo("3");
        assertThat(response.jsonPath().getString("error.code")).isEqualTo("ServiceUnavailable");
        given().auth().oauth2(msToken).get("/graph.microsoft.com/v1.0/me/mailFolders/inbox/messages/delta").then().statusCode(200);
    }
}

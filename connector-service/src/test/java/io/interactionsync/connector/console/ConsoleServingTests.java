package io.interactionsync.connector.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The connector serves the console without a token: its page, its scripts, the import map that resolves {@code lit},
 * and its public settings, which name no secret. The API behind it still wants a user's JWT.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class ConsoleServingTests {

    @Test
    void shouldServeTheConsolePageItsScriptsAndTheImportMapToAnonymousBrowsers() {
        given().get("/console/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<is-app>"), containsString("/_importmap/generated_importmap.js"),
                        containsString("lang=\"en\""));
        given().get("/console/js/app.js").then().statusCode(200).body(containsString("customElements.define('is-app'"));
        given().get("/_importmap/generated_importmap.js").then().statusCode(200)
                .body(containsString("\"lit\""), containsString("/_static/lit/"));
    }

    @Test
    void shouldPublishOnlyPublicSettings() {
        given().get("/console/config.json").then().statusCode(200)
                .body("clientId", equalTo("interaction-sync-console"))
                .body("issuer", endsWith("/idp"))
                .body("pollMillis", equalTo(3000))
                .body(not(containsString("secret")));
        given().get("/api/v1/google-accounts").then().statusCode(401);
    }
}

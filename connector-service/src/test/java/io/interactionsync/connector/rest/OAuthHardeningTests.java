package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.CALLBACK;
import static io.interactionsync.connector.ConnectorTestSupport.authorize;
import static io.interactionsync.connector.ConnectorTestSupport.emulator;
import static io.interactionsync.connector.ConnectorTestSupport.loadGoogleUser;
import static io.interactionsync.connector.ConnectorTestSupport.uniqueEmail;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.interactionsync.connector.MicrosoftTestSupport.authorizeUrl;
import static io.interactionsync.connector.MicrosoftTestSupport.loadMicrosoftUser;
import static io.interactionsync.connector.MicrosoftTestSupport.post;
import static io.interactionsync.connector.MicrosoftTestSupport.uniqueUpn;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.connector.ConnectorTestSupport;
import io.interactionsync.connector.MicrosoftTestSupport;
import io.interactionsync.model.Json;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Code injection on the Microsoft flow, and granted scopes taken only from the token response (issue 17, OAuth
 * hardening). The Google injection cases are in {@link GoogleConnectTests}.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class OAuthHardeningTests {

    private static void omitTokenScope(boolean omit) {
        given().baseUri(emulator()).contentType(ContentType.JSON).body(Map.of("omitTokenScope", omit))
                .put("/_emulator/config").then().statusCode(200);
    }

    @Test
    void shouldRefuseAMicrosoftCodeWithoutOurState() {
        String upn = uniqueUpn("victim");
        loadMicrosoftUser(upn);
        Map<String, String> victims = MicrosoftTestSupport.authorize(userJwt("victim-" + UUID.randomUUID()), upn, "mail");
        String attacker = userJwt("attacker-" + UUID.randomUUID());
        post(attacker, Map.of("code", victims.get("code"), "redirectUri", MicrosoftTestSupport.CALLBACK))
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("state_required"));
    }

    @Test
    void shouldRefuseAMicrosoftCodeOfTheVictimsFlowUnderTheAttackersOwnState() {
        String upn = uniqueUpn("victim");
        loadMicrosoftUser(upn);
        Map<String, String> victims = MicrosoftTestSupport.authorize(userJwt("victim-" + UUID.randomUUID()), upn, "mail");
        String attacker = userJwt("attacker-" + UUID.randomUUID());
        String attackersState = authorizeUrl(attacker, "mail").get("state").asText();
        post(attacker, Map.of("code", victims.get("code"), "redirectUri", MicrosoftTestSupport.CALLBACK,
                "state", attackersState))
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("authorization_code_not_for_this_state"));
        given().auth().oauth2(attacker).get("/api/v1/microsoft-accounts").then().statusCode(200)
                .body("size()", equalTo(0));
    }

    @Test
    void shouldRefuseTheStateOfAnotherProvider() {
        String email = uniqueEmail("cross");
        loadGoogleUser(email);
        String jwt = userJwt("u-" + UUID.randomUUID());
        Map<String, String> google = authorize(jwt, email, "gmail");
        post(jwt, Map.of("code", google.get("code"), "redirectUri", CALLBACK, "state", google.get("state")))
                .then().statusCode(400).body("code", equalTo("invalid_state"));
    }

    @Test
    void shouldGrantNoGoogleDataScopeWhenTheTokenResponseNamesNone() {
        // Google documents scope in every token response (granular consent may drop any requested scope):
        // without one, nothing is assumed granted.
        String email = uniqueEmail("noscope");
        loadGoogleUser(email);
        String jwt = userJwt("u-" + UUID.randomUUID());
        omitTokenScope(true);
        JsonNode account;
        try {
            account = ConnectorTestSupport.connect(jwt, email, "gmail,calendar", 201);
        } finally {
            omitTokenScope(false);
        }
        assertThat(account.get("scopes")).isEmpty();
        assertThat(account.at("/sources/gmail/enabled").asBoolean()).isFalse();
        assertThat(account.at("/sources/google_calendar/enabled").asBoolean()).isFalse();
        // sync is refused: nothing was granted
        given().auth().oauth2(jwt).post("/api/v1/accounts/{id}/sync", account.get("id").asText())
                .then().statusCode(409).body("code", equalTo("no_sources_enabled"));
    }

    @Test
    void shouldRecordTheRequestedScopesWhenMicrosoftNamesNone() {
        // Microsoft: "if omitted, the token is for the scopes requested on the initial leg of the flow".
        String upn = uniqueUpn("noscope");
        loadMicrosoftUser(upn);
        String jwt = userJwt("u-" + UUID.randomUUID());
        omitTokenScope(true);
        JsonNode account;
        try {
            account = MicrosoftTestSupport.connect(jwt, upn, "mail", 201);
        } finally {
            omitTokenScope(false);
        }
        List<String> scopes = Json.mapper().convertValue(account.get("scopes"),
                Json.mapper().getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(scopes).anyMatch(s -> s.endsWith("Mail.ReadBasic")).noneMatch(s -> s.contains("Calendars"));
        assertThat(account.at("/sources/outlook_mail/enabled").asBoolean()).isTrue();
        assertThat(account.at("/sources/outlook_calendar/enabled").asBoolean()).isFalse();
    }
}

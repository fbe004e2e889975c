package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.connect;
import static io.interactionsync.connector.ConnectorTestSupport.emulator;
import static io.interactionsync.connector.ConnectorTestSupport.loadGoogleUser;
import static io.interactionsync.connector.ConnectorTestSupport.serviceToken;
import static io.interactionsync.connector.ConnectorTestSupport.uniqueEmail;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.interactionsync.connector.MicrosoftTestSupport.loadMicrosoftUser;
import static io.interactionsync.connector.MicrosoftTestSupport.uniqueUpn;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.interactionsync.connector.MicrosoftTestSupport;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The internal API trusts a client, not a role (issue 17): only client-credentials tokens of allow-listed clients with
 * the internal audience, each for its own provider's accounts; user tokens are refused whatever their roles, and
 * service tokens are refused on the user API.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class ServiceIdentityTests {

    private String owner;
    private String googleAccount;
    private String microsoftAccount;

    @BeforeEach
    void connectOneAccountOfEachProvider() {
        owner = userJwt("u-" + UUID.randomUUID());
        String email = uniqueEmail("svc");
        loadGoogleUser(email);
        googleAccount = connect(owner, email, "gmail", 201).get("id").asText();
        String upn = uniqueUpn("svc");
        loadMicrosoftUser(upn);
        microsoftAccount = MicrosoftTestSupport.connect(owner, upn, "mail", 201).get("id").asText();
    }

    private static ValidatableResponse accessToken(String bearer, String accountId) {
        return given().auth().oauth2(bearer).contentType(ContentType.JSON).body(Map.of())
                .post("/internal/v1/accounts/{id}/access-token", accountId).then();
    }

    @Test
    void shouldRefuseAJsonMintedUserTokenWithRoleServiceOnTheInternalApi() {
        // The attack of issue 17: any portal JWT with role "service" got any account's provider token.
        String forged = TestJwts.user("google-sync-service", "google-sync-service@services.test", "service");
        accessToken(forged, googleAccount).statusCode(403).contentType("application/problem+json")
                .body("code", equalTo("service_client_required"));
        accessToken(TestJwts.user("root", "root@acme.test", "service", "admin"), microsoftAccount).statusCode(403)
                .body("code", equalTo("service_client_required"));
    }

    @Test
    void shouldHandEachSyncServiceOnlyItsOwnProvidersTokens() {
        accessToken(serviceToken("google-sync-service"), googleAccount).statusCode(200)
                .body("provider", equalTo("google")).body("accessToken", notNullValue());
        accessToken(serviceToken("microsoft-sync-service"), microsoftAccount).statusCode(200)
                .body("provider", equalTo("microsoft"));

        accessToken(serviceToken("google-sync-service"), microsoftAccount).statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("provider_not_allowed"));
        accessToken(serviceToken("microsoft-sync-service"), googleAccount).statusCode(403)
                .body("code", equalTo("provider_not_allowed"));
    }

    @Test
    void shouldGiveTheNormalizerNoAccessToken() {
        accessToken(serviceToken("event-normalizer"), googleAccount).statusCode(403)
                .body("code", equalTo("provider_not_allowed"));
        accessToken(serviceToken("event-normalizer"), microsoftAccount).statusCode(403)
                .body("code", equalTo("provider_not_allowed"));
    }

    @Test
    void shouldRefuseAClientOffTheAllowList() {
        // The IdP issues tokens to connector-service too, but it is not a client of the internal API.
        accessToken(serviceToken("connector-service"), googleAccount).statusCode(403)
                .body("code", equalTo("client_not_allowed"));
    }

    @Test
    void shouldRefuseAServiceTokenForAnotherAudience() {
        given().baseUri(emulator()).contentType(ContentType.JSON)
                .body(Map.of("serviceAudiences", List.of("interaction-sync-internal", "https://reports.acme.test")))
                .put("/_emulator/config").then().statusCode(200);
        try {
            String otherAudience = given().baseUri(emulator()).formParam("grant_type", "client_credentials")
                    .formParam("client_id", "google-sync-service").formParam("client_secret", "local-service-secret")
                    .formParam("audience", "https://reports.acme.test")
                    .post("/idp/token").then().statusCode(200).extract().path("access_token");
            accessToken(otherAudience, googleAccount).statusCode(403).body("code", equalTo("client_not_allowed"))
                    .body("detail", org.hamcrest.Matchers.containsString("audience"));
        } finally {
            given().baseUri(emulator()).contentType(ContentType.JSON)
                    .body(Map.of("serviceAudiences", List.of("interaction-sync-internal")))
                    .put("/_emulator/config").then().statusCode(200);
        }
    }

    @Test
    void shouldRefuseServiceTokensOnTheUserApi() {
        String sync = serviceToken("google-sync-service");
        given().auth().oauth2(sync).get("/api/v1/google-accounts")
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", equalTo("service_token_not_allowed"));
        given().auth().oauth2(sync).get("/api/v1/microsoft-accounts/{id}", microsoftAccount)
                .then().statusCode(403).body("code", equalTo("service_token_not_allowed"));
        given().auth().oauth2(sync).post("/api/v1/accounts/{id}/sync", googleAccount)
                .then().statusCode(403).body("code", equalTo("service_token_not_allowed"));
        given().auth().oauth2(serviceToken("event-normalizer")).contentType(ContentType.JSON)
                .body(Map.of("name", "x", "memberEmails", List.of(), "internalDomains", List.of()))
                .put("/api/v1/collections/{id}", "team-" + UUID.randomUUID())
                .then().statusCode(403).body("code", equalTo("service_token_not_allowed"));
        // and the owner still sees the account
        given().auth().oauth2(owner).get("/api/v1/google-accounts/{id}", googleAccount).then().statusCode(200);
    }

    @Test
    void shouldStillAnswer401WithoutABearer() {
        given().post("/internal/v1/accounts/{id}/access-token", googleAccount)
                .then().statusCode(401).contentType("application/problem+json").body("code", equalTo("unauthorized"));
        given().get("/api/v1/google-accounts")
                .then().statusCode(401).contentType("application/problem+json").body("code", equalTo("unauthorized"));
    }
}

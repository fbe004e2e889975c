package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.adminJwt;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.interactionsync.connector.MicrosoftTestSupport.connect;
import static io.interactionsync.connector.MicrosoftTestSupport.loadMicrosoftUser;
import static io.interactionsync.connector.MicrosoftTestSupport.uniqueUpn;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class FeatureFlagTests {

    @Test
    void shouldSwitchASourceOffForOneAccountOnly() {
        String owner = userJwt("u-" + UUID.randomUUID());
        String admin = adminJwt("admin-" + UUID.randomUUID());
        String upn = uniqueUpn("flags");
        loadMicrosoftUser(upn);
        String id = connect(owner, upn, "mail,calendar", 201).get("id").asText();
        String otherUpn = uniqueUpn("flags-other");
        loadMicrosoftUser(otherUpn);
        String otherId = connect(owner, otherUpn, "mail", 201).get("id").asText();

        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("microsoft_sync", false))
                .put("/api/v1/accounts/{id}/features", id)
                .then().statusCode(200).body("features.microsoft_sync.global", equalTo(true))
                .body("features.microsoft_sync.account", equalTo(false))
                .body("features.microsoft_sync.effective", equalTo(false));

        given().auth().oauth2(owner).get("/api/v1/microsoft-accounts/{id}", id).then().statusCode(200)
                .body("sources.outlook_mail.enabled", equalTo(false))
                .body("sources.outlook_mail.state", equalTo("disabled"));
        given().auth().oauth2(owner).post("/api/v1/accounts/{id}/sync", id)
                .then().statusCode(409).body("code", equalTo("no_sources_enabled"));
        given().auth().oauth2(owner).post("/api/v1/accounts/{id}/sync", otherId).then().statusCode(202);

        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("microsoft_sync", true))
                .put("/api/v1/accounts/{id}/features", id)
                .then().statusCode(200).body("features.microsoft_sync.effective", equalTo(true));
        given().auth().oauth2(owner).post("/api/v1/accounts/{id}/sync", id).then().statusCode(202);
    }

    @Test
    void shouldRefuseUnknownFlagsNonAdminsAndUnknownAccounts() {
        String admin = adminJwt("admin-" + UUID.randomUUID());
        String owner = userJwt("u-" + UUID.randomUUID());
        String upn = uniqueUpn("flags-err");
        loadMicrosoftUser(upn);
        String id = connect(owner, upn, "mail", 201).get("id").asText();

        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("teleport_sync", false))
                .put("/api/v1/accounts/{id}/features", id)
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("unknown_feature_flag"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body(Map.of("microsoft_sync", false))
                .put("/api/v1/accounts/{id}/features", id)
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
        given().auth().oauth2(admin).get("/api/v1/accounts/{id}/features", UUID.randomUUID())
                .then().statusCode(404).body("code", equalTo("account_not_found"));
        given().auth().oauth2(admin).get("/api/v1/accounts/{id}/features", id)
                .then().statusCode(200).body("features.gmail_metadata_sync.effective", equalTo(true));
    }
}

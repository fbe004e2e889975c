package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.accessToken;
import static io.interactionsync.connector.ConnectorTestSupport.assertValid;
import static io.interactionsync.connector.ConnectorTestSupport.db;
import static io.interactionsync.connector.ConnectorTestSupport.emulator;
import static io.interactionsync.connector.ConnectorTestSupport.json;
import static io.interactionsync.connector.ConnectorTestSupport.query;
import static io.interactionsync.connector.ConnectorTestSupport.microsoftSyncToken;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.interactionsync.connector.MicrosoftTestSupport.CALLBACK;
import static io.interactionsync.connector.MicrosoftTestSupport.approve;
import static io.interactionsync.connector.MicrosoftTestSupport.authorize;
import static io.interactionsync.connector.MicrosoftTestSupport.authorizeUrl;
import static io.interactionsync.connector.MicrosoftTestSupport.connect;
import static io.interactionsync.connector.MicrosoftTestSupport.loadMicrosoftUser;
import static io.interactionsync.connector.MicrosoftTestSupport.post;
import static io.interactionsync.connector.MicrosoftTestSupport.uniqueUpn;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.connector.crypto.TokenCipher;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class MicrosoftConnectTests {

    @Inject
    TokenCipher cipher;

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void shouldBuildAnOrganizationsAuthorizeUrlWithPkceAndFullGraphScopes() {
        JsonNode auth = authorizeUrl(userJwt("u-" + UUID.randomUUID()), "mail,calendar,sharedMail,sharedCalendar");
        String url = auth.get("url").asText();
        assertThat(url).startsWith(emulator() + "/login.microsoftonline.com/organizations/oauth2/v2.0/authorize?");
        Map<String, String> q = query(url);
        assertThat(q).containsEntry("client_id", "local-ms-client").containsEntry("response_type", "code")
                .containsEntry("redirect_uri", CALLBACK).containsEntry("code_challenge_method", "S256")
                .containsEntry("state", auth.get("state").asText());
        assertThat(q.get("code_challenge")).hasSize(43);
        assertThat(q.get("scope").split(" ")).containsExactly("offline_access", "openid", "profile", "email",
                "https://graph.microsoft.com/User.Read", "https://graph.microsoft.com/Mail.ReadBasic",
                "https://graph.microsoft.com/Calendars.ReadBasic", "https://graph.microsoft.com/Mail.ReadBasic.Shared",
                "https://graph.microsoft.com/Calendars.Read.Shared");

        given().auth().oauth2(userJwt("u-" + UUID.randomUUID())).queryParam("scopes", "mail,contacts")
                .queryParam("redirectUri", CALLBACK).get("/api/v1/microsoft/authorize-url")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("unknown_scope"));
        given().auth().oauth2(userJwt("u-" + UUID.randomUUID())).queryParam("scopes", "mail")
                .queryParam("redirectUri", "https://evil.test/cb").get("/api/v1/microsoft/authorize-url")
                .then().statusCode(400).body("code", equalTo("redirect_uri_not_allowed"));
    }

    @Test
    void shouldConnectAWorkAccountWithEncryptedTokensAndSchemaValidRecords() throws Exception {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String upn = uniqueUpn("ms");
        loadMicrosoftUser(upn);

        JsonNode account = connect(jwt, upn, "mail,calendar", 201);

        String id = account.get("id").asText();
        assertThat(account.get("provider").asText()).isEqualTo("microsoft");
        assertThat(account.get("email").asText()).isEqualTo(upn);
        assertThat(account.get("scopes").toString()).contains("Mail.ReadBasic", "Calendars.ReadBasic");
        assertThat(account.at("/sources/outlook_mail/enabled").asBoolean()).isTrue();
        assertThat(account.at("/sources/outlook_calendar/state").asText()).isEqualTo("pending");
        assertThat(account.get("sharedMailboxes")).isEmpty();
        assertThat(account.toString()).doesNotContain("EwB", "1.A");

        JsonNode token = accessToken(id, null);
        assertThat(token.get("provider").asText()).isEqualTo("microsoft");
        String access = token.get("accessToken").asText();
        given().auth().oauth2(access).get(emulator() + "/graph.microsoft.com/v1.0/me")
                .then().statusCode(200).body("userPrincipalName", equalTo(upn));

        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select provider_user_id, token_key_id, access_token_enc, refresh_token_enc from connector.accounts where id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("provider_user_id")).matches("[0-9a-f-]{36}\\.[0-9a-f-]{36}");
                byte[] accessEnc = rs.getBytes("access_token_enc");
                byte[] refreshEnc = rs.getBytes("refresh_token_enc");
                String refresh = cipher.open(refreshEnc, rs.getString("token_key_id"), id + "/refresh");
                assertThat(refresh).isNotBlank();
                assertThat(new String(accessEnc, StandardCharsets.ISO_8859_1)).doesNotContain(access);
                assertThat(new String(refreshEnc, StandardCharsets.ISO_8859_1)).doesNotContain(refresh);
            }
        }

        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            JsonNode event = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS, r -> id.equals(r.key()), 1,
                    Duration.ofSeconds(30)).get(0));
            assertValid(Contract.ACCOUNT_EVENT, event);
            assertThat(event.get("type").asText()).isEqualTo("connected");
            assertThat(event.get("provider").asText()).isEqualTo("microsoft");
            assertThat(event.get("sources").toString()).contains("outlook_mail", "outlook_calendar");
            JsonNode request = json(kafka.awaitRecords(Topics.SYNC_REQUESTS, r -> id.equals(r.key()), 1,
                    Duration.ofSeconds(30)).get(0));
            assertValid(Contract.SYNC_REQUEST, request);
            assertThat(request.get("reason").asText()).isEqualTo("connect");
        }
    }

    @Test
    void shouldUpdateTheSameRowWhenTheAccountIsReconnected() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String upn = uniqueUpn("again");
        loadMicrosoftUser(upn);
        String id = connect(jwt, upn, "mail", 201).get("id").asText();

        JsonNode again = connect(jwt, upn, "mail,calendar,sharedMail", 200);

        assertThat(again.get("id").asText()).isEqualTo(id);
        assertThat(again.get("scopes").toString()).contains("Mail.ReadBasic.Shared");
        given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts").then().statusCode(200).body("size()", equalTo(1));
    }

    @Test
    void shouldAddCalendarToAMailOnlyAccountWhenItsOwnerReconnectsAskingForBoth() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String upn = uniqueUpn("later");
        loadMicrosoftUser(upn);
        JsonNode first = connect(jwt, upn, "mail", 201);
        String id = first.get("id").asText();
        assertThat(first.get("sources").get("outlook_calendar").get("state").asText()).isEqualTo("disabled");

        // the console asks for the account's scopes plus the new one: the connector records the token response's scopes
        // (the emulator reports only the requested ones), so asking for calendar alone would switch mail off
        JsonNode again = connect(jwt, upn, "mail,calendar", 200);
        assertThat(again.get("id").asText()).isEqualTo(id);
        assertThat(again.get("scopes").toString()).contains("Mail.ReadBasic", "Calendars.ReadBasic");
        assertThat(again.get("sources").get("outlook_calendar").get("enabled").asBoolean()).isTrue();
        assertThat(again.get("sources").get("outlook_mail").get("enabled").asBoolean()).isTrue();
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            List<JsonNode> requests = kafka.awaitRecords(Topics.SYNC_REQUESTS,
                    r -> id.equals(r.key()) && r.value().contains("\"connect\""), 2, Duration.ofSeconds(30))
                    .stream().map(r -> json(r)).toList();
            assertThat(requests.get(1).get("sources").toString()).contains("outlook_mail", "outlook_calendar");
        }
    }

    @Test
    void shouldRejectAStateOfAnotherUserAndAPkceMismatch() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String upn = uniqueUpn("pkce");
        loadMicrosoftUser(upn);
        Map<String, String> cb = authorize(jwt, upn, "mail");
        post(userJwt("intruder-" + UUID.randomUUID()), Map.of("code", cb.get("code"), "redirectUri", CALLBACK,
                "state", cb.get("state")))
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("invalid_state"));

        // A code obtained with another PKCE challenge does not redeem with the verifier behind our state.
        JsonNode auth = authorizeUrl(jwt, "mail");
        String forged = auth.get("url").asText().replaceAll("code_challenge=[^&]+",
                "code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        Map<String, String> forgedCb = approve(forged, upn);
        post(jwt, Map.of("code", forgedCb.get("code"), "redirectUri", CALLBACK, "state", auth.get("state").asText()))
                .then().statusCode(400).body("code", equalTo("authorization_code_not_for_this_state"));
        given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void shouldRefuseAPersonalAccountWithAMessageAUserUnderstands() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String upn = "someone-" + UUID.randomUUID().toString().substring(0, 8) + "@outlook.test";
        loadMicrosoftUser(upn, Map.of("personal", true));

        // On /organizations Microsoft redirects with AADSTS500208; the portal forwards the error.
        Map<String, String> cb = authorize(jwt, upn, "mail");
        assertThat(cb.get("error_description")).startsWith("AADSTS500208");
        post(jwt, Map.of("error", cb.get("error"), "errorDescription", cb.get("error_description"),
                "redirectUri", CALLBACK, "state", cb.get("state")))
                .then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("personal_account_not_allowed"))
                .body("detail", org.hamcrest.Matchers.containsString("work or school account"));

        // A code from an audience that admits personal accounts is refused by the id_token's consumer tid.
        JsonNode auth = authorizeUrl(jwt, "mail");
        Map<String, String> common = approve(auth.get("url").asText().replace("/organizations/", "/common/"), upn);
        post(jwt, Map.of("code", common.get("code"), "redirectUri", CALLBACK, "state", auth.get("state").asText()))
                .then().statusCode(422).body("code", equalTo("personal_account_not_allowed"));
        given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void shouldAnswer403WithTheAdminConsentUrlWhenTheTenantBlocksConsent() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String domain = "tenant-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        String upn = "blocked@" + domain;
        loadMicrosoftUser(upn, Map.of("consentError", "AADSTS65001"));
        Map<String, String> cb = authorize(jwt, upn, "mail");

        String adminConsentUrl = post(jwt, Map.of("code", cb.get("code"), "redirectUri", CALLBACK, "state", cb.get("state")))
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", equalTo("admin_consent_required"))
                .body("adminConsentUrl", startsWith(emulator()
                        + "/login.microsoftonline.com/organizations/v2.0/adminconsent?client_id=local-ms-client&scope="))
                .extract().path("adminConsentUrl");
        Map<String, String> q = query(adminConsentUrl);
        assertThat(q.get("redirect_uri")).isEqualTo(CALLBACK);
        assertThat(q.get("scope")).contains("https://graph.microsoft.com/Mail.ReadBasic");
        assertThat(q.get("state")).isNotBlank();

        // AADSTS90094 redirected at authorize is classified the same way.
        String other = "blocked2@" + domain;
        loadMicrosoftUser(other, Map.of("consentError", "AADSTS90094"));
        Map<String, String> denied = authorize(jwt, other, "mail");
        post(jwt, Map.of("error", denied.get("error"), "errorDescription", denied.get("error_description"),
                "redirectUri", CALLBACK, "state", denied.get("state")))
                .then().statusCode(403).body("code", equalTo("admin_consent_required"))
                .body("adminConsentUrl", startsWith(emulator() + "/login.microsoftonline.com/organizations/v2.0/adminconsent?"));

        // Once an administrator consented, the user connects.
        given().redirects().follow(false).urlEncodingEnabled(false)
                .get(adminConsentUrl + "&login_hint=" + upn).then().statusCode(302);
        connect(jwt, upn, "mail", 201);
    }

    @Test
    void shouldStoreTheRotatedRefreshTokenOnEveryRefresh() throws Exception {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String upn = uniqueUpn("rotate");
        loadMicrosoftUser(upn);
        String id = connect(jwt, upn, "mail", 201).get("id").asText();

        List<String> refreshTokens = new ArrayList<>();
        refreshTokens.add(storedRefreshToken(id));
        String access = accessToken(id, null).get("accessToken").asText();
        for (int i = 0; i < 2; i++) {
            String fresh = accessToken(id, access).get("accessToken").asText();
            assertThat(fresh).isNotEqualTo(access);
            access = fresh;
            refreshTokens.add(storedRefreshToken(id));
        }

        assertThat(refreshTokens).doesNotContainNull().doesNotHaveDuplicates().hasSize(3);
        given().auth().oauth2(access).get(emulator() + "/graph.microsoft.com/v1.0/me").then().statusCode(200);
    }

    @Test
    void shouldShareOneRotatingRefreshAmongConcurrentCallers() throws Exception {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String upn = uniqueUpn("burst");
        loadMicrosoftUser(upn);
        String id = connect(jwt, upn, "mail", 201).get("id").asText();
        String before = storedRefreshToken(id);
        io.interactionsync.connector.ConnectorTestSupport.setAccessTokenExpiry(id, java.time.Instant.now().plusSeconds(10));
        var counter = meters.find("connector.token.refreshes").tag("outcome", "refreshed").counter();
        double refreshes = counter == null ? 0 : counter.count();

        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<String>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return accessToken(id, null).get("accessToken").asText();
                }));
            }
            start.countDown();
            java.util.Set<String> tokens = new java.util.HashSet<>();
            for (var call : calls) {
                tokens.add(call.get());
            }
            assertThat(tokens).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(meters.find("connector.token.refreshes").tag("outcome", "refreshed").counter().count())
                .isEqualTo(refreshes + 1);
        assertThat(storedRefreshToken(id)).isNotEqualTo(before);
    }

    @Test
    void shouldMarkTheAccountReauthRequiredWhenTheRefreshTokenWasRevoked() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String upn = uniqueUpn("revoked");
        loadMicrosoftUser(upn);
        String id = connect(jwt, upn, "mail", 201).get("id").asText();
        String access = accessToken(id, null).get("accessToken").asText();
        given().baseUri(emulator()).contentType(ContentType.JSON).body(Map.of("email", upn))
                .post("/_emulator/revoke").then().statusCode(200);

        given().auth().oauth2(microsoftSyncToken()).contentType(ContentType.JSON).body(Map.of("rejectedAccessToken", access))
                .post("/internal/v1/accounts/{id}/access-token", id)
                .then().statusCode(409).contentType("application/problem+json").body("code", equalTo("reauth_required"));
        given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts/{id}", id)
                .then().statusCode(200).body("syncStatus", equalTo("reauth_required"));
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            JsonNode event = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                    r -> id.equals(r.key()) && r.value().contains("reauth_required"), 1, Duration.ofSeconds(30)).get(0));
            assertValid(Contract.ACCOUNT_EVENT, event);
        }
    }

    @Test
    void shouldEraseTokensAndPublishDisconnectedOnDelete() throws Exception {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String upn = uniqueUpn("bye");
        loadMicrosoftUser(upn);
        String id = connect(jwt, upn, "mail", 201).get("id").asText();

        // keeping the data is allowed without a team policy: the row stays, disconnected, its tokens erased
        given().auth().oauth2(jwt).queryParam("purge", false).delete("/api/v1/microsoft-accounts/{id}", id)
                .then().statusCode(204).header("Retention-Outcome", "kept").header("Retention-Reason", "requested");

        given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts/{id}", id).then().statusCode(404);
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select status, access_token_enc, refresh_token_enc from connector.accounts where id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("status")).isEqualTo("DISCONNECTED");
                assertThat(rs.getBytes("access_token_enc")).isNull();
                assertThat(rs.getBytes("refresh_token_enc")).isNull();
            }
        }
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            JsonNode event = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                    r -> id.equals(r.key()) && r.value().contains("\"disconnected\""), 1, Duration.ofSeconds(30)).get(0));
            assertValid(Contract.ACCOUNT_EVENT, event);
        }
    }

    private String storedRefreshToken(String id) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select token_key_id, refresh_token_enc from connector.accounts where id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return cipher.open(rs.getBytes("refresh_token_enc"), rs.getString("token_key_id"), id + "/refresh");
            }
        }
    }
}

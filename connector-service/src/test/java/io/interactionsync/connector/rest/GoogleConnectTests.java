package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.CALLBACK;
import static io.interactionsync.connector.ConnectorTestSupport.accessToken;
import static io.interactionsync.connector.ConnectorTestSupport.assertValid;
import static io.interactionsync.connector.ConnectorTestSupport.authorize;
import static io.interactionsync.connector.ConnectorTestSupport.connect;
import static io.interactionsync.connector.ConnectorTestSupport.db;
import static io.interactionsync.connector.ConnectorTestSupport.emulator;
import static io.interactionsync.connector.ConnectorTestSupport.json;
import static io.interactionsync.connector.ConnectorTestSupport.loadGoogleUser;
import static io.interactionsync.connector.ConnectorTestSupport.query;
import static io.interactionsync.connector.ConnectorTestSupport.uniqueEmail;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.connector.ConnectorTestSupport;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class GoogleConnectTests {

    private static KafkaTestClient kafka;

    @BeforeAll
    static void kafka() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void shouldBuildAnAuthorizeUrlWithOfflineAccessIncrementalConsentAndPkce() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        JsonNode body = io.interactionsync.model.Json.mapper().valueToTree(given().auth().oauth2(jwt)
                .queryParam("scopes", "gmail,calendar").queryParam("redirectUri", CALLBACK)
                .get("/api/v1/google/authorize-url").then().statusCode(200).extract().as(Map.class));
        String url = body.get("url").asText();
        assertThat(url).startsWith(emulator() + "/accounts.google.com/o/oauth2/v2/auth?");
        Map<String, String> q = query(url);
        assertThat(q).containsEntry("client_id", "local-google-client")
                .containsEntry("redirect_uri", CALLBACK)
                .containsEntry("response_type", "code")
                .containsEntry("access_type", "offline")
                .containsEntry("include_granted_scopes", "true")
                .containsEntry("prompt", "consent")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("state", body.get("state").asText());
        assertThat(q.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
        assertThat(q.get("scope").split(" ")).contains("openid", "email", "profile",
                "https://www.googleapis.com/auth/gmail.metadata", "https://www.googleapis.com/auth/calendar.readonly");
    }

    @Test
    void shouldConnectAGoogleAccountStoreTokensEncryptedAndPublishEvents() throws Exception {
        String user = "u-" + UUID.randomUUID();
        String jwt = userJwt(user);
        String email = uniqueEmail("alice");
        loadGoogleUser(email);

        JsonNode account = connect(jwt, email, "gmail,calendar", 201);

        String id = account.get("id").asText();
        assertThat(account.get("provider").asText()).isEqualTo("google");
        assertThat(account.get("email").asText()).isEqualTo(email);
        assertThat(account.get("scopes").toString()).contains("gmail.metadata", "calendar.readonly");
        assertThat(account.get("sources").get("gmail").get("enabled").asBoolean()).isTrue();
        assertThat(account.get("sources").get("gmail").get("state").asText()).isEqualTo("pending");
        assertThat(account.get("sources").get("google_calendar").get("enabled").asBoolean()).isTrue();
        assertThat(account.get("syncStatus").asText()).isEqualTo("pending");
        assertThat(account.get("sharedMailboxes").isArray()).isTrue();
        assertThat(account.has("createdAt")).isTrue();
        assertThat(account.toString()).doesNotContainIgnoringCase("token");

        List<ConsumerRecord<String, String>> events = kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                r -> id.equals(r.key()), 1, Duration.ofSeconds(30));
        JsonNode connected = json(events.get(0));
        assertValid(Contract.ACCOUNT_EVENT, connected);
        assertThat(connected.get("type").asText()).isEqualTo("connected");
        assertThat(connected.get("userId").asText()).isEqualTo(user);
        assertThat(connected.get("sources").toString()).contains("gmail", "google_calendar");

        JsonNode request = json(kafka.awaitRecords(Topics.SYNC_REQUESTS, r -> id.equals(r.key()), 1,
                Duration.ofSeconds(30)).get(0));
        assertValid(Contract.SYNC_REQUEST, request);
        assertThat(request.get("reason").asText()).isEqualTo("connect");
        assertThat(request.get("mode").asText()).isEqualTo("auto");
        assertThat(request.get("sources").toString()).contains("gmail", "google_calendar");

        // The tokens the internal API hands out are nowhere in the row, in any encoding.
        String accessToken = accessToken(id, null).get("accessToken").asText();
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select a::text as whole_row, token_key_id, access_token_enc, refresh_token_enc "
                        + "from connector.accounts a where id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("token_key_id")).isEqualTo("test-k2");
                byte[] access = rs.getBytes("access_token_enc");
                byte[] refresh = rs.getBytes("refresh_token_enc");
                assertThat(access).isNotNull();
                assertThat(refresh).isNotNull();
                String everything = rs.getString("whole_row") + new String(access, StandardCharsets.ISO_8859_1)
                        + new String(refresh, StandardCharsets.ISO_8859_1) + HexFormat.of().formatHex(access);
                assertThat(everything).doesNotContain(accessToken)
                        .doesNotContain(Base64.getEncoder().encodeToString(accessToken.getBytes(StandardCharsets.UTF_8)))
                        .doesNotContain(HexFormat.of().formatHex(accessToken.getBytes(StandardCharsets.UTF_8)));
            }
        }
        // …nor in any record this test produced.
        assertThat(events.get(0).value()).doesNotContain(accessToken);
    }

    @Test
    void shouldUpdateTheSameRowWhenTheSameGoogleAccountReconnectsWithMoreScopes() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String email = uniqueEmail("bob");
        loadGoogleUser(email);

        JsonNode first = connect(jwt, email, "gmail", 201);
        assertThat(first.get("sources").get("google_calendar").get("enabled").asBoolean()).isFalse();
        assertThat(first.get("sources").get("google_calendar").get("state").asText()).isEqualTo("disabled");

        JsonNode second = connect(jwt, email, "calendar", 200);
        String id = first.get("id").asText();
        assertThat(second.get("id").asText()).isEqualTo(id);
        // include_granted_scopes: Google returns the union of old and new grants.
        assertThat(second.get("scopes").toString()).contains("gmail.metadata", "calendar.readonly");
        assertThat(second.get("sources").get("google_calendar").get("enabled").asBoolean()).isTrue();

        given().auth().oauth2(jwt).get("/api/v1/google-accounts").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].id", equalTo(id));

        JsonNode changed = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                r -> id.equals(r.key()) && r.value().contains("scopes_changed"), 1, Duration.ofSeconds(30)).get(0));
        assertValid(Contract.ACCOUNT_EVENT, changed);
    }

    @Test
    void shouldAddGmailToACalendarOnlyAccountByIncrementalConsent() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String email = uniqueEmail("later");
        loadGoogleUser(email);
        JsonNode first = connect(jwt, email, "calendar", 201);
        String id = first.get("id").asText();
        assertThat(first.get("scopes").toString()).doesNotContain("gmail.metadata");
        assertThat(first.get("sources").get("gmail").get("state").asText()).isEqualTo("disabled");

        // the console asks for gmail only; include_granted_scopes=true makes Google grant the union
        JsonNode second = connect(jwt, email, "gmail", 200);
        assertThat(second.get("id").asText()).isEqualTo(id);
        assertThat(second.get("scopes").toString()).contains("gmail.metadata", "calendar.readonly");
        assertThat(second.get("sources").get("gmail").get("enabled").asBoolean()).isTrue();
        assertThat(second.get("sources").get("google_calendar").get("enabled").asBoolean()).isTrue();
        given().auth().oauth2(jwt).get("/api/v1/google-accounts/{id}", id).then().statusCode(200)
                .body("sources.gmail.state", equalTo("pending"));

        JsonNode changed = json(kafka.awaitRecords(Topics.ACCOUNT_EVENTS,
                r -> id.equals(r.key()) && r.value().contains("scopes_changed"), 1, Duration.ofSeconds(30)).get(0));
        assertThat(changed.get("sources").toString()).contains("gmail", "google_calendar");
        // the reconnect's sync request covers the new source
        List<JsonNode> requests = kafka.awaitRecords(Topics.SYNC_REQUESTS,
                r -> id.equals(r.key()) && r.value().contains("\"connect\""), 2, Duration.ofSeconds(30))
                .stream().map(r -> json(r)).toList();
        assertValid(Contract.SYNC_REQUEST, requests.get(1));
        assertThat(requests.get(0).get("sources").toString()).doesNotContain("\"gmail\"");
        assertThat(requests.get(1).get("sources").toString()).contains("\"gmail\"", "google_calendar");
    }

    /** GET authorize-url for the popup flow: {url, state}, the URL with redirect_uri=postmessage, state and PKCE. */
    private static JsonNode popupAuthorizeUrl(String jwt, String scopes) {
        return io.interactionsync.model.Json.mapper().valueToTree(given().auth().oauth2(jwt)
                .queryParam("scopes", scopes).queryParam("redirectUri", "postmessage")
                .get("/api/v1/google/authorize-url").then().statusCode(200).extract().as(Map.class));
    }

    /** The popup's code: Google answers the authorize request with a page that posts {code, state} to the opener. */
    private static String popupCode(String authorizeUrl, String email) {
        return given().redirects().follow(false).urlEncodingEnabled(false)
                .get(authorizeUrl + "&login_hint=" + java.net.URLEncoder.encode(email, StandardCharsets.UTF_8))
                .then().statusCode(200).extract().header("X-Emulator-Authorization-Code");
    }

    /** A code as the Google Identity Services popup gets it: its own authorize request, no PKCE, no state of ours. */
    private static String gisPopupCode(String email) {
        return given().redirects().follow(false)
                .queryParam("client_id", "local-google-client").queryParam("redirect_uri", "postmessage")
                .queryParam("response_type", "code").queryParam("access_type", "offline")
                .queryParam("scope", "openid email https://www.googleapis.com/auth/gmail.metadata")
                .queryParam("login_hint", email)
                .get(emulator() + "/accounts.google.com/o/oauth2/v2/auth")
                .then().statusCode(200).extract().header("X-Emulator-Authorization-Code");
    }

    @Test
    void shouldConnectThroughThePopupWithTheStateAndPkceOfItsAuthorizeUrl() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String email = uniqueEmail("popup");
        loadGoogleUser(email);
        JsonNode auth = popupAuthorizeUrl(jwt, "gmail");
        Map<String, String> q = query(auth.get("url").asText());
        assertThat(q).containsEntry("redirect_uri", "postmessage").containsEntry("code_challenge_method", "S256")
                .containsEntry("state", auth.get("state").asText());
        String code = popupCode(auth.get("url").asText(), email);

        given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body(Map.of("code", code, "redirectUri", "postmessage", "state", auth.get("state").asText()))
                .post("/api/v1/google-accounts")
                .then().statusCode(201).body("email", equalTo(email))
                .body("sources.gmail.enabled", equalTo(true))
                .body("sources.google_calendar.enabled", equalTo(false));
    }

    @Test
    void shouldRefuseAPostmessageCodeWithoutOurState() {
        // The attack of issue 17: a popup code redeemed by any portal user, with no state at all.
        String victim = uniqueEmail("victim");
        loadGoogleUser(victim);
        String attacker = userJwt("attacker-" + UUID.randomUUID());
        given().auth().oauth2(attacker).contentType(ContentType.JSON)
                .body(Map.of("code", gisPopupCode(victim), "redirectUri", "postmessage"))
                .post("/api/v1/google-accounts")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("state_required"));
        given().auth().oauth2(attacker).get("/api/v1/google-accounts").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void shouldRefuseAStolenPopupCodeRedeemedUnderTheAttackersOwnState() {
        // The attacker starts a flow of his own to get a valid state, then submits the victim's code with it: the
        // state's PKCE verifier goes to Google, which refuses it for a code issued without our challenge.
        String victim = uniqueEmail("victim");
        loadGoogleUser(victim);
        String attacker = userJwt("attacker-" + UUID.randomUUID());
        String attackersState = popupAuthorizeUrl(attacker, "gmail").get("state").asText();
        given().auth().oauth2(attacker).contentType(ContentType.JSON)
                .body(Map.of("code", gisPopupCode(victim), "redirectUri", "postmessage", "state", attackersState))
                .post("/api/v1/google-accounts")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("authorization_code_not_for_this_state"));
        given().auth().oauth2(attacker).get("/api/v1/google-accounts").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void shouldRefuseACodeOfTheVictimsFlowRedeemedUnderTheAttackersOwnState() {
        // The victim's code came from our authorize URL (the victim's PKCE challenge); the attacker's state holds
        // another verifier: Google refuses it, the account stays unconnected.
        String victimEmail = uniqueEmail("victim");
        loadGoogleUser(victimEmail);
        Map<String, String> victimsCallback = authorize(userJwt("victim-" + UUID.randomUUID()), victimEmail, "gmail");
        String attacker = userJwt("attacker-" + UUID.randomUUID());
        Map<String, String> attackersCallback = authorize(attacker, uniqueEmail("own"), "gmail", false);
        given().auth().oauth2(attacker).contentType(ContentType.JSON)
                .body(Map.of("code", victimsCallback.get("code"), "redirectUri", CALLBACK,
                        "state", attackersCallback.get("state")))
                .post("/api/v1/google-accounts")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("authorization_code_not_for_this_state"));
        given().auth().oauth2(attacker).get("/api/v1/google-accounts").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void shouldRejectARedirectUriOffTheAllowList() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        given().auth().oauth2(jwt).queryParam("scopes", "gmail").queryParam("redirectUri", "https://evil.test/cb")
                .get("/api/v1/google/authorize-url")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("redirect_uri_not_allowed"));
        given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body(Map.of("code", "4/0Aanything", "redirectUri", "https://evil.test/cb"))
                .post("/api/v1/google-accounts")
                .then().statusCode(400).body("code", equalTo("redirect_uri_not_allowed"));
    }

    @Test
    void shouldRejectAnUnknownScopeChoice() {
        given().auth().oauth2(userJwt("u-" + UUID.randomUUID()))
                .queryParam("scopes", "gmail,drive").queryParam("redirectUri", CALLBACK)
                .get("/api/v1/google/authorize-url")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("unknown_scope"));
    }

    @Test
    void shouldRejectAStateIssuedToAnotherUser() {
        String email = uniqueEmail("mallory");
        loadGoogleUser(email);
        Map<String, String> cb = authorize(userJwt("victim-" + UUID.randomUUID()), email, "gmail");
        given().auth().oauth2(userJwt("attacker-" + UUID.randomUUID())).contentType(ContentType.JSON)
                .body(Map.of("code", cb.get("code"), "redirectUri", CALLBACK, "state", cb.get("state")))
                .post("/api/v1/google-accounts")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("invalid_state"));
    }

    @Test
    void shouldAcceptAStateOnlyOnce() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String email = uniqueEmail("once");
        loadGoogleUser(email);
        Map<String, String> cb = authorize(jwt, email, "gmail");
        Map<String, String> body = Map.of("code", cb.get("code"), "redirectUri", CALLBACK, "state", cb.get("state"));
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body(body).post("/api/v1/google-accounts")
                .then().statusCode(201);
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body(body).post("/api/v1/google-accounts")
                .then().statusCode(400).body("code", equalTo("state_already_used"));
    }

    @Test
    void shouldRejectAnExpiredState() throws Exception {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String email = uniqueEmail("late");
        loadGoogleUser(email);
        Map<String, String> cb = authorize(jwt, email, "gmail");
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "update connector.oauth_states set expires_at = now() - interval '1 second' where state = ?")) {
            ps.setString(1, cb.get("state"));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body(Map.of("code", cb.get("code"), "redirectUri", CALLBACK, "state", cb.get("state")))
                .post("/api/v1/google-accounts")
                .then().statusCode(400).body("code", equalTo("state_expired"));
    }

    @Test
    void shouldRejectARedirectUriOtherThanTheOneTheStateWasIssuedFor() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String email = uniqueEmail("mismatch");
        loadGoogleUser(email);
        Map<String, String> cb = authorize(jwt, email, "gmail");
        given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body(Map.of("code", cb.get("code"), "redirectUri", "http://localhost:3000/auth/microsoft/callback",
                        "state", cb.get("state")))
                .post("/api/v1/google-accounts")
                .then().statusCode(400).body("code", equalTo("redirect_uri_mismatch"));
    }

    @Test
    void shouldRequireStateForARedirectUri() {
        given().auth().oauth2(userJwt("u-" + UUID.randomUUID())).contentType(ContentType.JSON)
                .body(Map.of("code", "4/0Aabc", "redirectUri", CALLBACK))
                .post("/api/v1/google-accounts")
                .then().statusCode(400).body("code", equalTo("state_required"));
    }

    @Test
    void shouldAnswerAuthorizationCodeInvalidWhenGoogleSaysInvalidGrant() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body(Map.of("code", "not-a-real-code", "redirectUri", "postmessage",
                        "state", popupAuthorizeUrl(jwt, "gmail").get("state").asText()))
                .post("/api/v1/google-accounts")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("authorization_code_invalid"))
                .body("status", equalTo(400))
                .body("instance", startsWith("/api/v1/google-accounts"));
    }

    @Test
    void shouldAnswer502WhenGoogleIsDownDuringTheCodeExchange() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String email = uniqueEmail("down");
        loadGoogleUser(email);
        Map<String, String> cb = authorize(jwt, email, "gmail");
        ConnectorTestSupport.failGoogleTokenEndpointOnce(503);
        try {
            given().auth().oauth2(jwt).contentType(ContentType.JSON)
                    .body(Map.of("code", cb.get("code"), "redirectUri", CALLBACK, "state", cb.get("state")))
                    .post("/api/v1/google-accounts")
                    .then().statusCode(502).contentType("application/problem+json")
                    .body("code", equalTo("provider_unavailable"));
        } finally {
            ConnectorTestSupport.clearFaults();
        }
    }

    @Test
    void shouldRejectMalformedBodiesWithProblemJson() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body(Map.of("code", "", "redirectUri", "postmessage"))
                .post("/api/v1/google-accounts")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("validation_failed"));
        given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body(Map.of("code", "x", "redirectUri", "postmessage", "extra", 1))
                .post("/api/v1/google-accounts")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("unknown_field"));
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{not json")
                .post("/api/v1/google-accounts")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("malformed_json"));
    }
}

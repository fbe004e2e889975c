package io.interactionsync.emulator.google.oauth;

import static io.interactionsync.emulator.support.GoogleFlow.CLIENT_ID;
import static io.interactionsync.emulator.support.GoogleFlow.CLIENT_SECRET;
import static io.interactionsync.emulator.support.GoogleFlow.GMAIL_METADATA;
import static io.interactionsync.emulator.support.GoogleFlow.REDIRECT;
import static io.interactionsync.emulator.support.GoogleFlow.VERIFIER;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.emulator.store.GoogleUser;
import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GoogleTokenTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String TOKEN = "/oauth2.googleapis.com/token";
    private static final String SCOPES = "openid email profile " + GMAIL_METADATA;

    @BeforeEach
    void loadUser() {
        GoogleFlow.putUser("alice@acme.test", "Alice Anderson", List.of());
    }

    private static String code(Map<String, String> extra) {
        return GoogleFlow.authorize("alice@acme.test", SCOPES, extra).get("code");
    }

    private static io.restassured.specification.RequestSpecification exchangeRequest(String code) {
        return given().formParam("grant_type", "authorization_code").formParam("code", code)
                .formParam("redirect_uri", REDIRECT).formParam("client_id", CLIENT_ID)
                .formParam("client_secret", CLIENT_SECRET);
    }

    @Test
    void codeExchangeReturnsTokensScopeAndIdToken() throws Exception {
        JsonPath body = GoogleFlow.exchange(code(Map.of()));
        assertThat(body.getString("access_token")).startsWith("ya29.");
        assertThat(body.getInt("expires_in")).isEqualTo(3600);
        assertThat(body.getString("refresh_token")).isNotBlank();
        assertThat(body.getString("token_type")).isEqualTo("Bearer");
        assertThat(body.getString("scope")).isEqualTo("openid https://www.googleapis.com/auth/userinfo.email"
                + " https://www.googleapis.com/auth/userinfo.profile " + GMAIL_METADATA);

        JwtClaims claims = new JwtConsumerBuilder()
                .setExpectedIssuer("https://accounts.google.com").setExpectedAudience(CLIENT_ID)
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(
                        new HttpsJwks(EMULATOR.baseUrl() + "/www.googleapis.com/oauth2/v3/certs")))
                .build().processToClaims(body.getString("id_token"));
        assertThat(claims.getSubject()).isEqualTo(GoogleUser.subjectFor("alice@acme.test")).matches("[0-9]{21}");
        assertThat(claims.getStringClaimValue("email")).isEqualTo("alice@acme.test");
        assertThat(claims.getClaimValue("email_verified")).isEqualTo(true);
        assertThat(claims.getStringClaimValue("name")).isEqualTo("Alice Anderson");
        assertThat(claims.getStringClaimValue("hd")).isEqualTo("acme.test");
    }

    @Test
    void refreshTokenOnlyOnFirstOfflineExchangeUnlessPromptConsent() {
        assertThat(GoogleFlow.exchange(code(Map.of())).getString("refresh_token")).isNotBlank();
        assertThat(GoogleFlow.exchange(code(Map.of())).getString("refresh_token")).isNull();
        assertThat(GoogleFlow.exchange(code(Map.of("prompt", "consent"))).getString("refresh_token")).isNotBlank();
    }

    @Test
    void onlineAccessGetsNoRefreshToken() {
        assertThat(GoogleFlow.exchange(code(Map.of("access_type", "online"))).getString("refresh_token")).isNull();
    }

    @Test
    void codeIsOneTime() {
        String code = code(Map.of());
        GoogleFlow.exchange(code);
        exchangeRequest(code).formParam("code_verifier", VERIFIER).post(TOKEN).then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }

    @Test
    void garbageCodeIsMalformed() {
        exchangeRequest("nonsense").post(TOKEN).then().statusCode(400)
                .body("error", equalTo("invalid_grant")).body("error_description", equalTo("Malformed auth code."));
    }

    @Test
    void redirectUriMustMatchTheAuthorizationRequest() {
        given().formParam("grant_type", "authorization_code").formParam("code", code(Map.of()))
                .formParam("redirect_uri", "postmessage").formParam("client_id", CLIENT_ID)
                .formParam("client_secret", CLIENT_SECRET).formParam("code_verifier", VERIFIER)
                .post(TOKEN).then().statusCode(400).body("error", equalTo("redirect_uri_mismatch"));
    }

    @Test
    void wrongCodeVerifierIsInvalidGrant() {
        exchangeRequest(code(Map.of())).formParam("code_verifier", VERIFIER + "x").post(TOKEN).then().statusCode(400)
                .body("error", equalTo("invalid_grant")).body("error_description", equalTo("Invalid code verifier."));
    }

    @Test
    void missingCodeVerifierIsInvalidGrant() {
        exchangeRequest(code(Map.of())).post(TOKEN).then().statusCode(400)
                .body("error", equalTo("invalid_grant")).body("error_description", equalTo("Missing code verifier."));
    }

    /** An authorization without PKCE (as the Google Identity Services popup makes it): its code's redirect query. */
    private static Map<String, String> authorizeWithoutPkce() {
        var response = given().redirects().follow(false)
                .queryParams(Map.of("client_id", CLIENT_ID, "redirect_uri", REDIRECT, "response_type", "code",
                        "scope", SCOPES, "state", "st-2", "login_hint", "alice@acme.test", "access_type", "offline"))
                .get("/accounts.google.com/o/oauth2/v2/auth");
        assertThat(response.statusCode()).isEqualTo(302);
        return GoogleFlow.query(response.header("Location"));
    }

    @Test
    void aCodeIssuedWithoutChallengeIsExchangedWithoutVerifier() {
        exchangeRequest(authorizeWithoutPkce().get("code")).post(TOKEN).then().statusCode(200);
    }

    @Test
    void aVerifierForACodeIssuedWithoutChallengeIsRefused() {
        // Google's answer when a client sends PKCE for a code that had none (RFC 9700 §4.8.2, no PKCE downgrade).
        exchangeRequest(authorizeWithoutPkce().get("code")).formParam("code_verifier", VERIFIER).post(TOKEN)
                .then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("code_verifier or verifier is not needed."));
    }

    @Test
    void omitTokenScopeLeavesScopeOutOfTokenResponses() {
        given().contentType("application/json").body(Map.of("omitTokenScope", true)).put("/_emulator/config")
                .then().statusCode(200);
        JsonPath body = GoogleFlow.exchange(code(Map.of()));
        assertThat(body.getString("access_token")).isNotBlank();
        assertThat(body.getMap("")).doesNotContainKey("scope");
    }

    @Test
    void clientMayAuthenticateWithHttpBasic() {
        given().auth().preemptive().basic(CLIENT_ID, CLIENT_SECRET)
                .formParam("grant_type", "authorization_code").formParam("code", code(Map.of()))
                .formParam("redirect_uri", REDIRECT).formParam("code_verifier", VERIFIER)
                .post(TOKEN).then().statusCode(200);
    }

    @Test
    void wrongSecretOrUnknownClientIsInvalidClient() {
        given().formParam("grant_type", "authorization_code").formParam("code", code(Map.of()))
                .formParam("redirect_uri", REDIRECT).formParam("client_id", CLIENT_ID)
                .formParam("client_secret", "wrong").post(TOKEN).then().statusCode(401)
                .body("error", equalTo("invalid_client"));
        given().formParam("grant_type", "refresh_token").formParam("refresh_token", "x")
                .formParam("client_id", "unknown").formParam("client_secret", "x").post(TOKEN).then().statusCode(401)
                .body("error", equalTo("invalid_client"));
    }

    @Test
    void unsupportedGrantType() {
        given().formParam("grant_type", "password").formParam("client_id", CLIENT_ID)
                .formParam("client_secret", CLIENT_SECRET).post(TOKEN).then().statusCode(400)
                .body("error", equalTo("unsupported_grant_type"));
    }

    private static JsonPath refresh(String refreshToken, int status) {
        return given().formParam("grant_type", "refresh_token").formParam("refresh_token", refreshToken)
                .formParam("client_id", CLIENT_ID).formParam("client_secret", CLIENT_SECRET)
                .post(TOKEN).then().statusCode(status).extract().jsonPath();
    }

    @Test
    void refreshGrantIssuesANewAccessTokenWithTheGrantedScope() {
        JsonPath first = GoogleFlow.exchange(code(Map.of()));
        JsonPath refreshed = refresh(first.getString("refresh_token"), 200);
        assertThat(refreshed.getString("access_token")).startsWith("ya29.").isNotEqualTo(first.getString("access_token"));
        assertThat(refreshed.getString("scope")).isEqualTo(first.getString("scope"));
        assertThat(refreshed.getString("refresh_token")).isNull();
        assertThat(refreshed.getString("id_token")).isNotBlank();
    }

    @Test
    void revokedRefreshTokenIsExpiredOrRevokedAndItsAccessTokensStopWorking() {
        JsonPath first = GoogleFlow.exchange(code(Map.of()));
        given().queryParam("token", first.getString("refresh_token")).post("/oauth2.googleapis.com/revoke")
                .then().statusCode(200);
        refresh(first.getString("refresh_token"), 400);
        given().formParam("grant_type", "refresh_token").formParam("refresh_token", first.getString("refresh_token"))
                .formParam("client_id", CLIENT_ID).formParam("client_secret", CLIENT_SECRET).post(TOKEN).then()
                .body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("Token has been expired or revoked."));
        given().auth().oauth2(first.getString("access_token"))
                .get("/gmail.googleapis.com/gmail/v1/users/me/profile").then().statusCode(401);
    }

    @Test
    void revokingAnAccessTokenAlsoRevokesItsRefreshToken() {
        JsonPath first = GoogleFlow.exchange(code(Map.of()));
        given().formParam("token", first.getString("access_token")).post("/oauth2.googleapis.com/revoke")
                .then().statusCode(200);
        refresh(first.getString("refresh_token"), 400);
    }

    @Test
    void revokingAnUnknownTokenIsInvalidToken() {
        given().queryParam("token", "nope").post("/oauth2.googleapis.com/revoke").then().statusCode(400)
                .body("error", equalTo("invalid_token"));
    }

    @Test
    void controlRevokeOfAUserInvalidatesTheirRefreshTokens() {
        JsonPath first = GoogleFlow.exchange(code(Map.of()));
        given().contentType("application/json").body(Map.of("email", "alice@acme.test")).post("/_emulator/revoke")
                .then().statusCode(200).body("revokedRefreshTokens", equalTo(1));
        refresh(first.getString("refresh_token"), 400);
    }

    @Test
    void includeGrantedScopesReturnsTheUnionWithEarlierGrants() {
        GoogleFlow.exchange(code(Map.of()));
        String code = GoogleFlow.authorize("alice@acme.test", GoogleFlow.CALENDAR_READONLY,
                Map.of("include_granted_scopes", "true")).get("code");
        String scope = GoogleFlow.exchange(code).getString("scope");
        assertThat(scope.split(" ")).containsExactlyInAnyOrder("openid",
                "https://www.googleapis.com/auth/userinfo.email", "https://www.googleapis.com/auth/userinfo.profile",
                GMAIL_METADATA, GoogleFlow.CALENDAR_READONLY);
        String withoutUnion = GoogleFlow.exchange(GoogleFlow.authorize("alice@acme.test", GoogleFlow.CALENDAR_READONLY,
                Map.of()).get("code")).getString("scope");
        assertThat(withoutUnion).isEqualTo(GoogleFlow.CALENDAR_READONLY);
    }

    @Test
    void accessTokensExpireAfterTheConfiguredTtl() {
        given().contentType("application/json").body(Map.of("accessTokenTtlSeconds", 1)).put("/_emulator/config")
                .then().statusCode(200);
        JsonPath body = GoogleFlow.exchange(code(Map.of()));
        assertThat(body.getInt("expires_in")).isEqualTo(1);
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                given().auth().oauth2(body.getString("access_token"))
                        .get("/gmail.googleapis.com/gmail/v1/users/me/profile").statusCode() == 401);
    }
}

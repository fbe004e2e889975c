package io.interactionsync.emulator.idp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.interactionsync.emulator.support.PortalFlow;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The console's OIDC sign-in: authorize (login_hint, errors), the code and refresh grants, logout. */
class IdpConsoleSignInTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String ALICE = "alice@acme.test";

    @BeforeEach
    void loadUser() {
        PortalFlow.putGoogleUser(ALICE, "Alice Example");
    }

    private JwtClaims verify(String jwt, String audience) throws Exception {
        JwtConsumerBuilder builder = new JwtConsumerBuilder()
                .setExpectedIssuer(EMULATOR.baseUrl() + "/idp")
                .setRequireExpirationTime().setRequireIssuedAt()
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(EMULATOR.baseUrl() + "/idp/jwks")));
        if (audience == null) {
            builder.setSkipDefaultAudienceValidation();
        } else {
            builder.setExpectedAudience(audience);
        }
        return builder.build().processToClaims(jwt);
    }

    @Test
    void loginHintRedirectsAtOnceAndTheCodeBuysUserShapedTokens() throws Exception {
        Map<String, String> p = PortalFlow.params();
        p.put("login_hint", ALICE);
        Response authorize = PortalFlow.authorize(p);
        assertThat(authorize.statusCode()).isEqualTo(302);
        String location = authorize.header("Location");
        assertThat(location).startsWith(PortalFlow.REDIRECT + "?");
        Map<String, String> query = GoogleFlow.query(location);
        assertThat(query).containsEntry("state", "st-1").containsKey("code");

        JsonPath tokens = PortalFlow.exchange(query.get("code"), PortalFlow.VERIFIER, PortalFlow.REDIRECT)
                .then().statusCode(200).body("token_type", equalTo("Bearer")).body("expires_in", equalTo(3600))
                .body("scope", equalTo("openid email profile")).extract().jsonPath();
        assertThat(tokens.getString("refresh_token")).isNotBlank();

        JwtClaims access = verify(tokens.getString("access_token"), null);
        assertThat(access.getSubject()).isEqualTo(PortalUsers.subjectFor(ALICE)).matches("u-[0-9a-f]{16}");
        assertThat(access.getStringClaimValue("email")).isEqualTo(ALICE);
        assertThat(access.getStringClaimValue("name")).isEqualTo("Alice Example");
        assertThat(access.getStringListClaimValue("roles")).containsExactly("user");
        assertThat(access.getStringListClaimValue("groups")).containsExactly("user");
        assertThat(access.getStringClaimValue("azp")).isEqualTo(PortalFlow.CLIENT_ID);
        assertThat(access.getJwtId()).isNotBlank();
        // The connector takes any token with client_id for a service's: a console user's must never carry one.
        assertThat(access.hasClaim("client_id")).isFalse();
        assertThat(access.hasAudience()).isFalse();

        JwtClaims id = verify(tokens.getString("id_token"), PortalFlow.CLIENT_ID);
        assertThat(id.getSubject()).isEqualTo(access.getSubject());
        assertThat(id.getStringClaimValue("azp")).isEqualTo(PortalFlow.CLIENT_ID);
        assertThat(id.getStringClaimValue("nonce")).isEqualTo("n-1");
        assertThat(id.getStringClaimValue("email")).isEqualTo(ALICE);
        assertThat(id.getStringClaimValue("name")).isEqualTo("Alice Example");
        assertThat(id.getClaimValue("auth_time", Long.class)).isLessThanOrEqualTo(id.getIssuedAt().getValue());
    }

    @Test
    void theLoginHintMayAlsoBeTheSubAndTheNonceIsOptional() throws Exception {
        Map<String, String> p = PortalFlow.params();
        p.remove("nonce");
        p.put("login_hint", PortalUsers.subjectFor(ALICE));
        String code = GoogleFlow.query(PortalFlow.authorize(p).then().statusCode(302).extract().header("Location")).get("code");
        String idToken = PortalFlow.exchange(code, PortalFlow.VERIFIER, PortalFlow.REDIRECT).then().statusCode(200)
                .extract().path("id_token");
        assertThat(verify(idToken, PortalFlow.CLIENT_ID).hasClaim("nonce")).isFalse();
    }

    @Test
    void aWrongVerifierIsInvalidGrantAndSpendsTheCode() {
        String code = PortalFlow.code(ALICE);
        PortalFlow.exchange(code, PortalFlow.VERIFIER + "x", PortalFlow.REDIRECT).then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
        PortalFlow.exchange(code, PortalFlow.VERIFIER, PortalFlow.REDIRECT).then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
        PortalFlow.exchange(PortalFlow.code(ALICE), null, PortalFlow.REDIRECT).then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }

    @Test
    void aCodeWorksOnce() {
        String code = PortalFlow.code(ALICE);
        PortalFlow.exchange(code, PortalFlow.VERIFIER, PortalFlow.REDIRECT).then().statusCode(200);
        PortalFlow.exchange(code, PortalFlow.VERIFIER, PortalFlow.REDIRECT).then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }

    @Test
    void theTokenRequestMustNameTheAuthorizeRedirectUriAndAKnownClient() {
        given().formParam("grant_type", "authorization_code").formParam("client_id", "someone-else")
                .formParam("code", PortalFlow.code(ALICE)).formParam("redirect_uri", PortalFlow.REDIRECT)
                .formParam("code_verifier", PortalFlow.VERIFIER)
                .post("/idp/token").then().statusCode(400).body("error", equalTo("invalid_grant"));
        restrictClients();
        PortalFlow.exchange(PortalFlow.code(ALICE), PortalFlow.VERIFIER, "http://127.0.0.1:8081/elsewhere")
                .then().statusCode(400).body("error", equalTo("invalid_grant"));
        given().formParam("grant_type", "authorization_code").formParam("client_id", "someone-else")
                .formParam("code", PortalFlow.code(ALICE)).formParam("redirect_uri", PortalFlow.REDIRECT)
                .formParam("code_verifier", PortalFlow.VERIFIER)
                .post("/idp/token").then().statusCode(401).body("error", equalTo("invalid_client"));
    }

    /** Any client id is a public client until idpConsoleClients names some. */
    private static void restrictClients() {
        given().contentType(ContentType.JSON).body(Map.of("idpConsoleClients", List.of(PortalFlow.CLIENT_ID)))
                .put("/_emulator/config").then().statusCode(200);
    }

    @Test
    void anUnknownClientGetsAnErrorPageAndNoRedirect() {
        restrictClients();
        Map<String, String> p = PortalFlow.params();
        p.put("client_id", "not-a-console");
        Response response = PortalFlow.authorize(p);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.header("Location")).isNull();
        assertThat(response.contentType()).contains("text/html");
        assertThat(response.asString()).contains("invalid_client").contains("lang=\"en\"");
    }

    @Test
    void onlyLoopbackRedirectsUnlessConfigured() {
        for (String ok : List.of("http://localhost:5173/cb", "http://[::1]:9/x/y?z=1", "http://127.0.0.1/")) {
            Map<String, String> p = PortalFlow.params();
            p.put("redirect_uri", ok);
            p.put("login_hint", ALICE);
            assertThat(PortalFlow.authorize(p).header("Location")).as(ok).startsWith(ok);
        }
        for (String bad : List.of("https://console.example.test/cb", "https://127.0.0.1/cb", "http://127.0.0.1.evil.test/",
                "http://localhost/cb#frag", "not a uri")) {
            Map<String, String> p = PortalFlow.params();
            p.put("redirect_uri", bad);
            Response response = PortalFlow.authorize(p);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(response.header("Location")).as(bad).isNull();
        }
        given().contentType(ContentType.JSON).body(Map.of("idpRedirectUris", List.of("https://console.example.test/cb")))
                .put("/_emulator/config").then().statusCode(200);
        Map<String, String> p = PortalFlow.params();
        p.put("redirect_uri", "https://console.example.test/cb");
        p.put("login_hint", ALICE);
        assertThat(PortalFlow.authorize(p).header("Location")).startsWith("https://console.example.test/cb?code=");
    }

    @Test
    void consoleClientsAreConfigurable() {
        given().contentType(ContentType.JSON).body(Map.of("idpConsoleClients", List.of("other-console")))
                .put("/_emulator/config").then().statusCode(200).body("idpConsoleClients", equalTo(List.of("other-console")));
        Map<String, String> p = PortalFlow.params();
        p.put("login_hint", ALICE);
        assertThat(PortalFlow.authorize(p).statusCode()).isEqualTo(400);
        p.put("client_id", "other-console");
        assertThat(PortalFlow.authorize(p).statusCode()).isEqualTo(302);
    }

    @Test
    void otherErrorsRedirectWithErrorDescriptionAndState() {
        assertRedirectError(Map.of("code_challenge_method", "plain"), "invalid_request");
        assertRedirectError(Map.of("code_challenge_method", ""), "invalid_request");
        assertRedirectError(Map.of("code_challenge", ""), "invalid_request");
        assertRedirectError(Map.of("code_challenge", "too-short"), "invalid_request");
        assertRedirectError(Map.of("response_type", "token"), "unsupported_response_type");
        assertRedirectError(Map.of("scope", "email profile"), "invalid_scope");
        assertRedirectError(Map.of("prompt", "none"), "login_required");
    }

    private void assertRedirectError(Map<String, String> change, String error) {
        Map<String, String> p = PortalFlow.params();
        change.forEach((k, v) -> {
            if (v.isEmpty()) {
                p.remove(k);
            } else {
                p.put(k, v);
            }
        });
        Response response = PortalFlow.authorize(p);
        assertThat(response.statusCode()).as(change.toString()).isEqualTo(302);
        Map<String, String> query = GoogleFlow.query(response.header("Location"));
        assertThat(query).as(change.toString()).containsEntry("error", error).containsEntry("state", "st-1")
                .containsKey("error_description").doesNotContainKey("code");
    }

    @Test
    void promptNoneWithAKnownHintApprovesAndUnknownScopesAreIgnored() {
        Map<String, String> p = PortalFlow.params();
        p.put("prompt", "none");
        p.put("login_hint", ALICE);
        p.put("scope", "openid email offline_access https://unknown.test/scope");
        String code = GoogleFlow.query(PortalFlow.authorize(p).then().statusCode(302).extract().header("Location")).get("code");
        PortalFlow.exchange(code, PortalFlow.VERIFIER, PortalFlow.REDIRECT).then().statusCode(200)
                .body("scope", equalTo("openid email offline_access"));
    }

    @Test
    void refreshRotatesTheTokenAndReadsTheRolesAgain() throws Exception {
        JsonPath first = PortalFlow.tokens(ALICE);
        PortalFlow.putPortalUser(ALICE, Map.of("roles", List.of("admin", "user")));
        JsonPath second = PortalFlow.refresh(first.getString("refresh_token")).then().statusCode(200)
                .body("token_type", equalTo("Bearer")).body("scope", equalTo("openid email profile"))
                .extract().jsonPath();
        assertThat(second.getString("refresh_token")).isNotEqualTo(first.getString("refresh_token"));
        JwtClaims access = verify(second.getString("access_token"), null);
        assertThat(access.getStringListClaimValue("roles")).containsExactly("admin", "user");
        assertThat(access.getSubject()).isEqualTo(PortalUsers.subjectFor(ALICE));
        assertThat(access.hasClaim("client_id")).isFalse();
        assertThat(verify(second.getString("id_token"), PortalFlow.CLIENT_ID).hasClaim("nonce")).isFalse();

        PortalFlow.refresh(first.getString("refresh_token")).then().statusCode(400).body("error", equalTo("invalid_grant"));
        PortalFlow.refresh(second.getString("refresh_token")).then().statusCode(200);
    }

    @Test
    void aRefreshTokenPresentedByAnotherClientStaysWithItsOwner() {
        given().contentType(ContentType.JSON).body(Map.of("idpConsoleClients", List.of(PortalFlow.CLIENT_ID, "other")))
                .put("/_emulator/config").then().statusCode(200);
        String refresh = PortalFlow.tokens(ALICE).getString("refresh_token");
        given().formParam("grant_type", "refresh_token").formParam("client_id", "other").formParam("refresh_token", refresh)
                .post("/idp/token").then().statusCode(400).body("error", equalTo("invalid_grant"));
        PortalFlow.refresh(refresh).then().statusCode(200);
    }

    @Test
    void theJsonUserTokenAndClientCredentialsPathsAreUnchanged() throws Exception {
        String jwt = given().contentType(ContentType.JSON).body(Map.of("sub", "s-1", "email", ALICE, "roles", List.of("user")))
                .post("/idp/token").then().statusCode(200).extract().path("access_token");
        assertThat(verify(jwt, null).hasClaim("azp")).isFalse();
        given().formParam("grant_type", "client_credentials").formParam("client_id", "connector-service")
                .formParam("client_secret", "local-service-secret").post("/idp/token").then().statusCode(200);
    }

    @Test
    void logoutRedirectsWithStateOrSaysSignedOutAndEndsTheRefreshTokens() {
        JsonPath tokens = PortalFlow.tokens(ALICE);
        Response out = given().redirects().follow(false).queryParam("post_logout_redirect_uri", "http://127.0.0.1:8081/console/")
                .queryParam("state", "bye").queryParam("id_token_hint", tokens.getString("id_token")).get("/idp/logout");
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.header("Location")).isEqualTo("http://127.0.0.1:8081/console/?state=bye");
        PortalFlow.refresh(tokens.getString("refresh_token")).then().statusCode(400).body("error", equalTo("invalid_grant"));

        Response page = given().get("/idp/logout");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.asString()).contains("<html lang=\"en\"").contains("<title>").contains("signed out");
        given().redirects().follow(false).queryParam("post_logout_redirect_uri", "https://evil.test/")
                .get("/idp/logout").then().statusCode(400);
    }
}

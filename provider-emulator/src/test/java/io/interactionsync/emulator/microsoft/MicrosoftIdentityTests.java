package io.interactionsync.emulator.microsoft;

import static io.interactionsync.emulator.support.MicrosoftFlow.CLIENT_ID;
import static io.interactionsync.emulator.support.MicrosoftFlow.CLIENT_SECRET;
import static io.interactionsync.emulator.support.MicrosoftFlow.SCOPES;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.interactionsync.emulator.support.MicrosoftFlow;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.Map;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MicrosoftIdentityTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String TOKEN = "/login.microsoftonline.com/organizations/oauth2/v2.0/token";

    @BeforeEach
    void load() {
        MicrosoftFlow.putUser("dana@contoso.test", Map.of("displayName", "Dana Diaz"));
        MicrosoftFlow.putUser("pat@outlook.test", Map.of("personal", true, "displayName", "Pat"));
    }

    @Test
    void codeExchangeReturnsTokensAndAnIdTokenWithTenantAndObjectId() throws Exception {
        JsonPath body = MicrosoftFlow.tokens("dana@contoso.test", SCOPES);
        assertThat(body.getString("token_type")).isEqualTo("Bearer");
        assertThat(body.getString("scope").split(" ")).contains("User.Read", "Mail.ReadBasic", "openid")
                .doesNotContain("offline_access");
        assertThat(body.getInt("expires_in")).isEqualTo(3600);
        assertThat(body.getInt("ext_expires_in")).isPositive();
        assertThat(body.getString("refresh_token")).isNotBlank();
        String tenant = given().get("/_emulator/microsoft/users").then().extract().path("users.find { it.upn == 'dana@contoso.test' }.tenantId");
        JwtClaims claims = new JwtConsumerBuilder().setExpectedAudience(CLIENT_ID)
                .setExpectedIssuer("https://login.microsoftonline.com/" + tenant + "/v2.0")
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(
                        EMULATOR.baseUrl() + "/login.microsoftonline.com/common/discovery/v2.0/keys")))
                .build().processToClaims(body.getString("id_token"));
        assertThat(claims.getStringClaimValue("tid")).isEqualTo(tenant);
        assertThat(claims.getStringClaimValue("oid")).matches("[0-9a-f-]{36}");
        assertThat(claims.getStringClaimValue("preferred_username")).isEqualTo("dana@contoso.test");
        assertThat(claims.getStringClaimValue("name")).isEqualTo("Dana Diaz");
    }

    @Test
    void omitTokenScopeLeavesScopeOutOfTokenResponses() {
        given().contentType("application/json").body(Map.of("omitTokenScope", true)).put("/_emulator/config")
                .then().statusCode(200);
        JsonPath body = MicrosoftFlow.tokens("dana@contoso.test", SCOPES);
        assertThat(body.getString("access_token")).isNotBlank();
        assertThat(body.getMap("")).doesNotContainKey("scope");
    }

    @Test
    void refreshRotatesTheRefreshToken() {
        JsonPath first = MicrosoftFlow.tokens("dana@contoso.test", SCOPES);
        JsonPath second = given().formParam("grant_type", "refresh_token").formParam("refresh_token", first.getString("refresh_token"))
                .formParam("client_id", CLIENT_ID).formParam("client_secret", CLIENT_SECRET).post(TOKEN)
                .then().statusCode(200).extract().jsonPath();
        assertThat(second.getString("refresh_token")).isNotBlank().isNotEqualTo(first.getString("refresh_token"));
        assertThat(second.getString("access_token")).isNotEqualTo(first.getString("access_token"));
    }

    @Test
    void revokedRefreshTokenIsAadsts50173() {
        JsonPath first = MicrosoftFlow.tokens("dana@contoso.test", SCOPES);
        given().contentType("application/json").body(Map.of("email", "dana@contoso.test")).post("/_emulator/revoke").then().statusCode(200);
        given().formParam("grant_type", "refresh_token").formParam("refresh_token", first.getString("refresh_token"))
                .formParam("client_id", CLIENT_ID).formParam("client_secret", CLIENT_SECRET).post(TOKEN)
                .then().statusCode(400).body("error", equalTo("invalid_grant")).body("error_codes", hasItem(50173))
                .body("error_description", containsString("AADSTS50173"))
                .body("trace_id", org.hamcrest.Matchers.notNullValue())
                .body("correlation_id", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void personalAccountOnOrganizationsIsRedirectedWithAadsts500208() {
        Response response = MicrosoftFlow.authorize("organizations", "pat@outlook.test", SCOPES);
        assertThat(response.statusCode()).isEqualTo(302);
        Map<String, String> query = GoogleFlow.query(response.header("Location"));
        assertThat(query).containsEntry("error", "invalid_request").containsEntry("state", "ms-state");
        assertThat(query.get("error_description")).startsWith("AADSTS500208");
        MicrosoftFlow.exchange("common", MicrosoftFlow.code("common", "pat@outlook.test", SCOPES)).then().statusCode(200);
    }

    @Test
    void adminConsentRequiredAtAuthorizeUntilAdminConsents() {
        MicrosoftFlow.putUser("lee@fabrikam.test", Map.of("consentError", "AADSTS90094"));
        Map<String, String> query = GoogleFlow.query(MicrosoftFlow.authorize("organizations", "lee@fabrikam.test", SCOPES).header("Location"));
        assertThat(query.get("error_description")).startsWith("AADSTS90094");
        Response consent = given().redirects().follow(false).queryParam("client_id", CLIENT_ID)
                .queryParam("redirect_uri", MicrosoftFlow.REDIRECT).queryParam("state", "s")
                .queryParam("scope", "https://graph.microsoft.com/.default").queryParam("login_hint", "lee@fabrikam.test")
                .get("/login.microsoftonline.com/organizations/v2.0/adminconsent");
        assertThat(consent.statusCode()).isEqualTo(302);
        assertThat(GoogleFlow.query(consent.header("Location"))).containsEntry("admin_consent", "True").containsKey("tenant");
        MicrosoftFlow.tokens("lee@fabrikam.test", SCOPES);
    }

    @Test
    void missingConsentAtTokenEndpointIsAadsts65001() {
        MicrosoftFlow.putUser("kim@fabrikam.test", Map.of("consentError", "AADSTS65001"));
        MicrosoftFlow.exchange("organizations", MicrosoftFlow.code("organizations", "kim@fabrikam.test", SCOPES))
                .then().statusCode(400).body("error", equalTo("invalid_grant")).body("error_codes", hasItem(65001));
    }

    @Test
    void pkceCodeReuseAndClientErrors() {
        String code = MicrosoftFlow.code("organizations", "dana@contoso.test", SCOPES);
        given().formParam("grant_type", "authorization_code").formParam("code", code)
                .formParam("redirect_uri", MicrosoftFlow.REDIRECT).formParam("client_id", CLIENT_ID)
                .formParam("client_secret", CLIENT_SECRET).formParam("code_verifier", "wrong-verifier-wrong-verifier-wrong-verifier")
                .post(TOKEN).then().statusCode(400).body("error_codes", hasItem(50148));
        MicrosoftFlow.exchange("organizations", code).then().statusCode(400).body("error_codes", hasItem(54005));
        given().formParam("grant_type", "refresh_token").formParam("refresh_token", "x")
                .formParam("client_id", CLIENT_ID).formParam("client_secret", "nope").post(TOKEN)
                .then().statusCode(401).body("error", equalTo("invalid_client"));
    }

    @Test
    void unregisteredRedirectUriShowsAnErrorPage() {
        given().redirects().follow(false).queryParam("client_id", CLIENT_ID).queryParam("redirect_uri", "http://localhost:9999/cb")
                .queryParam("response_type", "code").queryParam("scope", SCOPES)
                .get("/login.microsoftonline.com/organizations/oauth2/v2.0/authorize")
                .then().statusCode(400).body(containsString("AADSTS50011"));
    }

    @Test
    void consentPageListsLoadedUsers() {
        given().queryParam("client_id", CLIENT_ID).queryParam("redirect_uri", MicrosoftFlow.REDIRECT)
                .queryParam("response_type", "code").queryParam("scope", SCOPES)
                .get("/login.microsoftonline.com/common/oauth2/v2.0/authorize")
                .then().statusCode(200).body(containsString("dana@contoso.test")).body(containsString("Accept"));
    }
}

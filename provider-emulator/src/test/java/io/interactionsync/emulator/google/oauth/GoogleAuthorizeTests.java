package io.interactionsync.emulator.google.oauth;

import static io.interactionsync.emulator.support.GoogleFlow.CHALLENGE;
import static io.interactionsync.emulator.support.GoogleFlow.CLIENT_ID;
import static io.interactionsync.emulator.support.GoogleFlow.GMAIL_METADATA;
import static io.interactionsync.emulator.support.GoogleFlow.REDIRECT;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GoogleAuthorizeTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String AUTH = "/accounts.google.com/o/oauth2/v2/auth";

    @BeforeEach
    void loadUsers() {
        GoogleFlow.putUser("alice@acme.test", "Alice Anderson", List.of());
        GoogleFlow.putUser("bob@acme.test", "Bob Brown", List.of());
    }

    private static Map<String, Object> params() {
        return new HashMap<>(Map.of("client_id", CLIENT_ID, "redirect_uri", REDIRECT, "response_type", "code",
                "scope", "openid email " + GMAIL_METADATA, "state", "xyz", "code_challenge", CHALLENGE,
                "code_challenge_method", "S256", "access_type", "offline", "include_granted_scopes", "true"));
    }

    private static Response authorize(Map<String, Object> params) {
        return given().redirects().follow(false).queryParams(params).get(AUTH);
    }

    @Test
    void loginHintOfLoadedUserRedirectsWithCodeAndState() {
        Map<String, Object> p = params();
        p.put("login_hint", "alice@acme.test");
        Response response = authorize(p);
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.header("Location")).startsWith(REDIRECT + "?");
        Map<String, String> query = GoogleFlow.query(response.header("Location"));
        assertThat(query.get("state")).isEqualTo("xyz");
        assertThat(query.get("code")).startsWith("4/0A");
        assertThat(query.get("scope")).isEqualTo("openid https://www.googleapis.com/auth/userinfo.email " + GMAIL_METADATA);
    }

    @Test
    void unknownClientShowsAnErrorPageAndDoesNotRedirect() {
        Map<String, Object> p = params();
        p.put("client_id", "someone-else");
        p.put("login_hint", "alice@acme.test");
        authorize(p).then().statusCode(400).header("Location", nullValue())
                .contentType(containsString("text/html")).body(containsString("invalid_client"));
    }

    @Test
    void unregisteredRedirectUriShowsRedirectUriMismatchPage() {
        Map<String, Object> p = params();
        p.put("redirect_uri", "http://127.0.0.1:4444/callback");
        p.put("login_hint", "alice@acme.test");
        authorize(p).then().statusCode(400).header("Location", nullValue()).body(containsString("redirect_uri_mismatch"));
        p.put("redirect_uri", "http://localhost:3000/other");
        authorize(p).then().statusCode(400).header("Location", nullValue());
    }

    @Test
    void registeredRedirectUrisAreConfigurable() {
        given().contentType("application/json").body(Map.of("googleClients", List.of(Map.of("clientId", "c2",
                "clientSecret", "s2", "redirectUris", List.of("http://127.0.0.1:4444/callback")))))
                .put("/_emulator/config").then().statusCode(200);
        Map<String, Object> p = params();
        p.put("client_id", "c2");
        p.put("redirect_uri", "http://127.0.0.1:4444/callback");
        p.put("login_hint", "alice@acme.test");
        authorize(p).then().statusCode(302).header("Location", startsWith("http://127.0.0.1:4444/callback?"));
        p.put("client_id", CLIENT_ID);
        authorize(p).then().statusCode(400);
    }

    @Test
    void missingScopeOrWrongResponseTypeShowsAnErrorPage() {
        Map<String, Object> p = params();
        p.remove("scope");
        authorize(p).then().statusCode(400).body(containsString("Missing required parameter: scope"));
        p = params();
        p.put("response_type", "token");
        authorize(p).then().statusCode(400).body(containsString("unsupported_response_type"));
    }

    @Test
    void invalidScopeShowsAnErrorPage() {
        Map<String, Object> p = params();
        p.put("scope", "openid not-a-scope");
        authorize(p).then().statusCode(400).body(containsString("invalid_scope"));
    }

    @Test
    void withoutLoginHintShowsAConsentPageListingLoadedUsers() {
        authorize(params()).then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("alice@acme.test")).body(containsString("bob@acme.test"))
                .body(containsString("Approve")).body(containsString(GMAIL_METADATA));
    }

    @Test
    void approvingTheConsentFormRedirectsWithACode() {
        Map<String, Object> form = params();
        form.put("email", "bob@acme.test");
        form.put("decision", "approve");
        Response response = given().redirects().follow(false).formParams(form).post(AUTH + "/approve");
        assertThat(response.statusCode()).isEqualTo(302);
        Map<String, String> query = GoogleFlow.query(response.header("Location"));
        assertThat(query).containsKey("code").containsEntry("state", "xyz");
        String idToken = GoogleFlow.exchange(query.get("code")).getString("id_token");
        assertThat(idToken).isNotBlank();
    }

    @Test
    void denyingTheConsentFormRedirectsWithAccessDenied() {
        Map<String, Object> form = params();
        form.put("email", "bob@acme.test");
        form.put("decision", "deny");
        Response response = given().redirects().follow(false).formParams(form).post(AUTH + "/approve");
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(GoogleFlow.query(response.header("Location"))).containsEntry("error", "access_denied")
                .containsEntry("state", "xyz").doesNotContainKey("code");
    }

    @Test
    void postmessageRedirectHandsTheCodeToThePageInsteadOfRedirecting() {
        Map<String, Object> p = params();
        p.put("redirect_uri", "postmessage");
        p.put("login_hint", "alice@acme.test");
        Response response = authorize(p);
        assertThat(response.statusCode()).isEqualTo(200);
        String code = response.header("X-Emulator-Authorization-Code");
        assertThat(code).startsWith("4/0A");
        assertThat(response.asString()).contains("postMessage").contains(code);
        given().formParam("grant_type", "authorization_code").formParam("code", code)
                .formParam("redirect_uri", "postmessage").formParam("client_id", CLIENT_ID)
                .formParam("client_secret", GoogleFlow.CLIENT_SECRET).formParam("code_verifier", GoogleFlow.VERIFIER)
                .post("/oauth2.googleapis.com/token").then().statusCode(200);
    }

    @Test
    void invalidCodeChallengeMethodShowsAnErrorPage() {
        Map<String, Object> p = params();
        p.put("code_challenge_method", "S512");
        authorize(p).then().statusCode(400).body(containsString("code_challenge_method"));
    }
}

package io.interactionsync.emulator.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The console's sign-in with the portal IdP: authorization code + S256 PKCE as a public client. */
public final class PortalFlow {

    public static final String CLIENT_ID = "interaction-sync-console";
    public static final String REDIRECT = "http://127.0.0.1:8081/console/callback";
    public static final String VERIFIER = "console-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
    public static final String CHALLENGE = GoogleFlow.s256(VERIFIER);

    private PortalFlow() {
    }

    /** Every parameter of a valid authorize request; tests change or remove what they test. */
    public static Map<String, String> params() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("client_id", CLIENT_ID);
        p.put("redirect_uri", REDIRECT);
        p.put("response_type", "code");
        p.put("scope", "openid email profile");
        p.put("state", "st-1");
        p.put("nonce", "n-1");
        p.put("code_challenge", CHALLENGE);
        p.put("code_challenge_method", "S256");
        return p;
    }

    public static Response authorize(Map<String, String> params) {
        return given().redirects().follow(false).queryParams(params).get("/idp/authorize");
    }

    /** Authorize with a login_hint → the code of the redirect. */
    public static String code(String loginHint) {
        Map<String, String> p = params();
        p.put("login_hint", loginHint);
        Response response = authorize(p);
        if (response.statusCode() != 302) {
            throw new IllegalStateException("authorize answered " + response.statusCode() + ": " + response.asString());
        }
        return GoogleFlow.query(response.header("Location")).get("code");
    }

    public static Response exchange(String code, String verifier, String redirectUri) {
        return given().formParam("grant_type", "authorization_code").formParam("client_id", CLIENT_ID)
                .formParam("code", code).formParam("redirect_uri", redirectUri).formParam("code_verifier", verifier)
                .post("/idp/token");
    }

    public static JsonPath tokens(String loginHint) {
        Response response = exchange(code(loginHint), VERIFIER, REDIRECT);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token answered " + response.statusCode() + ": " + response.asString());
        }
        return response.jsonPath();
    }

    public static Response refresh(String refreshToken) {
        return given().formParam("grant_type", "refresh_token").formParam("client_id", CLIENT_ID)
                .formParam("refresh_token", refreshToken).post("/idp/token");
    }

    public static void putPortalUser(String email, Map<String, Object> body) {
        given().contentType(ContentType.JSON).body(body).put("/_emulator/idp/users/" + email).then().statusCode(200);
    }

    public static void putGoogleUser(String email, String name) {
        GoogleFlow.putUser(email, name, List.of());
    }
}

package io.interactionsync.emulator.support;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test helpers driving the emulated Microsoft identity platform over HTTP. */
public final class MicrosoftFlow {

    public static final String CLIENT_ID = "local-ms-client";
    public static final String CLIENT_SECRET = "local-ms-secret";
    public static final String REDIRECT = "http://localhost:3000/auth/microsoft/callback";
    public static final String SCOPES = "openid profile email offline_access User.Read Mail.ReadBasic Mail.ReadBasic.Shared";

    private MicrosoftFlow() {
    }

    public static void putUser(String upn, Map<String, Object> body) {
        given().contentType("application/json").body(body).put("/_emulator/microsoft/users/" + upn).then().statusCode(200);
    }

    public static Response authorize(String tenant, String upn, String scope) {
        Map<String, Object> params = new HashMap<>(Map.of("client_id", CLIENT_ID, "redirect_uri", REDIRECT,
                "response_type", "code", "scope", scope, "state", "ms-state", "login_hint", upn,
                "code_challenge", GoogleFlow.CHALLENGE, "code_challenge_method", "S256"));
        return given().redirects().follow(false).queryParams(params)
                .get("/login.microsoftonline.com/" + tenant + "/oauth2/v2.0/authorize");
    }

    public static String code(String tenant, String upn, String scope) {
        Response response = authorize(tenant, upn, scope);
        if (response.statusCode() != 302) {
            throw new AssertionError("authorize answered " + response.statusCode());
        }
        Map<String, String> query = GoogleFlow.query(response.header("Location"));
        if (!query.containsKey("code")) {
            throw new AssertionError("no code: " + query);
        }
        return query.get("code");
    }

    public static Response exchange(String tenant, String code) {
        return given().formParam("grant_type", "authorization_code").formParam("code", code)
                .formParam("redirect_uri", REDIRECT).formParam("client_id", CLIENT_ID)
                .formParam("client_secret", CLIENT_SECRET).formParam("code_verifier", GoogleFlow.VERIFIER)
                .formParam("scope", SCOPES)
                .post("/login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token");
    }

    public static JsonPath tokens(String upn, String scope) {
        return exchange("organizations", code("organizations", upn, scope)).then().statusCode(200).extract().jsonPath();
    }

    public static Map<String, Object> message(String id, String received, String subject) {
        return Map.of("id", id, "receivedDateTime", received, "subject", subject,
                "from", Map.of("emailAddress", Map.of("name", "Bob", "address", "bob@ext.example")),
                "toRecipients", List.of(Map.of("emailAddress", Map.of("address", "x@contoso.test"))),
                "body", Map.of("contentType", "text", "content", "secret body"), "bodyPreview", "secret",
                "internetMessageId", "<" + id + "@ext.example>",
                "internetMessageHeaders", List.of(Map.of("name", "List-Id", "value", "<l.example>")));
    }
}

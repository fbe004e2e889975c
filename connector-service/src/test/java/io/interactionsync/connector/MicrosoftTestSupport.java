package io.interactionsync.connector;

import static io.interactionsync.connector.ConnectorTestSupport.emulator;
import static io.interactionsync.connector.ConnectorTestSupport.query;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Microsoft steps of the connector's tests: emulator users and shared mailboxes, the v2 code flow. */
public final class MicrosoftTestSupport {

    public static final String CALLBACK = "http://localhost:3000/auth/microsoft/callback";

    private MicrosoftTestSupport() {
    }

    /** A unique work-account UPN in a unique tenant domain. */
    public static String uniqueUpn(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.test";
    }

    public static void loadMicrosoftUser(String upn, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("displayName", "Test " + upn.substring(0, upn.indexOf('@')),
                "folders", Map.of("inbox", List.of()), "events", List.of()));
        body.putAll(extra);
        given().baseUri(emulator()).contentType(ContentType.JSON).body(body)
                .put("/_emulator/microsoft/users/{upn}", upn)
                .then().statusCode(org.hamcrest.Matchers.lessThan(300));
    }

    public static void loadMicrosoftUser(String upn) {
        loadMicrosoftUser(upn, Map.of());
    }

    public static void loadSharedMailbox(String address) {
        given().baseUri(emulator()).contentType(ContentType.JSON)
                .body(Map.of("folders", Map.of("inbox", List.of())))
                .put("/_emulator/microsoft/shared-mailboxes/{address}", address)
                .then().statusCode(org.hamcrest.Matchers.lessThan(300));
    }

    public static JsonNode authorizeUrl(String jwt, String scopes) {
        return Json.mapper().valueToTree(given().auth().oauth2(jwt)
                .queryParam("scopes", scopes).queryParam("redirectUri", CALLBACK)
                .get("/api/v1/microsoft/authorize-url")
                .then().statusCode(200).extract().as(Map.class));
    }

    /** Follows {@code url} with a login_hint (no redirect following) and returns the callback's query. */
    public static Map<String, String> approve(String url, String upn) {
        Response consent = given().redirects().follow(false).urlEncodingEnabled(false)
                .get(url + "&login_hint=" + URLEncoder.encode(upn, StandardCharsets.UTF_8));
        assertThat(consent.statusCode()).as(consent.asString()).isEqualTo(302);
        String location = consent.header("Location");
        assertThat(location).startsWith(CALLBACK + "?");
        return query(location);
    }

    /** authorize-url → emulator approval → the callback query ({@code code, state} or {@code error…}). */
    public static Map<String, String> authorize(String jwt, String upn, String scopes) {
        JsonNode auth = authorizeUrl(jwt, scopes);
        Map<String, String> cb = approve(auth.get("url").asText(), upn);
        assertThat(cb.get("state")).isEqualTo(auth.get("state").asText());
        return cb;
    }

    public static Response post(String jwt, Map<String, String> body) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON).body(body).post("/api/v1/microsoft-accounts");
    }

    public static JsonNode connect(String jwt, String upn, String scopes, int expectedStatus) {
        Map<String, String> cb = authorize(jwt, upn, scopes);
        return Json.mapper().valueToTree(post(jwt, Map.of("code", cb.get("code"), "redirectUri", CALLBACK,
                "state", cb.get("state"))).then().statusCode(expectedStatus).extract().as(Map.class));
    }
}

package io.interactionsync.emulator.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test helpers driving the emulated Google OAuth flow over HTTP. */
public final class GoogleFlow {

    public static final String CLIENT_ID = "local-google-client";
    public static final String CLIENT_SECRET = "local-google-secret";
    public static final String REDIRECT = "http://localhost:3000/auth/google/callback";
    public static final String GMAIL_METADATA = "https://www.googleapis.com/auth/gmail.metadata";
    public static final String CALENDAR_READONLY = "https://www.googleapis.com/auth/calendar.readonly";
    public static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-verifier-0123456789";
    public static final String CHALLENGE = s256(VERIFIER);

    private GoogleFlow() {
    }

    public static void putUser(String email, String name, List<Map<String, Object>> messages) {
        given().contentType(ContentType.JSON).body(Map.of("name", name, "messages", messages, "events", List.of()))
                .put("/_emulator/google/users/" + email).then().statusCode(200);
    }

    public static Map<String, Object> message(String id, long internalDate, List<String> labels, String... headerPairs) {
        List<Map<String, String>> headers = new java.util.ArrayList<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.add(Map.of("name", headerPairs[i], "value", headerPairs[i + 1]));
        }
        Map<String, Object> m = new HashMap<>();
        m.put("id", id);
        m.put("threadId", id);
        m.put("labelIds", labels);
        m.put("snippet", "snippet of " + id);
        m.put("internalDate", Long.toString(internalDate));
        m.put("payload", Map.of("mimeType", "multipart/alternative", "headers", headers));
        return m;
    }

    /** Authorize with login_hint and return the query parameters of the redirect. */
    public static Map<String, String> authorize(String email, String scope, Map<String, String> extra) {
        Map<String, Object> params = new HashMap<>(Map.of("client_id", CLIENT_ID, "redirect_uri", REDIRECT,
                "response_type", "code", "scope", scope, "state", "st-1", "login_hint", email,
                "code_challenge", CHALLENGE, "code_challenge_method", "S256", "access_type", "offline"));
        params.putAll(extra);
        Response response = given().redirects().follow(false).queryParams(params).get("/accounts.google.com/o/oauth2/v2/auth");
        if (response.statusCode() != 302) {
            throw new AssertionError("authorize answered " + response.statusCode() + ": " + response.asString());
        }
        return query(response.header("Location"));
    }

    public static JsonPath exchange(String code) {
        return given().formParam("grant_type", "authorization_code").formParam("code", code)
                .formParam("redirect_uri", REDIRECT).formParam("client_id", CLIENT_ID)
                .formParam("client_secret", CLIENT_SECRET).formParam("code_verifier", VERIFIER)
                .post("/oauth2.googleapis.com/token").then().statusCode(200).extract().jsonPath();
    }

    /** A user with the given messages and an access token holding {@code scope}. */
    public static String accessToken(String email, String scope) {
        return exchange(authorize(email, scope, Map.of()).get("code")).getString("access_token");
    }

    public static String gmailToken(String email) {
        return accessToken(email, "openid email profile " + GMAIL_METADATA);
    }

    public static Map<String, String> query(String location) {
        Map<String, String> out = new HashMap<>();
        String query = URI.create(location).getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    public static String s256(String verifier) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

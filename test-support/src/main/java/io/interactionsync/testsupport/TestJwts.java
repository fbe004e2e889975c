package io.interactionsync.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * Portal JWTs for tests, minted by the emulator's IdP ({@code POST /idp/token {sub, email, roles}}), so
 * services validate them exactly as they validate real portal tokens: issuer + JWKS.
 */
public final class TestJwts {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private TestJwts() {
    }

    /** A signed JWT for a portal user, from the test JVM's emulator. */
    public static String user(String sub, String email, String... roles) {
        return mint(EmulatorTestResource.baseUrl(), sub, email, List.of(roles));
    }

    public static String mint(String emulatorBaseUrl, String sub, String email, List<String> roles) {
        try {
            String body = Json.mapper().writeValueAsString(Map.of("sub", sub, "email", email, "roles", roles));
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(emulatorBaseUrl + "/idp/token"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("IdP answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode json = Json.mapper().readTree(response.body());
            return json.get("access_token").asText();
        } catch (IOException e) {
            throw new IllegalStateException("could not mint a JWT at " + emulatorBaseUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

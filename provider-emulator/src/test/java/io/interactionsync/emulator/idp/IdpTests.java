package io.interactionsync.emulator.idp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.emulator.support.EmulatorExtension;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IdpTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private JwtClaims verify(String jwt) throws Exception {
        HttpsJwks jwks = new HttpsJwks(EMULATOR.baseUrl() + "/idp/jwks");
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setExpectedIssuer(EMULATOR.baseUrl() + "/idp")
                .setRequireExpirationTime().setRequireIssuedAt().setRequireJwtId()
                .setSkipDefaultAudienceValidation()
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(jwks))
                .build();
        return consumer.processToClaims(jwt);
    }

    @Test
    void discoveryNamesIssuerJwksAndTokenEndpoint() {
        given().get("/idp/.well-known/openid-configuration").then().statusCode(200)
                .body("issuer", equalTo(EMULATOR.baseUrl() + "/idp"))
                .body("jwks_uri", equalTo(EMULATOR.baseUrl() + "/idp/jwks"))
                .body("token_endpoint", equalTo(EMULATOR.baseUrl() + "/idp/token"));
    }

    @Test
    void jwksPublishesOneRs256SigningKey() {
        given().get("/idp/jwks").then().statusCode(200)
                .body("keys.size()", equalTo(1))
                .body("keys[0].kty", equalTo("RSA"))
                .body("keys[0].alg", equalTo("RS256"))
                .body("keys[0].use", equalTo("sig"));
    }

    @Test
    void userTokenIsAnRs256JwtWithSubEmailGroupsAndRoles() throws Exception {
        var response = given().contentType(ContentType.JSON)
                .body(Map.of("sub", "user-1", "email", "alice@acme.test", "roles", List.of("admin", "user")))
                .post("/idp/token").then().statusCode(200)
                .body("token_type", equalTo("Bearer")).body("expires_in", equalTo(3600))
                .extract().jsonPath();
        JwtClaims claims = verify(response.getString("access_token"));
        assertThat(claims.getSubject()).isEqualTo("user-1");
        assertThat(claims.getStringClaimValue("email")).isEqualTo("alice@acme.test");
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("admin", "user");
        assertThat(claims.getStringListClaimValue("roles")).containsExactly("admin", "user");
        assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue()).isEqualTo(3600);
    }

    @Test
    void userTokenWithoutSubIsRejected() {
        given().contentType(ContentType.JSON).body(Map.of("email", "a@acme.test"))
                .post("/idp/token").then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void clientCredentialsWithFormSecretMintsAServiceToken() throws Exception {
        String jwt = given().formParam("grant_type", "client_credentials").formParam("client_id", "google-sync-service")
                .formParam("client_secret", "local-service-secret")
                .post("/idp/token").then().statusCode(200).body("token_type", equalTo("Bearer"))
                .extract().path("access_token");
        JwtClaims claims = verify(jwt);
        assertThat(claims.getSubject()).isEqualTo("google-sync-service");
        assertThat(claims.getStringClaimValue("client_id")).isEqualTo("google-sync-service");
        assertThat(claims.getStringClaimValue("azp")).isEqualTo("google-sync-service");
        assertThat(claims.getAudience()).containsExactly("interaction-sync-internal");
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("service");
        assertThat(claims.hasClaim("email")).isFalse();
    }

    @Test
    void clientCredentialsNamesTheRequestedAudienceAndRefusesAnUnknownOne() throws Exception {
        String jwt = given().formParam("grant_type", "client_credentials").formParam("client_id", "event-normalizer")
                .formParam("client_secret", "local-service-secret").formParam("audience", "interaction-sync-internal")
                .post("/idp/token").then().statusCode(200).extract().path("access_token");
        assertThat(verify(jwt).getAudience()).containsExactly("interaction-sync-internal");
        given().formParam("grant_type", "client_credentials").formParam("client_id", "event-normalizer")
                .formParam("client_secret", "local-service-secret").formParam("audience", "https://elsewhere.test")
                .post("/idp/token").then().statusCode(400).body("error", equalTo("invalid_target"));
    }

    @Test
    void aUserTokenNeverCarriesAClientIdOrAudienceWhateverTheBodySays() throws Exception {
        String jwt = given().contentType(ContentType.JSON)
                .body(Map.of("sub", "google-sync-service", "email", "x@acme.test", "roles", List.of("service"),
                        "client_id", "google-sync-service", "aud", "interaction-sync-internal"))
                .post("/idp/token").then().statusCode(200).extract().path("access_token");
        JwtClaims claims = verify(jwt);
        assertThat(claims.hasClaim("client_id")).isFalse();
        assertThat(claims.hasClaim("azp")).isFalse();
        assertThat(claims.hasAudience()).isFalse();
    }

    @Test
    void clientCredentialsWithHttpBasicMintsAServiceToken() throws Exception {
        String jwt = given().auth().preemptive().basic("event-normalizer", "local-service-secret")
                .formParam("grant_type", "client_credentials")
                .post("/idp/token").then().statusCode(200).extract().path("access_token");
        assertThat(verify(jwt).getSubject()).isEqualTo("event-normalizer");
    }

    @Test
    void clientCredentialsWithWrongSecretIsInvalidClient() {
        given().formParam("grant_type", "client_credentials").formParam("client_id", "google-sync-service")
                .formParam("client_secret", "nope")
                .post("/idp/token").then().statusCode(401).body("error", equalTo("invalid_client"));
    }

    @Test
    void serviceSecretIsConfigurable() {
        given().contentType(ContentType.JSON).body(Map.of("serviceClientSecret", "rotated"))
                .put("/_emulator/config").then().statusCode(200);
        given().formParam("grant_type", "client_credentials").formParam("client_id", "microsoft-sync-service")
                .formParam("client_secret", "local-service-secret")
                .post("/idp/token").then().statusCode(401);
        given().formParam("grant_type", "client_credentials").formParam("client_id", "microsoft-sync-service")
                .formParam("client_secret", "rotated")
                .post("/idp/token").then().statusCode(200);
    }

    @Test
    void otherGrantTypesAreUnsupported() {
        given().formParam("grant_type", "password").formParam("client_id", "google-sync-service")
                .formParam("client_secret", "local-service-secret")
                .post("/idp/token").then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
    }
}

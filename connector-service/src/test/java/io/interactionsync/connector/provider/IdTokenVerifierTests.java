package io.interactionsync.connector.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interactionsync.connector.provider.ProviderException.Kind;
import java.util.List;
import java.util.function.Consumer;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

/** id_token verification: every forged, foreign, stale or misaddressed token is refused. */
class IdTokenVerifierTests {

    static final String CLIENT = "local-google-client";
    static final String ISSUER = "https://accounts.google.com";

    static final RsaJsonWebKey PROVIDER_KEY = key("provider-1");
    /** An attacker's key under the provider's key id. */
    static final RsaJsonWebKey FORGER_KEY = key("provider-1");

    static final IdTokenVerifier VERIFIER = new IdTokenVerifier("Google",
            new JwksVerificationKeyResolver(List.of(PROVIDER_KEY)));

    static RsaJsonWebKey key(String kid) {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(kid);
            return key;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JwtClaims claims() {
        JwtClaims c = new JwtClaims();
        c.setIssuer(ISSUER);
        c.setAudience(CLIENT);
        c.setSubject("109876543210987654321");
        c.setStringClaim("email", "alice@acme.test");
        c.setClaim("email_verified", true);
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(60);
        return c;
    }

    static String sign(JwtClaims claims, RsaJsonWebKey key) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setKeyIdHeaderValue(key.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String token(Consumer<JwtClaims> change) {
        JwtClaims c = claims();
        change.accept(c);
        return sign(c, PROVIDER_KEY);
    }

    static JwtClaims verify(String token) {
        return VERIFIER.verify(token, CLIENT, (iss, c) -> ISSUER.equals(iss));
    }

    static void assertRefused(String token, String reason) {
        assertThatThrownBy(() -> verify(token)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.ID_TOKEN_INVALID);
            assertThat(e.getMessage()).contains(reason).doesNotContain("alice@acme.test");
        });
    }

    @Test
    void shouldAcceptATokenSignedByTheProviderForUs() throws Exception {
        JwtClaims verified = verify(token(c -> { }));
        assertThat(verified.getSubject()).isEqualTo("109876543210987654321");
    }

    @Test
    void shouldRefuseATokenSignedWithAnotherKeyUnderTheProvidersKeyId() {
        assertRefused(sign(claims(), FORGER_KEY), "signature");
    }

    @Test
    void shouldRefuseATokenSignedWithAKeyTheProviderDoesNotPublish() {
        assertRefused(sign(claims(), key("unknown-kid")), "signature");
    }

    @Test
    void shouldRefuseUnsignedAndHmacTokens() throws Exception {
        JsonWebSignature none = new JsonWebSignature();
        none.setPayload(claims().toJson());
        none.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
        none.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
        assertRefused(none.getCompactSerialization(), "rejected");

        // HS256 keyed with the provider's public key: the classic algorithm confusion
        JsonWebSignature hmac = new JsonWebSignature();
        hmac.setPayload(claims().toJson());
        hmac.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        hmac.setKey(new HmacKey(PROVIDER_KEY.getPublicKey().getEncoded()));
        hmac.setKeyIdHeaderValue("provider-1");
        hmac.setDoKeyValidation(false);
        assertRefused(hmac.getCompactSerialization(), "rejected");
    }

    @Test
    void shouldRefuseAnExpiredToken() {
        assertRefused(token(c -> c.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 600))),
                "expired");
    }

    @Test
    void shouldRefuseATokenWithoutExpiry() {
        assertRefused(token(c -> c.unsetClaim("exp")), "no exp");
    }

    @Test
    void shouldRefuseATokenIssuedToAnotherClient() {
        assertRefused(token(c -> c.setAudience("someone-elses-client")), "aud");
    }

    @Test
    void shouldRefuseATokenWhoseAuthorizedPartyIsAnotherClient() {
        assertRefused(token(c -> {
            c.setAudience(CLIENT, "someone-elses-client");
            c.setStringClaim("azp", "someone-elses-client");
        }), "azp");
    }

    @Test
    void shouldCallAnUnreachableJwksEndpointUnavailableNotTheTokenInvalid() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        IdTokenVerifier unreachable = new IdTokenVerifier("Google", "http://127.0.0.1:" + closedPort + "/certs",
                java.time.Duration.ofSeconds(2));
        assertThatThrownBy(() -> unreachable.verify(token(c -> { }), CLIENT, (iss, c) -> true))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    }

    @Test
    void shouldRefuseATokenOfAnotherIssuer() {
        assertRefused(token(c -> c.setIssuer("https://evil.example")), "issuer");
    }
}

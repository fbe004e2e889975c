package io.interactionsync.emulator.jwt;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/** An RSA key generated at start, signing RS256 JWTs and publishing its public half as a JWKS. */
public final class JwtSigner {

    private final RsaJsonWebKey key;

    public JwtSigner(String keyId) {
        try {
            key = RsaJwkGenerator.generateJwk(2048);
        } catch (JoseException e) {
            throw new IllegalStateException("could not generate an RSA key", e);
        }
        key.setKeyId(keyId);
        key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        key.setUse("sig");
    }

    public String sign(JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("could not sign a JWT", e);
        }
    }

    /** {@code {"keys":[{kty, kid, use, alg, n, e}]}}. */
    public String jwksJson() {
        return new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** The public key, to check a JWT this signer issued (e.g. an id_token_hint). */
    public java.security.PublicKey publicKey() {
        return key.getPublicKey();
    }

    public String keyId() {
        return key.getKeyId();
    }
}

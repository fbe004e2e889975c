package io.interactionsync.connector.provider;

import io.interactionsync.connector.provider.ProviderException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jose4j.http.Get;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;

/**
 * Verifies an OpenID Connect id_token with jose4j: RS256 signature against the provider's JWKS (fetched from the
 * configured URL, cached, and fetched again when a token names an unknown key id, so key rotation needs nothing),
 * {@code exp} (required), {@code iat}/{@code nbf} with a small clock skew, {@code aud} containing our client id, and
 * an issuer rule of the provider. Provider-specific claims ({@code email_verified}, {@code tid}/{@code oid}) are
 * checked by the caller on the returned claims.
 *
 * <p>Failures are {@link ProviderException}s of kind {@link Kind#ID_TOKEN_INVALID} whose message names the failed
 * check only: jose4j's own messages quote the claims (an address), which must never reach a log.
 */
public final class IdTokenVerifier {

    /** Decides whether {@code iss} is acceptable for these (signature-verified) claims. */
    @FunctionalInterface
    public interface IssuerRule {
        boolean accepts(String issuer, JwtClaims claims) throws MalformedClaimException;
    }

    private static final int CLOCK_SKEW_SECONDS = 120;

    private final String provider;
    private final VerificationKeyResolver keys;

    /** Keys from a JWKS URL ({@code https://www.googleapis.com/oauth2/v3/certs}, …), with connect/read timeouts. */
    public IdTokenVerifier(String provider, String jwksUrl, Duration timeout) {
        this(provider, resolver(jwksUrl, timeout));
    }

    /** Keys from any resolver (tests use a fixed key set). */
    public IdTokenVerifier(String provider, VerificationKeyResolver keys) {
        this.provider = provider;
        this.keys = keys;
    }

    private static VerificationKeyResolver resolver(String jwksUrl, Duration timeout) {
        HttpsJwks jwks = new HttpsJwks(jwksUrl);
        Get get = new Get();
        get.setConnectTimeout((int) timeout.toMillis());
        get.setReadTimeout((int) timeout.toMillis());
        get.setRetries(1);
        jwks.setSimpleHttpGet(get);
        jwks.setDefaultCacheDuration(3600); // when the response has no cache headers (Google's and Microsoft's have)
        jwks.setRefreshReprieveThreshold(300); // an unknown kid refetches at most every 300 ms
        return new HttpsJwksVerificationKeyResolver(jwks);
    }

    /**
     * @param idToken  the compact JWT from the token response
     * @param clientId our OAuth client id: must be in {@code aud}; when {@code azp} is present it must be this id too
     * @param issuer   the provider's issuer rule
     * @return the verified claims
     */
    public JwtClaims verify(String idToken, String clientId, IssuerRule issuer) {
        JwtClaims claims;
        try {
            claims = new JwtConsumerBuilder()
                    .setVerificationKeyResolver(keys)
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                            AlgorithmIdentifiers.RSA_USING_SHA256)
                    .setRequireExpirationTime()
                    .setRequireSubject()
                    .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS)
                    .setExpectedAudience(true, clientId)
                    .setExpectedIssuer(true, null) // any issuer here; the provider's rule is applied below
                    .build()
                    .processToClaims(idToken);
        } catch (InvalidJwtException e) {
            if (jwksUnreachable(e)) {
                throw new ProviderException(Kind.UNAVAILABLE, null, provider + " JWKS could not be fetched");
            }
            throw invalid(reason(e));
        }
        try {
            if (!issuer.accepts(claims.getIssuer(), claims)) {
                throw invalid("issuer not accepted");
            }
            String azp = claims.getStringClaimValue("azp");
            if (azp != null && !azp.equals(clientId)) {
                throw invalid("azp is another client");
            }
        } catch (MalformedClaimException e) {
            throw invalid("malformed claim");
        }
        return claims;
    }

    /** A failure of a provider-specific claim check on verified claims. */
    public ProviderException invalid(String reason) {
        return new ProviderException(Kind.ID_TOKEN_INVALID, null, provider + " id_token rejected: " + reason);
    }

    /** The keys could not be fetched (network, 5xx): the provider is unavailable, the token is not at fault. */
    private static boolean jwksUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    private static String reason(InvalidJwtException e) {
        List<String> reasons = new ArrayList<>();
        for (ErrorCodeValidator.Error error : e.getErrorDetails()) {
            reasons.add(switch (error.getErrorCode()) {
                case ErrorCodes.EXPIRED -> "expired";
                case ErrorCodes.EXPIRATION_MISSING -> "no exp";
                case ErrorCodes.NOT_YET_VALID -> "not yet valid";
                case ErrorCodes.ISSUED_AT_INVALID_FUTURE, ErrorCodes.ISSUED_AT_INVALID_PAST -> "iat out of range";
                case ErrorCodes.AUDIENCE_INVALID -> "aud is another client";
                case ErrorCodes.AUDIENCE_MISSING -> "no aud";
                case ErrorCodes.ISSUER_MISSING -> "no iss";
                case ErrorCodes.SUBJECT_MISSING -> "no sub";
                case ErrorCodes.SIGNATURE_INVALID -> "signature invalid";
                case ErrorCodes.SIGNATURE_MISSING -> "not signed";
                case ErrorCodes.MALFORMED_CLAIM -> "malformed claim";
                case ErrorCodes.JSON_INVALID -> "not JSON";
                // e.g. an algorithm other than RS256, or a key id the provider's JWKS does not hold
                default -> "signature not verifiable with the provider's keys (jose4j error " + error.getErrorCode() + ")";
            });
        }
        return reasons.isEmpty() ? "not a valid JWT" : String.join(", ", reasons);
    }
}

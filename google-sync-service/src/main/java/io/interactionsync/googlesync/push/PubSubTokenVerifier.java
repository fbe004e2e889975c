package io.interactionsync.googlesync.push;

import io.interactionsync.googlesync.config.GoogleSyncConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import org.jose4j.http.Get;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

/**
 * Verifies the OIDC token a Cloud Pub/Sub push subscription sends ({@code Authorization: Bearer …}): an RS256
 * signature by one of Google's keys (the JWKS at {@code push.google-jwks-url}, cached as its Cache-Control says or an
 * hour, fetched again when a token names an unknown key), {@code iss} one of {@code push.google-issuers} (with or without {@code https://}), {@code aud}
 * the subscription's configured audience, {@code email} the subscription's service account with
 * {@code email_verified}, and {@code exp} not passed (one minute of clock skew).
 */
@ApplicationScoped
public class PubSubTokenVerifier {

    private static final int ALLOWED_SKEW_SECONDS = 60;
    private static final long DEFAULT_KEY_CACHE_SECONDS = 3600;

    private final JwtConsumer consumer;
    private final String serviceAccount;

    public PubSubTokenVerifier(GoogleSyncConfig config, GooglePushChannels push) {
        GoogleSyncConfig.Push settings = config.push();
        HttpsJwks keys = new HttpsJwks(settings.googleJwksUrl());
        Get get = new Get();
        get.setConnectTimeout(5_000);
        get.setReadTimeout(5_000);
        get.setRetries(1);
        keys.setSimpleHttpGet(get);
        keys.setDefaultCacheDuration(DEFAULT_KEY_CACHE_SECONDS);
        this.consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(ALLOWED_SKEW_SECONDS)
                .setExpectedIssuers(true, settings.googleIssuers().stream()
                        .flatMap(i -> i.contains("://") ? java.util.stream.Stream.of(i)
                                : java.util.stream.Stream.of(i, "https://" + i))
                        .toArray(String[]::new))
                .setExpectedAudience(push.gmailAudience())
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(keys))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .build();
        this.serviceAccount = settings.gmail().serviceAccount();
    }

    /**
     * @param authorization the request's Authorization header
     * @throws Rejected when the token is missing or does not pass every check (the reason is for DEBUG logs only)
     * @throws KeysUnavailable when Google's keys could not be fetched (the push is retried, nothing was decided)
     */
    public void verify(String authorization) throws Rejected, KeysUnavailable {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Rejected("no bearer token");
        }
        JwtClaims claims;
        try {
            claims = consumer.processToClaims(authorization.substring(7).trim());
        } catch (InvalidJwtException e) {
            if (causedByIo(e)) {
                throw new KeysUnavailable(e);
            }
            throw new Rejected(e.getErrorDetails().isEmpty() ? "invalid token"
                    : e.getErrorDetails().getFirst().getErrorMessage());
        }
        try {
            if (!serviceAccount.equalsIgnoreCase(claims.getStringClaimValue("email"))) {
                throw new Rejected("not the push subscription's service account");
            }
        } catch (MalformedClaimException e) {
            throw new Rejected("malformed email claim");
        }
        Object verified = claims.getClaimValue("email_verified");
        if (!Boolean.TRUE.equals(verified) && !"true".equals(verified)) {
            throw new Rejected("email not verified");
        }
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** The token was refused. */
    public static final class Rejected extends Exception {
        Rejected(String reason) {
            super(reason);
        }
    }

    /** Google's signing keys could not be fetched. */
    public static final class KeysUnavailable extends Exception {
        KeysUnavailable(Throwable cause) {
            super("Google's signing keys could not be fetched", cause);
        }
    }
}

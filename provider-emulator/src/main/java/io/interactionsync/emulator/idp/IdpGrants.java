package io.interactionsync.emulator.idp;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The portal IdP's authorization codes (single use) and refresh tokens (rotated on every use). */
public final class IdpGrants {

    /** How long an authorization code can be redeemed (OAuth 2.0 recommends at most 10 minutes; the IdP takes 60 s). */
    public static final long CODE_TTL_SECONDS = 60;

    /** What an authorize approval granted. */
    public record Code(String clientId, String redirectUri, String email, List<String> scopes, String challenge,
            String nonce, long authTime, Instant expiresAt) {
    }

    /** What a refresh token may renew; the user's roles and name are read again on every refresh. */
    public record Refresh(String clientId, String email, List<String> scopes, long authTime) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, Refresh> refreshTokens = new ConcurrentHashMap<>();

    public String issueCode(Code code) {
        String value = random();
        codes.put(value, code);
        return value;
    }

    /** Removes the code whatever happens next, so it can never be redeemed twice; empty if unknown or expired. */
    public Optional<Code> redeem(String value) {
        Code code = value == null ? null : codes.remove(value);
        return code == null || Instant.now().isAfter(code.expiresAt()) ? Optional.empty() : Optional.of(code);
    }

    public String issueRefresh(Refresh refresh) {
        String value = random();
        refreshTokens.put(value, refresh);
        return value;
    }

    /** Takes the refresh token out (rotation: the caller issues the successor); empty if unknown or used. */
    public Optional<Refresh> takeRefresh(String value) {
        return Optional.ofNullable(value == null ? null : refreshTokens.remove(value));
    }

    /** Puts a taken token back (it was presented by the wrong client: that must not cost its owner the grant). */
    public void restoreRefresh(String value, Refresh refresh) {
        refreshTokens.put(value, refresh);
    }

    /** Ends the user's refresh tokens of one client (RP-initiated logout); answers how many. */
    public int revoke(String clientId, String email) {
        int before = refreshTokens.size();
        refreshTokens.values().removeIf(r -> r.clientId().equals(clientId) && r.email().equals(email));
        return before - refreshTokens.size();
    }

    public void clear() {
        codes.clear();
        refreshTokens.clear();
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

package io.interactionsync.emulator.microsoft.identity;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Codes, refresh tokens (a new one on every redemption; earlier ones stay valid until revoked, as in Entra ID)
 * and access tokens of the emulated Microsoft identity platform.
 */
public final class MicrosoftTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    public record Code(String code, String clientId, String redirectUri, String upn, List<String> scopes,
            String challenge, String challengeMethod, String nonce, Instant expiresAt) {
    }

    public record Refresh(String token, String clientId, String upn, List<String> scopes) {
    }

    public record Access(String token, String clientId, String upn, List<String> scopes, Instant expiresAt) {
    }

    private final ConcurrentHashMap<String, Code> codes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Refresh> refreshTokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Access> accessTokens = new ConcurrentHashMap<>();
    private final java.util.Set<String> revoked = ConcurrentHashMap.newKeySet();

    /** True when the refresh token existed and was revoked. */
    public boolean wasRevoked(String token) {
        return revoked.contains(token);
    }

    public Code issueCode(String clientId, String redirectUri, String upn, List<String> scopes, String challenge,
            String method, String nonce, Instant expiresAt) {
        Code code = new Code("0.A" + random(180), clientId, redirectUri, upn, List.copyOf(scopes), challenge, method,
                nonce, expiresAt);
        codes.put(code.code(), code);
        return code;
    }

    public Optional<Code> redeem(String code) {
        return Optional.ofNullable(codes.remove(code));
    }

    public Refresh issueRefresh(String clientId, String upn, List<String> scopes) {
        Refresh refresh = new Refresh("1.A" + random(200), clientId, upn, List.copyOf(scopes));
        refreshTokens.put(refresh.token(), refresh);
        return refresh;
    }

    public Optional<Refresh> refresh(String token) {
        return Optional.ofNullable(refreshTokens.get(token));
    }

    public Access issueAccess(String clientId, String upn, List<String> scopes, Instant expiresAt) {
        Access access = new Access("EwB" + random(300), clientId, upn, List.copyOf(scopes), expiresAt);
        accessTokens.put(access.token(), access);
        return access;
    }

    public Optional<Access> access(String token) {
        return Optional.ofNullable(accessTokens.get(token)).filter(a -> Instant.now().isBefore(a.expiresAt()));
    }

    /** Revokes every token of a user (Graph then answers 401; refresh answers AADSTS50173). */
    public int revokeUser(String upn) {
        int before = refreshTokens.size();
        refreshTokens.values().stream().filter(r -> r.upn().equalsIgnoreCase(upn)).forEach(r -> revoked.add(r.token()));
        refreshTokens.values().removeIf(r -> r.upn().equalsIgnoreCase(upn));
        accessTokens.values().removeIf(a -> a.upn().equalsIgnoreCase(upn));
        return before - refreshTokens.size();
    }

    public void clear() {
        codes.clear();
        refreshTokens.clear();
        accessTokens.clear();
        revoked.clear();
    }

    private static String random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, length);
    }
}

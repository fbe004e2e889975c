package io.interactionsync.emulator.google.oauth;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authorization codes, refresh tokens, access tokens and granted scopes of the emulated Google authorization
 * server. Codes are one-time; revoking a refresh token (or an access token minted from it) kills both;
 * at most {@value #MAX_REFRESH_TOKENS} live refresh tokens per account and client (the oldest is silently
 * invalidated, as Google does).
 */
public final class GoogleTokens {

    public static final int MAX_REFRESH_TOKENS = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** An issued authorization code and everything the token request must match. */
    public record AuthCode(String code, String clientId, String redirectUri, String email, List<String> scopes,
            String codeChallenge, String codeChallengeMethod, boolean offline, boolean forceConsent, String nonce,
            Instant expiresAt) {
    }

    /** A refresh token. */
    public static final class RefreshGrant {
        private final String token;
        private final String clientId;
        private final String email;
        private final List<String> scopes;
        private final Instant issuedAt;
        private volatile boolean revoked;

        RefreshGrant(String token, String clientId, String email, List<String> scopes, Instant issuedAt) {
            this.token = token;
            this.clientId = clientId;
            this.email = email;
            this.scopes = List.copyOf(scopes);
            this.issuedAt = issuedAt;
        }

        public String token() {
            return token;
        }

        public String clientId() {
            return clientId;
        }

        public String email() {
            return email;
        }

        public List<String> scopes() {
            return scopes;
        }

        public boolean revoked() {
            return revoked;
        }
    }

    /** An access token; dies with its refresh token. */
    public record AccessGrant(String token, String clientId, String email, List<String> scopes, Instant expiresAt,
            RefreshGrant refresh) {

        public boolean valid(Instant now) {
            return now.isBefore(expiresAt) && (refresh == null || !refresh.revoked());
        }
    }

    private final ConcurrentHashMap<String, AuthCode> codes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RefreshGrant> refreshTokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AccessGrant> accessTokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<String>> granted = new ConcurrentHashMap<>();

    private static String key(String clientId, String email) {
        return clientId + "|" + email.toLowerCase(Locale.ROOT);
    }

    /**
     * The scopes granted by this authorization: the requested ones, plus earlier grants of the same client and
     * user when {@code includeGrantedScopes}. Records the grant.
     */
    public List<String> grant(String clientId, String email, List<String> requested, boolean includeGrantedScopes) {
        Set<String> all = granted.computeIfAbsent(key(clientId, email), k -> ConcurrentHashMap.newKeySet());
        LinkedHashSet<String> result = new LinkedHashSet<>(requested);
        if (includeGrantedScopes) {
            synchronized (all) {
                result.addAll(all.stream().sorted().toList());
            }
        }
        all.addAll(requested);
        return new ArrayList<>(result);
    }

    public AuthCode issueCode(String clientId, String redirectUri, String email, List<String> scopes,
            String challenge, String method, boolean offline, boolean forceConsent, String nonce, Instant expiresAt) {
        String code = "4/0A" + random(48);
        AuthCode auth = new AuthCode(code, clientId, redirectUri, email, scopes, challenge, method, offline,
                forceConsent, nonce, expiresAt);
        codes.put(code, auth);
        return auth;
    }

    /** Removes and returns the code (codes are one-time, even when the exchange then fails). */
    public Optional<AuthCode> redeemCode(String code) {
        return Optional.ofNullable(codes.remove(code));
    }

    /** True when the user has a live refresh token for this client (Google then issues no new one). */
    public boolean hasLiveRefreshToken(String clientId, String email) {
        return refreshTokens.values().stream().anyMatch(r -> !r.revoked && r.clientId.equals(clientId)
                && r.email.equalsIgnoreCase(email));
    }

    public synchronized RefreshGrant issueRefreshToken(String clientId, String email, List<String> scopes) {
        List<RefreshGrant> live = refreshTokens.values().stream()
                .filter(r -> !r.revoked && r.clientId.equals(clientId) && r.email.equalsIgnoreCase(email))
                .sorted((a, b) -> a.issuedAt.compareTo(b.issuedAt)).toList();
        for (int i = 0; i <= live.size() - MAX_REFRESH_TOKENS; i++) {
            live.get(i).revoked = true;
        }
        RefreshGrant grant = new RefreshGrant("1//0" + random(64), clientId, email, scopes, Instant.now());
        refreshTokens.put(grant.token, grant);
        return grant;
    }

    public Optional<RefreshGrant> refreshToken(String token) {
        return Optional.ofNullable(refreshTokens.get(token));
    }

    public AccessGrant issueAccessToken(String clientId, String email, List<String> scopes, Instant expiresAt,
            RefreshGrant refresh) {
        AccessGrant grant = new AccessGrant("ya29." + random(120), clientId, email, scopes, expiresAt, refresh);
        accessTokens.put(grant.token(), grant);
        return grant;
    }

    public Optional<AccessGrant> accessToken(String token) {
        return Optional.ofNullable(accessTokens.get(token));
    }

    /**
     * Revokes a refresh token (and every access token minted from it) or an access token (and its refresh
     * token, as Google does). False when the token is unknown or already revoked.
     */
    public boolean revoke(String token) {
        RefreshGrant refresh = refreshTokens.get(token);
        if (refresh != null) {
            if (refresh.revoked) {
                return false;
            }
            refresh.revoked = true;
            accessTokens.values().removeIf(a -> a.refresh() == refresh);
            return true;
        }
        AccessGrant access = accessTokens.remove(token);
        if (access == null) {
            return false;
        }
        if (access.refresh() != null) {
            revoke(access.refresh().token());
        }
        return true;
    }

    /** Revokes every token of a user (all clients), e.g. a password change; forgets their grants. */
    public int revokeUser(String email) {
        int count = 0;
        for (RefreshGrant r : refreshTokens.values()) {
            if (r.email.equalsIgnoreCase(email) && !r.revoked) {
                r.revoked = true;
                count++;
            }
        }
        accessTokens.values().removeIf(a -> a.email().equalsIgnoreCase(email));
        granted.keySet().removeIf(k -> k.endsWith("|" + email.toLowerCase(Locale.ROOT)));
        return count;
    }

    public void clear() {
        codes.clear();
        refreshTokens.clear();
        accessTokens.clear();
        granted.clear();
    }

    private static String random(int length) {
        byte[] bytes = new byte[length * 3 / 4 + 1];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, length);
    }
}

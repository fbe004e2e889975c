package io.interactionsync.sync.connector;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * An account's identity and a usable access token, from the connector. {@link #toString()} never shows
 * the token.
 *
 * @param email  the account's mailbox
 * @param scopes as the connector reports them (the provider's spelling); empty when not reported
 */
public record AccountToken(String accountId, String userId, String provider, String email, String accessToken,
                           Instant expiresAt, List<String> scopes) {

    /** True when {@code scope} was granted; an empty scope list (not reported) counts as granted. */
    public boolean hasScope(String scope) {
        return scopes.isEmpty() || scopes.contains(scope);
    }

    /**
     * True when one of {@code any} was granted, comparing each granted scope as given and without
     * {@code prefix} (e.g. Graph's {@code https://graph.microsoft.com/}); an empty scope list counts as granted.
     */
    public boolean hasAnyScope(Collection<String> any, String prefix) {
        if (scopes.isEmpty()) {
            return true;
        }
        for (String s : scopes) {
            String shortForm = prefix != null && s.startsWith(prefix) ? s.substring(prefix.length()) : s;
            if (any.contains(s) || any.contains(shortForm)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "AccountToken[accountId=" + accountId + ", userId=" + userId + ", email=" + email + ", expiresAt="
                + expiresAt + ", scopes=" + scopes + "]";
    }
}

package io.interactionsync.googlesync.client;

import java.time.Instant;
import java.util.List;

/**
 * An account's identity and a usable access token, from the connector. {@link #toString()} never shows
 * the token.
 *
 * @param email the account's mailbox
 */
public record AccountToken(String accountId, String userId, String provider, String email, String accessToken,
                           Instant expiresAt, List<String> scopes) {

    public static final String GMAIL_SCOPE = "https://www.googleapis.com/auth/gmail.metadata";
    public static final String CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.readonly";

    public boolean hasScope(String scope) {
        return scopes.isEmpty() || scopes.contains(scope);
    }

    @Override
    public String toString() {
        return "AccountToken[accountId=" + accountId + ", userId=" + userId + ", email=" + email + ", expiresAt="
                + expiresAt + ", scopes=" + scopes + "]";
    }
}

package io.interactionsync.microsoftsync.client;

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

    /** Graph scopes (short or full form) that let the account read its own mail, its calendar, shared mailboxes. */
    public static final java.util.Set<String> MAIL_SCOPES = java.util.Set.of("Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite");
    public static final java.util.Set<String> CALENDAR_SCOPES =
            java.util.Set.of("Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite");
    public static final java.util.Set<String> SHARED_MAIL_SCOPES =
            java.util.Set.of("Mail.ReadBasic.Shared", "Mail.Read.Shared", "Mail.ReadWrite.Shared");

    /** True when one of {@code any} was granted; an empty scope list (not reported) counts as granted. */
    public boolean hasAnyScope(java.util.Set<String> any) {
        if (scopes.isEmpty()) {
            return true;
        }
        for (String s : scopes) {
            String shortForm = s.startsWith("https://graph.microsoft.com/") ? s.substring("https://graph.microsoft.com/".length()) : s;
            if (any.contains(shortForm)) {
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

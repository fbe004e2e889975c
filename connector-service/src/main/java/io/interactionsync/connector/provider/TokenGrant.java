package io.interactionsync.connector.provider;

import java.time.Instant;
import java.util.List;

/**
 * The result of a token request.
 *
 * @param refreshToken null when the provider did not issue (or rotate) one
 * @param scopes       granted scopes from the token response; null when the response had none
 * @param identity     from the id_token; null on refresh
 */
public record TokenGrant(String accessToken, String refreshToken, Instant expiresAt, List<String> scopes,
                         ProviderIdentity identity) {

    @Override
    public String toString() {
        return "TokenGrant[expiresAt=" + expiresAt + ", scopes=" + scopes + ", rotatedRefresh="
                + (refreshToken != null) + "]";
    }
}

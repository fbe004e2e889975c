package io.interactionsync.connector.rest.dto;

import java.time.Instant;
import java.util.List;

/** A usable access token for a sync service (internal API only). */
public record AccessTokenResponse(String accountId, String userId, String provider, String email, String accessToken,
                                  Instant expiresAt, List<String> scopes) {

    @Override
    public String toString() {
        return "AccessTokenResponse[" + accountId + ", expiresAt=" + expiresAt + "]";
    }
}

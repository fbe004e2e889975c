package io.interactionsync.connector.rest.dto;

import jakarta.validation.constraints.Size;

/** Optional body of the internal token call: the token the provider just answered 401 to. */
public record AccessTokenRequest(@Size(max = 8192) String rejectedAccessToken) {

    @Override
    public String toString() {
        return "AccessTokenRequest[rejected=" + (rejectedAccessToken != null) + "]";
    }
}

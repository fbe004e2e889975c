package io.interactionsync.connector.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A data key in clear (internal API only): {@code key} = the 32 key bytes, Base64. {@code owner} only on a read by
 * kid (the normalizer checks it against the record). {@link #toString()} never shows the key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataKeyResponse(String kid, String owner, String key) {

    @Override
    public String toString() {
        return "DataKeyResponse[" + kid + (owner == null ? "" : ", " + owner) + ", key=***]";
    }
}

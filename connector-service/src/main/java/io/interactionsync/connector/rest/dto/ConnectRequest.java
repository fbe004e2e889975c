package io.interactionsync.connector.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The authorization code from the provider's redirect (or the popup's {@code postmessage}). */
public record ConnectRequest(
        @NotBlank @Size(max = 4096) String code,
        @NotBlank @Size(max = 2048) String redirectUri,
        @Size(min = 16, max = 256) String state) {

    @Override
    public String toString() {
        return "ConnectRequest[redirectUri=" + redirectUri + "]";
    }
}

package io.interactionsync.connector.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The redirect's query forwarded by the portal: {@code code} (and {@code state}) on success, or {@code error} and
 * {@code errorDescription} when Microsoft redirected with an error (personal account, consent required…).
 */
public record MicrosoftConnectRequest(
        @Size(max = 4096) String code,
        @NotBlank @Size(max = 2048) String redirectUri,
        @Size(min = 16, max = 256) String state,
        @Size(max = 128) String error,
        @Size(max = 4096) String errorDescription) {

    public ConnectRequest toConnectRequest() {
        return new ConnectRequest(code, redirectUri, state);
    }

    @Override
    public String toString() {
        return "MicrosoftConnectRequest[redirectUri=" + redirectUri + ", error=" + error + "]";
    }
}

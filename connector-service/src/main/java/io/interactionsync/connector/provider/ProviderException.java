package io.interactionsync.connector.provider;

/** A classified provider failure. Messages carry the provider's error code, never a token. */
public class ProviderException extends RuntimeException {

    public enum Kind {
        /** The code or refresh token is invalid, expired or revoked ({@code invalid_grant}). */
        INVALID_GRANT,
        /** The provider refused the request for another reason (bad request, redirect mismatch). */
        REJECTED,
        /** Our client credentials are wrong ({@code invalid_client}, {@code unauthorized_client}). */
        MISCONFIGURED,
        /** The provider answered nonsense (no id_token, no access token). */
        INVALID_RESPONSE,
        /** 5xx, timeout, connection refused. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final String providerError;

    public ProviderException(Kind kind, String providerError, String message) {
        super(message);
        this.kind = kind;
        this.providerError = providerError;
    }

    public Kind kind() {
        return kind;
    }

    /** The provider's error code (e.g. {@code invalid_grant}), when it sent one. */
    public String providerError() {
        return providerError;
    }
}

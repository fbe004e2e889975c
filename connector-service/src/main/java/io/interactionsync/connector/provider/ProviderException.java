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
        UNAVAILABLE,
        /** A personal (consumer) account where only work or school accounts are allowed. */
        PERSONAL_ACCOUNT,
        /** The tenant requires an administrator to consent to the requested permissions. */
        CONSENT_REQUIRED,
        /**
         * The id_token failed verification (signature against the provider's JWKS, {@code iss}, {@code aud},
         * {@code exp}, or a required claim such as Microsoft's {@code tid}/{@code oid}).
         */
        ID_TOKEN_INVALID,
        /** Google: the account's address is not verified ({@code email_verified} false or missing). */
        EMAIL_NOT_VERIFIED,
        /**
         * The code was issued without our PKCE challenge (the provider refused our verifier, e.g. Google's
         * "code_verifier or verifier is not needed."): it did not come from our authorize URL.
         */
        PKCE_MISMATCH
    }

    private final Kind kind;
    private final String providerError;
    private final String adminConsentUrl;

    public ProviderException(Kind kind, String providerError, String message) {
        this(kind, providerError, message, null);
    }

    public ProviderException(Kind kind, String providerError, String message, String adminConsentUrl) {
        super(message);
        this.kind = kind;
        this.providerError = providerError;
        this.adminConsentUrl = adminConsentUrl;
    }

    /** For {@link Kind#CONSENT_REQUIRED}: where a tenant administrator grants consent; otherwise null. */
    public String adminConsentUrl() {
        return adminConsentUrl;
    }

    public Kind kind() {
        return kind;
    }

    /** The provider's error code (e.g. {@code invalid_grant}), when it sent one. */
    public String providerError() {
        return providerError;
    }
}

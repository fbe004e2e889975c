package io.interactionsync.connector.provider;

import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * One OAuth identity provider (Google now; Microsoft plugs in the same way). Implementations call the
 * provider's endpoints with a maintained client library and throw {@link ProviderException} with a
 * classified {@link ProviderException.Kind}; no method returns or logs a token except in its result.
 */
public interface OAuthProvider {

    Provider provider();

    /** False when the client id/secret are not configured; connect then answers 503. */
    boolean configured();

    /** The sources this provider can sync, in display order. */
    List<Source> sources();

    /**
     * Provider scope strings for the caller's per-source choices (e.g. {@code gmail,calendar}), always
     * including the identity scopes.
     *
     * @throws IllegalArgumentException naming the unknown choice
     */
    List<String> scopesFor(List<String> choices);

    /** The sources the granted scopes allow (feature flags are applied by the caller). */
    Set<Source> sourcesAllowedBy(Collection<String> grantedScopes);

    /** The URL the user's browser is sent to. */
    String authorizeUrl(AuthorizationRequest request);

    /**
     * Authorization-code exchange with the PKCE verifier of the state the code was issued for (always: a code the
     * provider issued without our challenge is refused, so a code from another flow can never be redeemed), and
     * verification of the id_token (signature against the provider's JWKS, issuer, audience, expiry).
     */
    TokenGrant exchangeCode(String code, String redirectUri, String codeVerifier);

    /**
     * The scopes to record when a token response has no {@code scope}: only what the provider documents for that
     * case, never "everything requested" unless the provider says so.
     */
    List<String> scopesWhenUnreported(List<String> requested);

    /** Refresh-token grant; the result carries a new refresh token when the provider rotated it. */
    TokenGrant refresh(String refreshToken);

    /** Refresh asking for the scopes granted so far (providers that require {@code scope} on refresh). */
    default TokenGrant refresh(String refreshToken, Collection<String> grantedScopes) {
        return refresh(refreshToken);
    }

    /**
     * Classifies an error the provider sent to the redirect URI instead of a code ({@code error},
     * {@code error_description}, forwarded by the portal).
     */
    default ProviderException authorizationError(String error, String errorDescription, String redirectUri) {
        return new ProviderException(ProviderException.Kind.REJECTED, error, "authorization failed: " + error);
    }

    /** Whether the granted scopes allow reading shared mailboxes (Microsoft {@code .Shared} scopes). */
    default boolean allowsSharedMailboxes(Collection<String> grantedScopes) {
        return false;
    }

    /** Revokes the grant behind {@code token}; an already invalid token counts as revoked. */
    void revoke(String token);
}

package io.interactionsync.connector.provider;

import java.util.List;

/** What goes into an authorize URL: where to return, which scopes, the state and the PKCE S256 challenge. */
public record AuthorizationRequest(String redirectUri, List<String> scopes, String state, String codeChallenge) {
}

package io.interactionsync.emulator.config;

import java.util.List;

/** A registered OAuth client (Google or Microsoft): id, secret and the exact redirect URIs it may use. */
public record OAuthClient(String clientId, String clientSecret, List<String> redirectUris) {

    public OAuthClient {
        redirectUris = List.copyOf(redirectUris);
    }
}

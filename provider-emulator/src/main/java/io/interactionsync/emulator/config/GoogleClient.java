package io.interactionsync.emulator.config;

import java.util.List;

/** A registered Google OAuth client: id, secret and the exact redirect URIs it may use. */
public record GoogleClient(String clientId, String clientSecret, List<String> redirectUris) {

    public GoogleClient {
        redirectUris = List.copyOf(redirectUris);
    }
}

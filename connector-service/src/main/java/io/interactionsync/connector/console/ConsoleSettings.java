package io.interactionsync.connector.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What the web console (module {@code console}, served at {@code /console/}) needs to know to run in a browser
 * ({@code console.*}): the portal IdP it signs in with, its public OIDC client id, and where the normalizer's API is.
 * Nothing secret: a public client has no secret, and {@link ConsoleConfigResource} serves these values to anyone.
 */
@ConfigMapping(prefix = "console")
public interface ConsoleSettings {

    /** The portal IdP's issuer (OIDC discovery at {@code <issuer>/.well-known/openid-configuration}). */
    @WithDefault("${mp.jwt.verify.issuer}")
    String issuer();

    /** The console's public client id at the IdP (authorization code + PKCE, no secret). */
    @WithDefault("interaction-sync-console")
    String clientId();

    /**
     * The event-normalizer's public API as the browser reaches it (replays on the team page); it answers the
     * console's origin with CORS.
     */
    @WithDefault("http://127.0.0.1:8084")
    String normalizerUrl();

    /** How often the console refreshes account state while a page is open. */
    @WithDefault("3000")
    int pollMillis();
}

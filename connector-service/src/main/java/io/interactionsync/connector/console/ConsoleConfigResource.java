package io.interactionsync.connector.console;

import io.smallrye.common.annotation.NonBlocking;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The console's runtime configuration, read by the browser before it signs in. Public on purpose: it names only the
 * IdP, a public client id and the normalizer's URL. Everything else the console does goes through {@code /api/v1}
 * with the user's own token.
 */
@Path("/console/config.json")
@PermitAll
@Tag(name = "Console")
public class ConsoleConfigResource {

    /** The JSON the console reads. */
    public record ConsoleConfig(String issuer, String clientId, String normalizerUrl, int pollMillis) {
    }

    private final ConsoleSettings settings;

    public ConsoleConfigResource(ConsoleSettings settings) {
        this.settings = settings;
    }

    @GET
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The web console's settings: IdP issuer, public client id, normalizer URL, poll interval")
    public ConsoleConfig get() {
        return new ConsoleConfig(strip(settings.issuer()), settings.clientId(), strip(settings.normalizerUrl()),
                settings.pollMillis());
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}

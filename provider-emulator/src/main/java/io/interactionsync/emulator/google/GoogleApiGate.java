package io.interactionsync.emulator.google;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.google.oauth.GoogleTokens.AccessGrant;
import io.interactionsync.emulator.http.GoogleErrors;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.store.GoogleUser;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;

/**
 * What every Google API call goes through before its handler: the Bearer token (401 authError), the scope
 * (403 insufficientPermissions), the mailbox owner ({@code me} or the token's own address), then usage stats.
 */
public final class GoogleApiGate {

    /** The caller of a Google API request: who, with which scopes. */
    public record Caller(GoogleUser user, AccessGrant grant) {

        public boolean hasScope(String scope) {
            return grant.scopes().contains(scope);
        }
    }

    private final EmulatorContext ctx;

    public GoogleApiGate(EmulatorContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Authenticates and authorises; on failure answers the request and returns empty.
     *
     * @param requiredAnyOf the caller needs at least one of these scopes
     * @param service service name for the ErrorInfo of an insufficient-scope answer
     */
    public Optional<Caller> authenticate(RoutingContext rc, Set<String> requiredAnyOf, String service) {
        String header = rc.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            unauthorized(rc, GoogleErrors.loginRequired());
            return Optional.empty();
        }
        String token = header.substring(7).trim();
        Optional<AccessGrant> grant = ctx.googleTokens().accessToken(token).filter(g -> g.valid(Instant.now()));
        Optional<GoogleUser> user = grant.flatMap(g -> ctx.store().googleUser(g.email()));
        if (grant.isEmpty() || user.isEmpty()) {
            unauthorized(rc, GoogleErrors.invalidCredentials());
            return Optional.empty();
        }
        if (Collections.disjoint(grant.get().scopes(), requiredAnyOf)) {
            Responses.json(rc, 403, GoogleErrors.insufficientPermissions(service));
            return Optional.empty();
        }
        return Optional.of(new Caller(user.get(), grant.get()));
    }

    private static void unauthorized(RoutingContext rc, ObjectNode body) {
        rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
        Responses.json(rc, 401, body);
    }

    /** Records a call for {@code GET /_emulator/stats}. */
    public void record(Caller caller, String method, long units, boolean throttled) {
        ctx.stats().record(caller.user().email(), method, units, throttled);
    }
}

package io.interactionsync.normalizer.security;

import io.interactionsync.normalizer.config.NormalizerConfig;
import io.interactionsync.normalizer.rest.Problem;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonString;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The trust boundary by path, whatever an endpoint's annotations say: {@code /api/**} (query API, replays) only for
 * portal user tokens, {@code /internal/**} (the ingested API) only for the sync services' client-credentials tokens
 * ({@code sub} = {@code client_id} = {@code azp}, {@code aud} holding {@code normalizer.internal.audience}, client id
 * in {@code normalizer.internal.clients}). A token with a {@code client_id} claim is a service token; roles never
 * make one. Wired in application.properties ({@code quarkus.http.auth.permission.*}, applied after the JAX-RS match so
 * refusals leave as problem+json through {@code rest/SecurityProblems}, which reads {@link #refusal}).
 */
public final class CallerPolicies {

    private static final String REFUSAL = CallerPolicies.class.getName() + ".refusal";

    private CallerPolicies() {
    }

    /** The 403 problem a policy left on this request, or null. */
    public static Problem refusal(RoutingContext rc) {
        return rc == null ? null : rc.get(REFUSAL);
    }

    private static String claim(JsonWebToken jwt, String name) {
        Object value = jwt.getClaim(name);
        return value == null ? null : value instanceof JsonString s ? s.getString() : String.valueOf(value);
    }

    /** Null when {@code jwt} is an acceptable service token; otherwise why not. */
    static Problem serviceRefusal(JsonWebToken jwt, NormalizerConfig.Internal config) {
        String clientId = claim(jwt, "client_id");
        if (clientId == null) {
            return forbidden("service_client_required", "The internal API accepts only client-credentials tokens of "
                    + "the sync services; user tokens are refused whatever their roles.");
        }
        String azp = claim(jwt, "azp");
        Set<String> audiences = jwt.getAudience();
        if (!clientId.equals(jwt.getSubject()) || (azp != null && !azp.equals(clientId))
                || audiences == null || !audiences.contains(config.audience())
                || !config.clients().contains(clientId)) {
            return forbidden("client_not_allowed", "This service token is not accepted here (client not allowed, "
                    + "or its sub/azp/audience do not fit).");
        }
        return null;
    }

    private static Problem forbidden(String code, String detail) {
        return new Problem("about:blank", "Forbidden", 403, detail, code);
    }

    private static Uni<HttpSecurityPolicy.CheckResult> decide(RoutingContext rc, Uni<SecurityIdentity> identity,
                                                               java.util.function.Function<JsonWebToken, Problem> rule) {
        return identity.map(id -> {
            if (id.isAnonymous() || !(id.getPrincipal() instanceof JsonWebToken jwt)) {
                return HttpSecurityPolicy.CheckResult.DENY;
            }
            Problem refusal = rule.apply(jwt);
            if (refusal == null) {
                return HttpSecurityPolicy.CheckResult.PERMIT;
            }
            rc.put(REFUSAL, refusal);
            return HttpSecurityPolicy.CheckResult.DENY;
        });
    }

    /** {@code /api/**}: portal user tokens only. */
    @ApplicationScoped
    public static class PortalUsersOnly implements HttpSecurityPolicy {

        @Override
        public Uni<CheckResult> checkPermission(RoutingContext rc, Uni<SecurityIdentity> identity,
                                                AuthorizationRequestContext context) {
            return decide(rc, identity, jwt -> claim(jwt, "client_id") == null ? null
                    : forbidden("service_token_not_allowed", "Service tokens are not accepted on the user API."));
        }

        @Override
        public String name() {
            return "portal-users-only";
        }
    }

    /** {@code /internal/**}: the sync services' client tokens with the internal audience only. */
    @ApplicationScoped
    public static class SyncServicesOnly implements HttpSecurityPolicy {

        private final NormalizerConfig config;

        public SyncServicesOnly(NormalizerConfig config) {
            this.config = config;
        }

        @Override
        public Uni<CheckResult> checkPermission(RoutingContext rc, Uni<SecurityIdentity> identity,
                                                AuthorizationRequestContext context) {
            return decide(rc, identity, jwt -> serviceRefusal(jwt, config.internal()));
        }

        @Override
        public String name() {
            return "sync-services-only";
        }
    }
}

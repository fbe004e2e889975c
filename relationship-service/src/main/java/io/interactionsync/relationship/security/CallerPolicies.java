package io.interactionsync.relationship.security;

import io.interactionsync.relationship.rest.Problem;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonString;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The trust boundary by path, as in the normalizer: {@code /api/**} only for portal user tokens. A token with a
 * {@code client_id} claim is a service (client-credentials) token, refused with 403 {@code service_token_not_allowed}
 * whatever roles it carries. Wired in application.properties ({@code quarkus.http.auth.permission.*}, applied after
 * the JAX-RS match so the refusal leaves as problem+json through {@code rest/SecurityProblems}, which reads
 * {@link #refusal}).
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

    /** {@code /api/**}: portal user tokens only. */
    @ApplicationScoped
    public static class PortalUsersOnly implements HttpSecurityPolicy {

        @Override
        public Uni<CheckResult> checkPermission(RoutingContext rc, Uni<SecurityIdentity> identity,
                                                AuthorizationRequestContext context) {
            return identity.map(id -> {
                if (id.isAnonymous() || !(id.getPrincipal() instanceof JsonWebToken jwt)) {
                    return CheckResult.DENY;
                }
                if (claim(jwt, "client_id") == null) {
                    return CheckResult.PERMIT;
                }
                rc.put(REFUSAL, Problem.forbidden("service_token_not_allowed",
                        "Service tokens are not accepted on the user API."));
                return CheckResult.DENY;
            });
        }

        @Override
        public String name() {
            return "portal-users-only";
        }
    }
}

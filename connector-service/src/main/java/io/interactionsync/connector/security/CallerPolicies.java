package io.interactionsync.connector.security;

import io.interactionsync.connector.rest.problem.ApiException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The trust boundary by path, whatever an endpoint's own annotations say (so a new endpoint cannot forget it):
 * {@code /api/**} only for portal users ({@value #USERS}), {@code /internal/**} only for allow-listed service clients
 * ({@value #SERVICES}); see {@code quarkus.http.auth.permission.*} in application.properties (applied after the
 * JAX-RS match, so refusals leave through the problem+json mappers). An anonymous request is denied (401); a
 * refused bearer gets 403 with the code this class leaves on the request ({@link #refusal}).
 */
public final class CallerPolicies {

    public static final String USERS = "portal-users-only";
    public static final String SERVICES = "service-clients-only";
    private static final String REFUSAL = CallerPolicies.class.getName() + ".refusal";

    private CallerPolicies() {
    }

    /** Why the policy refused this request (for the 403 body), or null. */
    public static ApiException refusal(RoutingContext rc) {
        return rc == null ? null : rc.get(REFUSAL);
    }

    private static Uni<HttpSecurityPolicy.CheckResult> decide(RoutingContext rc, Uni<SecurityIdentity> identity,
                                                               java.util.function.Function<ServiceClients.Caller, ApiException> rule,
                                                               ServiceClients clients) {
        return identity.map(id -> {
            if (id.isAnonymous() || !(id.getPrincipal() instanceof JsonWebToken jwt)) {
                return HttpSecurityPolicy.CheckResult.DENY;
            }
            ApiException refusal = rule.apply(clients.classify(jwt));
            if (refusal == null) {
                return HttpSecurityPolicy.CheckResult.PERMIT;
            }
            rc.put(REFUSAL, refusal);
            return HttpSecurityPolicy.CheckResult.DENY;
        });
    }

    /** {@code /api/**}: portal user tokens only; a client-credentials token is refused. */
    @ApplicationScoped
    public static class PortalUsersOnly implements HttpSecurityPolicy {

        private final ServiceClients clients;

        public PortalUsersOnly(ServiceClients clients) {
            this.clients = clients;
        }

        @Override
        public Uni<CheckResult> checkPermission(RoutingContext rc, Uni<SecurityIdentity> identity,
                                                AuthorizationRequestContext context) {
            return decide(rc, identity, caller -> caller instanceof ServiceClients.Caller.User ? null
                    : new ApiException(403, "service_token_not_allowed",
                            "Service tokens are not accepted on the user API."), clients);
        }

        @Override
        public String name() {
            return USERS;
        }
    }

    /** {@code /internal/**}: allow-listed service clients with the internal audience only. */
    @ApplicationScoped
    public static class ServiceClientsOnly implements HttpSecurityPolicy {

        private final ServiceClients clients;

        public ServiceClientsOnly(ServiceClients clients) {
            this.clients = clients;
        }

        @Override
        public Uni<CheckResult> checkPermission(RoutingContext rc, Uni<SecurityIdentity> identity,
                                                AuthorizationRequestContext context) {
            return decide(rc, identity, caller -> switch (caller) {
                case ServiceClients.Caller.Service service -> null;
                case ServiceClients.Caller.User user -> InternalCallers.serviceClientRequired();
                case ServiceClients.Caller.RejectedClient rejected -> InternalCallers.clientNotAllowed(rejected.reason());
            }, clients);
        }

        @Override
        public String name() {
            return SERVICES;
        }
    }
}

package io.interactionsync.relationship.rest;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.interactionsync.relationship.security.CallerPolicies;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

/**
 * 401 and 403 as {@code application/problem+json} with a {@code code}, like every other error. Authentication is lazy
 * ({@code quarkus.http.auth.proactive=false}), so a bad token reaches these mappers instead of ending as a bare 401.
 */
public class SecurityProblems {

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return unauthenticated();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthenticated();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ServerRequestContext request) {
        // A refusal of the caller policies (wrong kind of bearer for the path) carries its own code.
        Problem refusal = request instanceof ResteasyReactiveRequestContext r
                ? CallerPolicies.refusal(r.serverRequest().unwrap(RoutingContext.class)) : null;
        if (refusal != null) {
            return Response.status(403).type(Problem.MEDIA_TYPE).entity(refusal).build();
        }
        return Response.status(403).type(Problem.MEDIA_TYPE).entity(new Problem("about:blank", "Forbidden", 403,
                "Your credentials do not allow this operation.", "forbidden")).build();
    }

    private static Response unauthenticated() {
        return Response.status(401).type(Problem.MEDIA_TYPE).header("WWW-Authenticate", "Bearer")
                .entity(new Problem("about:blank", "Unauthorized", 401, "A valid bearer token is required.",
                        "unauthorized")).build();
    }
}

package io.interactionsync.connector.rest.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.interactionsync.connector.security.CallerPolicies;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import java.util.stream.Collectors;
import io.vertx.ext.web.RoutingContext;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

/** Every error leaves as {@code application/problem+json} with a {@code code}. */
public class ProblemMappers {

    private final ObjectMapper mapper;

    public ProblemMappers(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        Response response = problem(e.status(), e.code(), e.getMessage(), uri, e.extensions());
        if (e instanceof RateLimitedException limited) {
            return Response.fromResponse(response).header("Retry-After", limited.retryAfterSeconds()).build();
        }
        return response;
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return unauthenticated(uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return unauthenticated(uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri, ServerRequestContext request) {
        // A refusal of the caller policies (wrong kind of bearer for the path) carries its own code.
        ApiException refusal = request instanceof ResteasyReactiveRequestContext r
                ? CallerPolicies.refusal(r.serverRequest().unwrap(RoutingContext.class)) : null;
        if (refusal != null) {
            return api(refusal, uri);
        }
        return problem(403, "forbidden", "Your credentials do not allow this operation.", uri, Map.of());
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        String detail = e.getConstraintViolations().stream()
                .map(ProblemMappers::describe)
                .sorted()
                .collect(Collectors.joining("; "));
        return problem(400, "validation_failed", detail, uri, Map.of());
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        return problem(400, "unknown_field", "Unknown field '" + e.getPropertyName() + "'.", uri, Map.of());
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        return problem(400, "malformed_json", "The request body is not valid JSON for this endpoint.", uri, Map.of());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof UnrecognizedPropertyException u) {
            return unknownField(u, uri);
        }
        if (e.getCause() instanceof JsonProcessingException j) {
            return malformedJson(j, uri);
        }
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "body_too_large";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "request_failed";
        };
        String detail = status == 404 ? "No such resource." : Response.Status.fromStatusCode(status) == null
                ? "Request failed." : Response.Status.fromStatusCode(status).getReasonPhrase() + ".";
        return problem(status, code, detail, uri, Map.of());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        // Class name only: exception messages of libraries could echo request data.
        Log.errorf("unexpected %s on %s", e.getClass().getName(), uri.getPath());
        Log.debug("unexpected failure", e);
        return problem(500, "internal_error", "An unexpected error occurred.", uri, Map.of());
    }

    private Response unauthenticated(UriInfo uri) {
        return Response.fromResponse(problem(401, "unauthorized",
                        "A valid bearer token is required.", uri, Map.of()))
                .header("WWW-Authenticate", "Bearer").build();
    }

    private static String describe(ConstraintViolation<?> v) {
        String path = v.getPropertyPath().toString();
        int dot = path.indexOf('.');
        // "connect.request.code" -> "request.code": drop the method name.
        String field = dot >= 0 ? path.substring(dot + 1) : path;
        return field + ": " + v.getMessage();
    }

    Response problem(int status, String code, String detail, UriInfo uri, Map<String, Object> extensions) {
        Response.Status s = Response.Status.fromStatusCode(status);
        Problem p = new Problem("about:blank", s == null ? "Error" : s.getReasonPhrase(), status, detail, code,
                uri == null ? null : uri.getPath(), extensions);
        try {
            return Response.status(status).type(Problem.MEDIA_TYPE).entity(mapper.writeValueAsString(p)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.interactionsync.connector.rest;

import io.interactionsync.connector.rest.dto.AccessTokenRequest;
import io.interactionsync.connector.rest.dto.AccessTokenResponse;
import io.interactionsync.connector.security.InternalCallers;
import io.interactionsync.connector.security.ServiceCaller;
import io.interactionsync.connector.service.AccessTokenService;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.quarkus.security.Authenticated;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Service-to-service API: only client-credentials tokens of allow-listed service clients with the internal audience
 * ({@link InternalCallers}), each for its own provider's accounts; user tokens are refused whatever their roles.
 */
@Path("/internal/v1/accounts")
@Authenticated
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Internal")
public class InternalAccessTokenResource {

    private final AccessTokenService tokens;
    private final ObjectMapper mapper;
    private final Validator validator;
    private final InternalCallers callers;

    public InternalAccessTokenResource(AccessTokenService tokens, ObjectMapper mapper, Validator validator,
                                       InternalCallers callers) {
        this.tokens = tokens;
        this.mapper = mapper;
        this.validator = validator;
        this.callers = callers;
    }

    @POST
    @Path("/{id}/access-token")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = AccessTokenRequest.class)))
    @Operation(summary = "A usable access token, refreshed when within the skew of expiry or when the caller reports it rejected")
    @APIResponse(responseCode = "200", description = "{accountId, userId, provider, email, accessToken, expiresAt, scopes}")
    @APIResponse(responseCode = "403", description = "service_client_required (a user token, whatever its roles), "
            + "client_not_allowed (client not allow-listed, audience missing), provider_not_allowed (another "
            + "provider's account)")
    @APIResponse(responseCode = "404", description = "account_not_found")
    @APIResponse(responseCode = "409", description = "reauth_required")
    @APIResponse(responseCode = "502", description = "provider_unavailable")
    public AccessTokenResponse accessToken(@PathParam("id") String id, String body) throws JsonProcessingException {
        ServiceCaller caller = callers.require();
        // The body is optional, so callers may send none (and no Content-Type): parse it here.
        AccessTokenRequest request = body == null || body.isBlank() ? null
                : mapper.readValue(body, AccessTokenRequest.class);
        if (request != null) {
            var violations = validator.validate(request);
            if (!violations.isEmpty()) {
                throw new ConstraintViolationException(violations);
            }
        }
        return tokens.accessToken(Ids.accountId(id), request == null ? null : request.rejectedAccessToken(),
                caller::requireProvider);
    }
}

package io.interactionsync.connector.rest;

import io.interactionsync.connector.rest.dto.AccessTokenRequest;
import io.interactionsync.connector.rest.dto.AccessTokenResponse;
import io.interactionsync.connector.security.CurrentUser;
import io.interactionsync.connector.service.AccessTokenService;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Service-to-service API: only JWTs with role {@code service} (client-credentials tokens of the sync services). */
@Path("/internal/v1/accounts")
@RolesAllowed(CurrentUser.SERVICE)
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Internal")
public class InternalAccessTokenResource {

    private final AccessTokenService tokens;

    public InternalAccessTokenResource(AccessTokenService tokens) {
        this.tokens = tokens;
    }

    @POST
    @Path("/{id}/access-token")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A usable access token, refreshed when within the skew of expiry or when the caller reports it rejected")
    @APIResponse(responseCode = "200", description = "{accountId, userId, provider, email, accessToken, expiresAt, scopes}")
    @APIResponse(responseCode = "403", description = "forbidden (not a service token)")
    @APIResponse(responseCode = "404", description = "account_not_found")
    @APIResponse(responseCode = "409", description = "reauth_required")
    @APIResponse(responseCode = "502", description = "provider_unavailable")
    public AccessTokenResponse accessToken(@PathParam("id") String id, @Valid AccessTokenRequest body) {
        return tokens.accessToken(Ids.accountId(id), body == null ? null : body.rejectedAccessToken());
    }
}

package io.interactionsync.connector.rest;

import io.interactionsync.connector.rest.dto.DataKeyRequest;
import io.interactionsync.connector.rest.dto.DataKeyResponse;
import io.interactionsync.connector.security.CurrentUser;
import io.interactionsync.connector.service.DataKeyService;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Base64;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The data keys that seal raw records (crypto-shredding), service-to-service only: the sync services get their
 * owner's key to seal ({@code POST}), the normalizer the key of a record's {@code kid} to open it ({@code GET}).
 * Protected like the internal token API.
 */
@Path("/internal/v1/data-keys")
@RolesAllowed(CurrentUser.SERVICE)
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Internal")
public class InternalDataKeyResource {

    private final DataKeyService keys;

    public InternalDataKeyResource(DataKeyService keys) {
        this.keys = keys;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "The owner's data key (account:<accountId> or mailbox:<shared address>), created on first use")
    @APIResponse(responseCode = "200", description = "{kid, key}: key = 32 bytes, Base64")
    @APIResponse(responseCode = "400", description = "invalid_owner, validation_failed")
    @APIResponse(responseCode = "403", description = "forbidden (not a service token)")
    @APIResponse(responseCode = "404", description = "account_not_found, shared_mailbox_not_found")
    @APIResponse(responseCode = "410", description = "erased: the owner's key was destroyed (purged account)")
    public DataKeyResponse issue(@Valid @NotNull DataKeyRequest request) {
        DataKeyService.IssuedKey k = keys.issue(request.owner());
        return new DataKeyResponse(k.kid(), null, Base64.getEncoder().encodeToString(k.key()));
    }

    @GET
    @Path("/{kid}")
    @Operation(summary = "The data key with this id, to open the records it sealed")
    @APIResponse(responseCode = "200", description = "{kid, owner, key}")
    @APIResponse(responseCode = "403", description = "forbidden (not a service token)")
    @APIResponse(responseCode = "404", description = "data_key_not_found")
    @APIResponse(responseCode = "410", description = "erased: the key was destroyed; its records stay unreadable")
    public DataKeyResponse read(@PathParam("kid") String kid) {
        DataKeyService.IssuedKey k = keys.read(kid);
        return new DataKeyResponse(k.kid(), k.owner(), Base64.getEncoder().encodeToString(k.key()));
    }
}

package io.interactionsync.connector.rest;

import io.interactionsync.connector.rest.dto.DataKeyRequest;
import io.interactionsync.connector.rest.dto.DataKeyResponse;
import io.interactionsync.connector.service.DataKeyService;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.quarkus.security.Authenticated;
import io.interactionsync.connector.security.InternalCallers;
import io.interactionsync.connector.security.ServiceCaller;
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
 * Only allow-listed service clients ({@link InternalCallers}): a sync service for its own provider's owners, the
 * normalizer (a data-key reader) by kid.
 */
@Path("/internal/v1/data-keys")
@Authenticated
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Internal")
public class InternalDataKeyResource {

    private final DataKeyService keys;
    private final InternalCallers callers;

    public InternalDataKeyResource(DataKeyService keys, InternalCallers callers) {
        this.keys = keys;
        this.callers = callers;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "The owner's data key (account:<accountId> or mailbox:<shared address>), created on first use")
    @APIResponse(responseCode = "200", description = "{kid, key}: key = 32 bytes, Base64")
    @APIResponse(responseCode = "400", description = "invalid_owner, validation_failed")
    @APIResponse(responseCode = "403", description = "service_client_required, client_not_allowed, provider_not_allowed")
    @APIResponse(responseCode = "404", description = "account_not_found, shared_mailbox_not_found")
    @APIResponse(responseCode = "410", description = "erased: the owner's key was destroyed (purged account)")
    public DataKeyResponse issue(@Valid @NotNull DataKeyRequest request) {
        ServiceCaller caller = callers.require();
        DataKeyService.IssuedKey k = keys.issue(request.owner(), caller::requireProvider);
        return new DataKeyResponse(k.kid(), null, Base64.getEncoder().encodeToString(k.key()));
    }

    @GET
    @Path("/{kid}")
    @Operation(summary = "The data key with this id, to open the records it sealed")
    @APIResponse(responseCode = "200", description = "{kid, owner, key}")
    @APIResponse(responseCode = "403", description = "service_client_required, client_not_allowed, data_keys_not_allowed")
    @APIResponse(responseCode = "404", description = "data_key_not_found")
    @APIResponse(responseCode = "410", description = "erased: the key was destroyed; its records stay unreadable")
    public DataKeyResponse read(@PathParam("kid") String kid) {
        callers.require().requireDataKeyReader();
        DataKeyService.IssuedKey k = keys.read(kid);
        return new DataKeyResponse(k.kid(), k.owner(), Base64.getEncoder().encodeToString(k.key()));
    }
}

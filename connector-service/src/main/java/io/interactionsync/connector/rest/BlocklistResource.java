package io.interactionsync.connector.rest;

import io.interactionsync.connector.rest.dto.BlocklistRequest;
import io.interactionsync.connector.rest.dto.BlocklistView;
import io.interactionsync.connector.security.CurrentUser;
import io.interactionsync.connector.service.BlocklistService;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The calling user's own blocklist (SPEC §3.3); the team's is {@code /api/v1/collections/{id}/blocklist}. */
@Path("/api/v1/blocklist")
@Authenticated
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Blocklist")
public class BlocklistResource {

    private final BlocklistService blocklists;
    private final CurrentUser user;

    public BlocklistResource(BlocklistService blocklists, CurrentUser user) {
        this.blocklists = blocklists;
        this.user = user;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the caller's blocklist; publishes account-events blocklist_changed. Events with a "
            + "blocked contact are erased (deleted, published deleted=true) and never stored again")
    @APIResponse(responseCode = "200", description = "Stored (entries lower-cased, duplicates dropped)")
    @APIResponse(responseCode = "400", description = "invalid_blocklist_entries (invalidEntries: [{index, reason}]), "
            + "validation_failed, malformed_json, unknown_field")
    public BlocklistView put(@Valid @NotNull BlocklistRequest request) {
        return blocklists.putForUser(user.id(), request.entries());
    }

    @GET
    @Operation(summary = "The caller's blocklist (entries empty and updatedAt null when none was stored)")
    @APIResponse(responseCode = "200", description = "The list")
    public BlocklistView get() {
        return blocklists.getForUser(user.id());
    }
}

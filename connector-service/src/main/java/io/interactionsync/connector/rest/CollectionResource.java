package io.interactionsync.connector.rest;

import io.interactionsync.connector.rest.dto.BlocklistRequest;
import io.interactionsync.connector.rest.dto.BlocklistView;
import io.interactionsync.connector.rest.dto.CollectionListView;
import io.interactionsync.connector.rest.dto.CollectionRequest;
import io.interactionsync.connector.rest.dto.CollectionView;
import io.interactionsync.connector.rest.dto.RetentionRequest;
import io.interactionsync.connector.rest.dto.RetentionView;
import io.interactionsync.connector.security.CurrentUser;
import io.interactionsync.connector.service.BlocklistService;
import io.interactionsync.connector.service.DirectoryService;
import io.interactionsync.connector.service.RetentionService;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The team directory and the team's blocklist (role {@code admin}). */
@Path("/api/v1/collections")
@RolesAllowed(CurrentUser.ADMIN)
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Directory")
public class CollectionResource {

    private final DirectoryService directory;
    private final RetentionService retention;
    private final BlocklistService blocklists;
    private final CurrentUser user;

    public CollectionResource(DirectoryService directory, RetentionService retention, BlocklistService blocklists,
                              CurrentUser user) {
        this.directory = directory;
        this.retention = retention;
        this.blocklists = blocklists;
        this.user = user;
    }

    @GET
    @Operation(summary = "Every collection (team directory) with its members and internal domains, by id")
    @APIResponse(responseCode = "200", description = "{items: [{id, name, memberEmails, internalDomains, updatedAt}]}")
    @APIResponse(responseCode = "403", description = "forbidden (not an admin)")
    public CollectionListView list() {
        return directory.list();
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace a collection; publishes account-events directory_changed")
    @APIResponse(responseCode = "200", description = "Stored (addresses and domains normalised to lower case)")
    @APIResponse(responseCode = "400", description = "invalid_email, invalid_domain, invalid_collection_id, validation_failed")
    @APIResponse(responseCode = "403", description = "forbidden (not an admin)")
    public CollectionView put(@PathParam("id") String id, @Valid @NotNull CollectionRequest request) {
        return directory.put(id, request, user.id());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Read a collection")
    @APIResponse(responseCode = "404", description = "collection_not_found")
    public CollectionView get(@PathParam("id") String id) {
        return directory.get(id);
    }

    @PUT
    @Path("/{id}/retention")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the team's retention policy: what a disconnect does by default (purge or keep) and how many "
            + "months of events its members keep; publishes account-events directory_changed with the window")
    @APIResponse(responseCode = "200", description = "Stored")
    @APIResponse(responseCode = "400", description = "validation_failed (onDisconnect not purge|keep, eventMonths not 1..1200), "
            + "invalid_collection_id, unknown_field, malformed_json")
    @APIResponse(responseCode = "403", description = "forbidden (not an admin)")
    @APIResponse(responseCode = "404", description = "collection_not_found")
    public RetentionView putRetention(@PathParam("id") String id, @Valid @NotNull RetentionRequest request) {
        return retention.put(id, request, user.id());
    }

    @GET
    @Path("/{id}/retention")
    @Operation(summary = "The team's retention policy (defaults: true when it has none and the global defaults apply)")
    @APIResponse(responseCode = "404", description = "collection_not_found")
    public RetentionView getRetention(@PathParam("id") String id) {
        return retention.get(id);
    }

    @PUT
    @Path("/{id}/blocklist")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the team's blocklist (applies to every member of the collection); publishes "
            + "account-events blocklist_changed keyed by the collection id")
    @APIResponse(responseCode = "200", description = "Stored (entries lower-cased, duplicates dropped)")
    @APIResponse(responseCode = "400", description = "invalid_blocklist_entries (invalidEntries: [{index, reason}]), "
            + "invalid_collection_id, validation_failed")
    @APIResponse(responseCode = "403", description = "forbidden (not an admin)")
    @APIResponse(responseCode = "404", description = "collection_not_found")
    public BlocklistView putBlocklist(@PathParam("id") String id, @Valid @NotNull BlocklistRequest request) {
        return blocklists.putForCollection(id, request.entries(), user.id());
    }

    @GET
    @Path("/{id}/blocklist")
    @Operation(summary = "The team's blocklist")
    @APIResponse(responseCode = "404", description = "collection_not_found")
    public BlocklistView getBlocklist(@PathParam("id") String id) {
        return blocklists.getForCollection(id);
    }
}

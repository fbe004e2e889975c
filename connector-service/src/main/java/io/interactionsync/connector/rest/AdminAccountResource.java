package io.interactionsync.connector.rest;

import io.interactionsync.connector.rest.dto.AdminAccountPage;
import io.interactionsync.connector.security.CurrentUser;
import io.interactionsync.connector.service.AdminAccountService;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The team health view of the console: every user's connected accounts (role {@code admin}, team-wide). */
@Path("/api/v1/admin/accounts")
@RolesAllowed(CurrentUser.ADMIN)
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class AdminAccountResource {

    private final AdminAccountService accounts;

    public AdminAccountResource(AdminAccountService accounts) {
        this.accounts = accounts;
    }

    @GET
    @Operation(summary = "Every user's connected accounts, newest first: each item the Account JSON its owner sees "
            + "(without retention) plus userId")
    @APIResponse(responseCode = "200", description = "{items: [Account + userId], nextCursor} (nextCursor null on the last page)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AdminAccountPage.class)))
    @APIResponse(responseCode = "400", description = "invalid_state, invalid_provider, invalid_limit, invalid_cursor")
    @APIResponse(responseCode = "403", description = "forbidden (not an admin), service_token_not_allowed")
    public AdminAccountPage list(
            @Parameter(description = "syncStatus filter, comma-separated: pending, syncing, synced, incomplete, error, "
                    + "reauth_required") @QueryParam("state") String state,
            @Parameter(description = "google or microsoft") @QueryParam("provider") String provider,
            @Parameter(description = "page size, 1..200 (default 50)") @QueryParam("limit") String limit,
            @Parameter(description = "nextCursor of the previous page (opaque)") @QueryParam("cursor") String cursor) {
        return accounts.list(state, provider, limit, cursor);
    }
}

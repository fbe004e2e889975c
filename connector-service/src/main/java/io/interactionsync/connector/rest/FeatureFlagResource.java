package io.interactionsync.connector.rest;

import io.interactionsync.connector.rest.dto.FeatureFlagsView;
import io.interactionsync.connector.security.CurrentUser;
import io.interactionsync.connector.service.FeatureFlagService;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Per-account feature flags ({@code gmail_metadata_sync}, {@code google_calendar_metadata_sync}, {@code microsoft_sync}). */
@Path("/api/v1/accounts/{id}/features")
@RolesAllowed(CurrentUser.ADMIN)
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Feature flags")
public class FeatureFlagResource {

    private final FeatureFlagService flags;
    private final CurrentUser user;

    public FeatureFlagResource(FeatureFlagService flags, CurrentUser user) {
        this.flags = flags;
        this.user = user;
    }

    @GET
    @Operation(summary = "An account's feature flags: global, account and effective value of each")
    @APIResponse(responseCode = "200", description = "{accountId, features: {flag: {global, account, effective}}}")
    @APIResponse(responseCode = "400", description = "invalid_account_id")
    @APIResponse(responseCode = "403", description = "forbidden (not an admin)")
    @APIResponse(responseCode = "404", description = "account_not_found")
    public FeatureFlagsView get(@PathParam("id") String id) {
        return flags.get(Ids.accountId(id));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Switch flags on or off for one account, e.g. {\"microsoft_sync\": false}; an account flag "
            + "only narrows the global one; applies from the next sync request")
    @APIResponse(responseCode = "200", description = "The flags after the change")
    @APIResponse(responseCode = "400", description = "unknown_feature_flag, validation_failed, invalid_account_id, malformed_json")
    @APIResponse(responseCode = "403", description = "forbidden (not an admin)")
    @APIResponse(responseCode = "404", description = "account_not_found")
    public FeatureFlagsView put(@PathParam("id") String id, @NotNull Map<String, Boolean> changes) {
        return flags.update(Ids.accountId(id), changes, user.id());
    }
}

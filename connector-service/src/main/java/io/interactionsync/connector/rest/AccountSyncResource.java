package io.interactionsync.connector.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interactionsync.connector.rest.dto.SyncAccepted;
import io.interactionsync.connector.rest.dto.SyncModeRequest;
import io.interactionsync.connector.rest.problem.ApiException;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.connector.security.CurrentUser;
import io.interactionsync.connector.service.AccountService;
import io.interactionsync.connector.service.RateLimiter;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Manual sync and on-demand completeness audit of any of the caller's accounts. */
@Path("/api/v1/accounts")
@Authenticated
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Accounts")
public class AccountSyncResource {

    private final AccountService accounts;
    private final CurrentUser user;
    private final RateLimiter rateLimiter;
    private final ObjectMapper json;

    public AccountSyncResource(AccountService accounts, CurrentUser user, RateLimiter rateLimiter, ObjectMapper json) {
        this.json = json;
        this.accounts = accounts;
        this.user = user;
        this.rateLimiter = rateLimiter;
    }

    @POST
    @Path("/{id}/sync")
    @Operation(summary = "Request a sync now (publishes a sync-requests record, reason manual, with the mode asked "
            + "for: auto, or full to drop every enabled source's cursors and backfill again)")
    @RequestBody(required = false, description = "Optional; no body, or no mode, means auto",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SyncModeRequest.class)))
    @APIResponse(responseCode = "202", description = "Requested: {accountId, mode, sources, requestedAt}",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SyncAccepted.class)))
    @APIResponse(responseCode = "400", description = "invalid_mode, invalid_account_id, unknown_field, malformed_json")
    @APIResponse(responseCode = "404", description = "account_not_found")
    @APIResponse(responseCode = "409", description = "reauth_required, no_sources_enabled")
    @APIResponse(responseCode = "429", description = "rate_limited (per user, connector.rate-limits.sync), with Retry-After")
    public Response sync(@PathParam("id") String id, String body) throws JsonProcessingException {
        SyncRequest.Mode mode = mode(body); // a malformed request costs no rate-limit budget
        rateLimiter.acquire(user.id(), RateLimiter.Action.SYNC);
        SyncAccepted accepted = accounts.requestSync(user.id(), Ids.accountId(id), mode);
        return Response.accepted(accepted).build();
    }

    /**
     * The body is optional, so it is read as text (any or no Content-Type) and parsed here; Jackson's failures leave
     * through the problem mappers as unknown_field / malformed_json.
     */
    private SyncRequest.Mode mode(String body) throws JsonProcessingException {
        SyncModeRequest request = body == null || body.isBlank() ? null : json.readValue(body, SyncModeRequest.class);
        String mode = request == null ? null : request.mode();
        if (mode == null || mode.equals("auto")) {
            return SyncRequest.Mode.AUTO;
        }
        if (mode.equals("full")) {
            return SyncRequest.Mode.FULL;
        }
        throw ApiException.badRequest("invalid_mode", "mode must be auto or full.");
    }

    @POST
    @Path("/{id}/audit")
    @Operation(summary = "Request a completeness audit and repair now (publishes a sync-requests record, reason "
            + "manual, with audit: true); the result shows as sources.*.completeness")
    @APIResponse(responseCode = "202", description = "Requested: {accountId, mode: auto, sources, requestedAt}")
    @APIResponse(responseCode = "404", description = "account_not_found")
    @APIResponse(responseCode = "409", description = "reauth_required, no_sources_enabled")
    @APIResponse(responseCode = "429", description = "rate_limited (per user, connector.rate-limits.audit), with Retry-After")
    public Response audit(@PathParam("id") String id) {
        rateLimiter.acquire(user.id(), RateLimiter.Action.AUDIT);
        SyncAccepted accepted = accounts.requestAudit(user.id(), Ids.accountId(id));
        return Response.accepted(accepted).build();
    }
}

package io.interactionsync.connector.rest;

import io.interactionsync.connector.rest.dto.SyncAccepted;
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

    public AccountSyncResource(AccountService accounts, CurrentUser user, RateLimiter rateLimiter) {
        this.accounts = accounts;
        this.user = user;
        this.rateLimiter = rateLimiter;
    }

    @POST
    @Path("/{id}/sync")
    @Operation(summary = "Request a sync now (publishes a sync-requests record, reason manual)")
    @APIResponse(responseCode = "202", description = "Requested")
    @APIResponse(responseCode = "404", description = "account_not_found")
    @APIResponse(responseCode = "409", description = "reauth_required, no_sources_enabled")
    @APIResponse(responseCode = "429", description = "rate_limited (per user, connector.rate-limits.sync), with Retry-After")
    public Response sync(@PathParam("id") String id) {
        rateLimiter.acquire(user.id(), RateLimiter.Action.SYNC);
        SyncAccepted accepted = accounts.requestSync(user.id(), Ids.accountId(id));
        return Response.accepted(accepted).build();
    }

    @POST
    @Path("/{id}/audit")
    @Operation(summary = "Request a completeness audit and repair now (publishes a sync-requests record, reason "
            + "manual, with audit: true); the result shows as sources.*.completeness")
    @APIResponse(responseCode = "202", description = "Requested")
    @APIResponse(responseCode = "404", description = "account_not_found")
    @APIResponse(responseCode = "409", description = "reauth_required, no_sources_enabled")
    @APIResponse(responseCode = "429", description = "rate_limited (per user, connector.rate-limits.audit), with Retry-After")
    public Response audit(@PathParam("id") String id) {
        rateLimiter.acquire(user.id(), RateLimiter.Action.AUDIT);
        SyncAccepted accepted = accounts.requestAudit(user.id(), Ids.accountId(id));
        return Response.accepted(accepted).build();
    }
}

package io.interactionsync.connector.rest;

import io.interactionsync.connector.rest.dto.AccountView;
import io.interactionsync.connector.rest.dto.AuthorizeUrlResponse;
import io.interactionsync.connector.rest.dto.MicrosoftConnectRequest;
import io.interactionsync.connector.rest.dto.SharedMailboxRequest;
import io.interactionsync.connector.rest.dto.SharedMailboxView;
import io.interactionsync.connector.rest.problem.ApiException;
import io.interactionsync.connector.security.CurrentUser;
import io.interactionsync.connector.service.AccountService;
import io.interactionsync.connector.service.ConnectService;
import io.interactionsync.connector.service.SharedMailboxService;
import io.interactionsync.model.Provider;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Connecting and managing Microsoft 365 accounts and their shared mailboxes (SPEC §3.3). */
@Path("/api/v1")
@Authenticated
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Microsoft accounts")
public class MicrosoftConnectResource {

    private final ConnectService connect;
    private final AccountService accounts;
    private final SharedMailboxService sharedMailboxes;
    private final CurrentUser user;

    public MicrosoftConnectResource(ConnectService connect, AccountService accounts,
                                    SharedMailboxService sharedMailboxes, CurrentUser user) {
        this.connect = connect;
        this.accounts = accounts;
        this.sharedMailboxes = sharedMailboxes;
        this.user = user;
    }

    @GET
    @Path("/microsoft/authorize-url")
    @Operation(summary = "Authorize URL at the configured tenant audience (default organizations): offline_access, "
            + "openid, profile, email, User.Read plus the chosen Graph scopes (mail → Mail.ReadBasic, calendar → "
            + "Calendars.ReadBasic, sharedMail → Mail.ReadBasic.Shared, sharedCalendar → Calendars.Read.Shared); "
            + "PKCE S256, state bound to the caller")
    @APIResponse(responseCode = "200", description = "{url, state}")
    @APIResponse(responseCode = "400", description = "redirect_uri_not_allowed, redirect_uri_required, unknown_scope, scopes_required")
    @APIResponse(responseCode = "401", description = "unauthorized")
    @APIResponse(responseCode = "429", description = "rate_limited (per user, connector.rate-limits.authorize-url), with Retry-After")
    @APIResponse(responseCode = "503", description = "provider_not_configured")
    public AuthorizeUrlResponse authorizeUrl(@QueryParam("scopes") @DefaultValue("mail,calendar") String scopes,
                                             @QueryParam("redirectUri") String redirectUri) {
        return connect.authorizeUrl(Provider.MICROSOFT, user.id(), scopes, redirectUri);
    }

    @POST
    @Path("/microsoft-accounts")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Exchange the authorization code and connect (or reconnect) the Microsoft account; "
            + "identity = id_token tid + oid. The portal may instead forward the redirect's error and errorDescription "
            + "to get them classified")
    @APIResponse(responseCode = "201", description = "Account connected")
    @APIResponse(responseCode = "200", description = "Account already connected by the caller: updated")
    @APIResponse(responseCode = "400", description = "authorization_code_invalid, authorization_code_not_for_this_state, authorization_rejected, invalid_state, state_expired, state_already_used, state_required, redirect_uri_mismatch, redirect_uri_not_allowed, validation_failed, unknown_field, malformed_json")
    @APIResponse(responseCode = "401", description = "unauthorized")
    @APIResponse(responseCode = "403", description = "admin_consent_required, with adminConsentUrl (the tenant's v2 adminconsent URL for an administrator)")
    @APIResponse(responseCode = "409", description = "account_connected_by_another_user")
    @APIResponse(responseCode = "422", description = "personal_account_not_allowed (outlook.com / hotmail.com / live.com accounts)")
    @APIResponse(responseCode = "502", description = "provider_unavailable, provider_configuration_error, provider_response_invalid, id_token_invalid (signature, iss/tid, aud, exp, oid)")
    @APIResponse(responseCode = "503", description = "provider_not_configured")
    public Response connect(@Valid @NotNull MicrosoftConnectRequest request) {
        if (request.error() != null && !request.error().isBlank()) {
            throw connect.authorizationFailed(Provider.MICROSOFT, user.id(), request.state(), request.redirectUri(),
                    request.error(), request.errorDescription());
        }
        if (request.code() == null || request.code().isBlank()) {
            throw ApiException.badRequest("validation_failed", "request.code: must not be blank");
        }
        ConnectService.ConnectResult result = connect.connect(Provider.MICROSOFT, user.id(), request.toConnectRequest());
        return Response.status(result.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(result.account()).build();
    }

    @GET
    @Path("/microsoft-accounts")
    @Operation(summary = "The caller's Microsoft accounts")
    @APIResponse(responseCode = "200", description = "Account JSON list")
    @APIResponse(responseCode = "401", description = "unauthorized")
    public List<AccountView> list() {
        return accounts.list(user.id(), user.email(), Provider.MICROSOFT);
    }

    @GET
    @Path("/microsoft-accounts/{id}")
    @Operation(summary = "One of the caller's Microsoft accounts")
    @APIResponse(responseCode = "200", description = "Account JSON")
    @APIResponse(responseCode = "400", description = "invalid_account_id")
    @APIResponse(responseCode = "404", description = "account_not_found (also for other users' accounts)")
    public AccountView get(@PathParam("id") String id) {
        return accounts.get(user.id(), user.email(), Provider.MICROSOFT, Ids.accountId(id));
    }

    @DELETE
    @Path("/microsoft-accounts/{id}")
    @Operation(summary = "Disconnect: erase the tokens (Microsoft has no refresh-token revocation endpoint; the user "
            + "can remove the app at myapps.microsoft.com), stop syncing, publish disconnected. The account's data is "
            + "purged unless purge=false where the team policy allows keeping, or the team policy (or "
            + "connector.retention.on-disconnect) says keep; purge=true always purges")
    @APIResponse(responseCode = "204", description = "Disconnected; headers Retention-Outcome: purged|kept and "
            + "Retention-Reason: requested|team_policy|default_policy")
    @APIResponse(responseCode = "400", description = "invalid_account_id, invalid_parameter (purge not true|false)")
    @APIResponse(responseCode = "404", description = "account_not_found")
    public Response delete(@PathParam("id") String id, @QueryParam("purge") String purge) {
        return Disconnects.answer(accounts.disconnect(user.id(), user.email(), Provider.MICROSOFT, Ids.accountId(id),
                Disconnects.purgeParameter(purge)));
    }

    @GET
    @Path("/microsoft-accounts/{id}/shared-mailboxes")
    @Operation(summary = "Shared mailboxes of one of the caller's Microsoft accounts, each exactly as the Account "
            + "JSON's sharedMailboxes[] shows it")
    @APIResponse(responseCode = "200", description = "[{address, addedAt, state, subscription, lastSyncedAt, lastError, "
            + "completeness, push}]; state: access_denied or suspended (subscription), else the mailbox's sync state")
    @APIResponse(responseCode = "400", description = "invalid_account_id")
    @APIResponse(responseCode = "404", description = "account_not_found")
    public List<SharedMailboxView> listSharedMailboxes(@PathParam("id") String id) {
        return sharedMailboxes.list(user.id(), Ids.accountId(id));
    }

    @POST
    @Path("/microsoft-accounts/{id}/shared-mailboxes")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a shared mailbox after a Graph probe with the account's token confirms access; "
            + "publishes shared_mailbox_added")
    @APIResponse(responseCode = "201", description = "Added: the new entry, as GET …/shared-mailboxes shows it")
    @APIResponse(responseCode = "200", description = "Already on the account (idempotent): its entry")
    @APIResponse(responseCode = "400", description = "invalid_email, invalid_account_id, validation_failed, unknown_field")
    @APIResponse(responseCode = "404", description = "account_not_found")
    @APIResponse(responseCode = "409", description = "reauth_required")
    @APIResponse(responseCode = "422", description = "shared_scope_missing, shared_mailbox_limit (50), shared_mailbox_access_denied (Graph 403), shared_mailbox_not_found (Graph 404), shared_mailbox_is_own")
    @APIResponse(responseCode = "502", description = "provider_unavailable")
    public Response addSharedMailbox(@PathParam("id") String id, @Valid @NotNull SharedMailboxRequest request) {
        SharedMailboxService.Added added = sharedMailboxes.add(user.id(), Ids.accountId(id), request.address());
        return Response.status(added.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(added.mailbox()).build();
    }

    @DELETE
    @Path("/microsoft-accounts/{id}/shared-mailboxes/{address}")
    @Operation(summary = "Remove a shared mailbox; publishes shared_mailbox_removed")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "400", description = "invalid_email, invalid_account_id")
    @APIResponse(responseCode = "404", description = "account_not_found, shared_mailbox_not_found")
    public Response removeSharedMailbox(@PathParam("id") String id, @PathParam("address") String address) {
        sharedMailboxes.remove(user.id(), Ids.accountId(id), address);
        return Response.noContent().build();
    }
}

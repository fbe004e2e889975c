package io.interactionsync.connector.rest;

import io.interactionsync.connector.rest.dto.AccountView;
import io.interactionsync.connector.rest.dto.AuthorizeUrlResponse;
import io.interactionsync.connector.rest.dto.ConnectRequest;
import io.interactionsync.connector.security.CurrentUser;
import io.interactionsync.connector.service.AccountService;
import io.interactionsync.connector.service.ConnectService;
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

/** Connecting and managing Google accounts (SPEC §3.3). */
@Path("/api/v1")
@Authenticated
@RunOnVirtualThread
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Google accounts")
public class GoogleConnectResource {

    private final ConnectService connect;
    private final AccountService accounts;
    private final CurrentUser user;

    public GoogleConnectResource(ConnectService connect, AccountService accounts, CurrentUser user) {
        this.connect = connect;
        this.accounts = accounts;
        this.user = user;
    }

    @GET
    @Path("/google/authorize-url")
    @Operation(summary = "Authorize URL (offline access, incremental consent, PKCE S256, state bound to the caller)")
    @APIResponse(responseCode = "200", description = "{url, state}")
    @APIResponse(responseCode = "400", description = "redirect_uri_not_allowed, unknown_scope, scopes_required")
    @APIResponse(responseCode = "401", description = "unauthorized")
    @APIResponse(responseCode = "429", description = "rate_limited (per user, connector.rate-limits.authorize-url), with Retry-After")
    public AuthorizeUrlResponse authorizeUrl(@QueryParam("scopes") @DefaultValue("gmail,calendar") String scopes,
                                             @QueryParam("redirectUri") String redirectUri) {
        return connect.authorizeUrl(Provider.GOOGLE, user.id(), scopes, redirectUri);
    }

    @POST
    @Path("/google-accounts")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Exchange an authorization code and connect (or reconnect) the Google account; the state of this "
            + "user's authorize-url is required (postmessage too) and its PKCE verifier is sent with the code")
    @APIResponse(responseCode = "201", description = "Account connected")
    @APIResponse(responseCode = "200", description = "Account already connected by the caller: updated (incremental consent)")
    @APIResponse(responseCode = "400", description = "authorization_code_invalid, authorization_code_not_for_this_state, invalid_state, state_expired, state_already_used, state_required, redirect_uri_mismatch, redirect_uri_not_allowed, validation_failed")
    @APIResponse(responseCode = "409", description = "account_connected_by_another_user")
    @APIResponse(responseCode = "422", description = "email_not_verified (id_token email_verified is not true)")
    @APIResponse(responseCode = "502", description = "provider_unavailable, id_token_invalid (signature, iss, aud or exp)")
    public Response connect(@Valid @NotNull ConnectRequest request) {
        ConnectService.ConnectResult result = connect.connect(Provider.GOOGLE, user.id(), request);
        return Response.status(result.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(result.account()).build();
    }

    @GET
    @Path("/google-accounts")
    @Operation(summary = "The caller's Google accounts")
    public List<AccountView> list() {
        return accounts.list(user.id(), user.email(), Provider.GOOGLE);
    }

    @GET
    @Path("/google-accounts/{id}")
    @Operation(summary = "One of the caller's Google accounts")
    @APIResponse(responseCode = "404", description = "account_not_found (also for other users' accounts)")
    public AccountView get(@PathParam("id") String id) {
        return accounts.get(user.id(), user.email(), Provider.GOOGLE, Ids.accountId(id));
    }

    @DELETE
    @Path("/google-accounts/{id}")
    @Operation(summary = "Disconnect: revoke at Google, erase tokens, stop syncing. The account's data is purged (row "
            + "removed; sync services and normalizer erase everything of it) unless purge=false where the team policy "
            + "allows keeping, or the team policy (or connector.retention.on-disconnect) says keep; purge=true always purges")
    @APIResponse(responseCode = "204", description = "Disconnected; headers Retention-Outcome: purged|kept and "
            + "Retention-Reason: requested|team_policy|default_policy")
    @APIResponse(responseCode = "400", description = "invalid_account_id, invalid_parameter (purge not true|false)")
    @APIResponse(responseCode = "404", description = "account_not_found")
    public Response delete(@PathParam("id") String id, @QueryParam("purge") String purge) {
        return Disconnects.answer(accounts.disconnect(user.id(), user.email(), Provider.GOOGLE, Ids.accountId(id),
                Disconnects.purgeParameter(purge)));
    }
}

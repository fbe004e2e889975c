package io.interactionsync.normalizer.rest;

import io.interactionsync.normalizer.replay.ReplayService;
import io.interactionsync.normalizer.replay.ReplayService.Status;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The replay command (admin role): {@code POST /api/v1/admin/replays[?accountId=…]} starts rebuilding events from
 * {@code raw-records} (202 with the replay's status; 409 while another runs); {@code GET …/{id}} reports progress.
 */
@Path("/api/v1/admin/replays")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class ReplayResource {

    private final ReplayService replays;

    public ReplayResource(ReplayService replays) {
        this.replays = replays;
    }

    @POST
    public Response start(@QueryParam("accountId") String accountId) {
        String account = accountId == null || accountId.isBlank() ? null : accountId.strip();
        return replays.start(account)
                .map(s -> Response.accepted(s).header("Location", "/api/v1/admin/replays/" + s.id()).build())
                .orElseThrow(() -> new ProblemException(new Problem("about:blank", "Conflict", 409,
                        "A replay is already running.", "replay_running")));
    }

    @GET
    @Path("{id}")
    public Status status(@PathParam("id") String id) {
        return replays.status(id)
                .orElseThrow(() -> new ProblemException(new Problem("about:blank", "Not Found", 404,
                        "No such replay.", "replay_not_found")));
    }
}

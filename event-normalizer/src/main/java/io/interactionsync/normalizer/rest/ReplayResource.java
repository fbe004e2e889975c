package io.interactionsync.normalizer.rest;

import io.interactionsync.normalizer.replay.ReplayService;
import io.interactionsync.normalizer.replay.ReplayService.Status;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;

/**
 * The replay command (admin role): {@code POST /api/v1/admin/replays[?accountId=…]} starts rebuilding events from
 * {@code raw-records} (202 with the replay's status; 409 while another runs on any replica); {@code GET …/{id}}
 * reports progress and {@code GET …} the 20 most recent replays, from {@code normalizer.replays} on any replica;
 * {@code POST …/{id}/resume} takes an interrupted or failed replay up again where it stopped (202; 409 when it is not
 * resumable or another replay runs).
 */
@Path("/api/v1/admin/replays")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class ReplayResource {

    /** How many replays the list returns, newest first. */
    static final int RECENT = 20;

    /** The list response, shaped like the query API's pages. */
    public record Replays(List<Status> items) {
    }

    private final ReplayService replays;

    public ReplayResource(ReplayService replays) {
        this.replays = replays;
    }

    @POST
    public Uni<Response> start(@QueryParam("accountId") String accountId) {
        String account = accountId == null || accountId.isBlank() ? null : accountId.strip();
        return replays.start(account).flatMap(started -> started
                .map(s -> Uni.createFrom().item(
                        Response.accepted(s).header("Location", "/api/v1/admin/replays/" + s.id()).build()))
                .orElseGet(this::alreadyRunning));
    }

    @POST
    @Path("{id}/resume")
    public Uni<Response> resume(@PathParam("id") String id) {
        return replays.status(id).flatMap(found -> {
            Status replay = found.orElseThrow(ReplayResource::notFound);
            if (!replay.resumable()) {
                throw new ProblemException(new Problem("about:blank", "Conflict", 409, "Replay " + replay.id() + " is "
                        + replay.state() + "; only an interrupted or failed replay that recorded where it stops "
                        + "resumes (not one started before resumable replays).", "replay_not_resumable"));
            }
            return replays.resume(UUID.fromString(replay.id())).flatMap(resumed -> resumed
                    .map(s -> Uni.createFrom().item(
                            Response.accepted(s).header("Location", "/api/v1/admin/replays/" + s.id()).build()))
                    .orElseGet(this::alreadyRunning));
        });
    }

    /** 409 naming the running replay, so the operator can follow it (it may have finished meanwhile). */
    private Uni<Response> alreadyRunning() {
        return replays.running().map(running -> {
            String detail = running.map(r -> "Replay " + r.id() + " is already running on " + r.owner()
                    + " since " + r.startedAt() + ".").orElse("A replay is already running.");
            throw new ProblemException(new Problem("about:blank", "Conflict", 409, detail, "replay_running"));
        });
    }

    private static ProblemException notFound() {
        return new ProblemException(new Problem("about:blank", "Not Found", 404, "No such replay.", "replay_not_found"));
    }

    @GET
    public Uni<Replays> recent() {
        return replays.recent(RECENT).map(Replays::new);
    }

    @GET
    @Path("{id}")
    public Uni<Status> status(@PathParam("id") String id) {
        return replays.status(id).map(found -> found.orElseThrow(ReplayResource::notFound));
    }
}

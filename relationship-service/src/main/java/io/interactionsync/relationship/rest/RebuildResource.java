package io.interactionsync.relationship.rest;

import io.interactionsync.relationship.service.RebuildService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code POST /api/v1/admin/rebuild} (role admin): empties events and ties and re-reads interaction-events-state from
 * offset 0 — after a change of a scoring weight or the half-life. Answers when done, with the figures.
 */
@Path("/api/v1/admin/rebuild")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class RebuildResource {

    /** What the rebuild did. */
    public record Result(long records, long stored, long millis, long tiesMillis) {
    }

    private final RebuildService rebuild;

    public RebuildResource(RebuildService rebuild) {
        this.rebuild = rebuild;
    }

    @POST
    public Result rebuild() {
        RebuildService.Rebuilt done = rebuild.rebuild();
        return new Result(done.records(), done.stored(), done.took().toMillis(), done.ties().toMillis());
    }
}

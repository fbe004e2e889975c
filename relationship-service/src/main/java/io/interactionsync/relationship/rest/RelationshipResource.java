package io.interactionsync.relationship.rest;

import io.interactionsync.relationship.config.RelationshipConfig;
import io.interactionsync.relationship.service.RelationshipService;
import io.interactionsync.relationship.service.RelationshipService.Relationship;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** SPEC §3.4b: the calling user's ({@code sub}) contacts, strongest first, and one contact with its explanation. */
@Path("/api/v1/relationships")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RelationshipResource {

    /** The response page. */
    public record Page(List<Relationship> items, String nextCursor) {
    }

    private final RelationshipService service;
    private final JsonWebToken jwt;
    private final RelationshipConfig config;

    public RelationshipResource(RelationshipService service, JsonWebToken jwt, RelationshipConfig config) {
        this.service = service;
        this.jwt = jwt;
        this.config = config;
    }

    @GET
    public Page list(@QueryParam("contact") String contact, @QueryParam("minStrength") String minStrength,
                     @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        int size = Params.limit(limit, config.query().defaultLimit(), config.query().maxLimit());
        Cursor after = cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor);
        Instant asOf = after == null ? Instant.now() : after.asOf();
        var page = service.list(jwt.getSubject(), Params.contact(contact), Params.strength(minStrength), size, asOf,
                after == null ? null : after.after());
        return new Page(page.items(), page.next() == null ? null
                : new Cursor(asOf, page.next().key(), page.next().contact()).encode());
    }

    @GET
    @Path("/{contactEmail}")
    public Relationship one(@PathParam("contactEmail") String contactEmail) {
        Relationship found = service.one(jwt.getSubject(), Params.contact(contactEmail), Instant.now());
        if (found == null) {
            throw new ProblemException(Problem.notFound("relationship_not_found",
                    "You have no interactions with this contact."));
        }
        return found;
    }
}

package io.interactionsync.relationship.rest;

import io.interactionsync.relationship.config.RelationshipConfig;
import io.interactionsync.relationship.service.RelationshipService;
import io.interactionsync.relationship.service.RelationshipService.TeamRelationship;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.json.JsonString;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * SPEC §3.4b team view: per outside contact the key connection, reachability, every member's strength and the
 * team-deduplicated counts. Members of the collection (resolved user id, or JWT email among its member emails) and
 * admins only: others get 403 {@code not_a_member}; an unknown collection 404 {@code collection_not_found}.
 */
@Path("/api/v1/collections/{id}/relationships")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class CollectionRelationshipResource {

    /** The response page. */
    public record Page(String collectionId, List<TeamRelationship> items, String nextCursor) {
    }

    private final RelationshipService service;
    private final JsonWebToken jwt;
    private final SecurityIdentity identity;
    private final RelationshipConfig config;

    public CollectionRelationshipResource(RelationshipService service, JsonWebToken jwt, SecurityIdentity identity,
                                          RelationshipConfig config) {
        this.service = service;
        this.jwt = jwt;
        this.identity = identity;
        this.config = config;
    }

    @GET
    public Page list(@PathParam("id") String collectionId, @QueryParam("contact") String contact,
                     @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        int size = Params.limit(limit, config.query().defaultLimit(), config.query().maxLimit());
        String contactKey = Params.contact(contact);
        Cursor after = cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor);
        String email = callerEmail();
        RelationshipService.Team team = service.team(collectionId, jwt.getSubject(), email);
        if (team == null) {
            throw new ProblemException(Problem.notFound("collection_not_found", "No such collection."));
        }
        if (!team.membersByUserId().containsKey(jwt.getSubject()) && !identity.hasRole("admin")) {
            throw new ProblemException(Problem.forbidden("not_a_member",
                    "Only the collection's members and admins see its relationships."));
        }
        Instant asOf = after == null ? Instant.now() : after.asOf();
        var page = service.teamList(team, contactKey, size, asOf, after == null ? null : after.after());
        return new Page(collectionId, page.items(), page.next() == null ? null
                : new Cursor(asOf, page.next().key(), page.next().contact()).encode());
    }

    private String callerEmail() {
        Object value = jwt.getClaim("email");
        String s = value == null ? null : value instanceof JsonString js ? js.getString() : String.valueOf(value);
        return s == null ? null : s.strip().toLowerCase(Locale.ROOT);
    }
}

package io.interactionsync.normalizer.rest;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.config.NormalizerConfig;
import io.interactionsync.normalizer.parse.AddressKeys;
import io.interactionsync.normalizer.repository.EventQuery;
import io.interactionsync.normalizer.repository.EventQueryRepository;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * SPEC §3.4: the calling user's events (JWT {@code sub}), newest first, keyset-paginated. Live events only.
 * {@code since} inclusive, {@code until} exclusive (ISO-8601 instants); {@code contact} is normalised like {@code contact_email}.
 */
@Path("/api/v1/interaction-events")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class InteractionEventResource {

    /** The response page. */
    public record Page(List<InteractionEvent> items, String nextCursor) {
    }

    private final EventQueryRepository repository;
    private final JsonWebToken jwt;
    private final NormalizerConfig config;

    public InteractionEventResource(EventQueryRepository repository, JsonWebToken jwt, NormalizerConfig config) {
        this.repository = repository;
        this.jwt = jwt;
        this.config = config;
    }

    @GET
    public Uni<Page> list(@QueryParam("since") String since, @QueryParam("until") String until,
                          @QueryParam("contact") String contact, @QueryParam("source") String source,
                          @QueryParam("kind") String kind, @QueryParam("limit") String limit,
                          @QueryParam("cursor") String cursor) {
        String userId = jwt.getSubject();
        int size = limit(limit);
        Cursor after = cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor);
        EventQuery q = new EventQuery(userId, instant("since", since), instant("until", until), contact(contact),
                source(source), kind(kind), size, after == null ? null : after.occurredAt(),
                after == null ? null : after.id());
        return repository.page(q).map(rows -> {
            if (rows.size() <= size) {
                return new Page(rows, null);
            }
            List<InteractionEvent> items = rows.subList(0, size);
            InteractionEvent last = items.get(size - 1);
            return new Page(List.copyOf(items), new Cursor(last.occurredAt(), last.id()).encode());
        });
    }

    private int limit(String raw) {
        if (raw == null || raw.isBlank()) {
            return config.query().defaultLimit();
        }
        try {
            int n = Integer.parseInt(raw.strip());
            if (n >= 1 && n <= config.query().maxLimit()) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad("limit must be an integer from 1 to " + config.query().maxLimit());
    }

    private static Instant instant(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(raw.strip());
        } catch (DateTimeParseException e) {
            throw bad(name + " must be an ISO-8601 instant, e.g. 2026-11-24T10:00:00Z");
        }
    }

    private static String contact(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return AddressKeys.normalized(raw).orElseThrow(() -> bad("contact must be an e-mail address"));
    }

    private static Source source(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Source.fromWireName(raw.strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad("source must be one of gmail, google_calendar, outlook_mail, outlook_calendar");
        }
    }

    private static InteractionEvent.Kind kind(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "email" -> InteractionEvent.Kind.EMAIL;
            case "meeting" -> InteractionEvent.Kind.MEETING;
            default -> throw bad("kind must be email or meeting");
        };
    }

    static ProblemException bad(String detail) {
        return new ProblemException(Problem.badRequest("invalid_parameter", detail));
    }

    /** Opaque keyset cursor: base64url of {@code <occurredAt>|<id>}. */
    record Cursor(Instant occurredAt, UUID id) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((occurredAt + "|" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String raw) {
            try {
                String s = new String(Base64.getUrlDecoder().decode(raw.strip()), StandardCharsets.UTF_8);
                int bar = s.indexOf('|');
                return new Cursor(Instant.parse(s.substring(0, bar)), UUID.fromString(s.substring(bar + 1)));
            } catch (RuntimeException e) {
                throw new ProblemException(Problem.badRequest("invalid_cursor", "cursor is not one this API returned"));
            }
        }
    }
}

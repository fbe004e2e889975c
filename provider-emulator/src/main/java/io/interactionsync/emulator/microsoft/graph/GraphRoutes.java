package io.interactionsync.emulator.microsoft.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.faults.Omission;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.MicrosoftErrors;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.microsoft.graph.GraphAccess.Caller;
import io.interactionsync.emulator.microsoft.identity.MicrosoftScopes;
import io.interactionsync.emulator.store.MicrosoftUser;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Graph v1.0 ({@code graph.microsoft.com/v1.0}): {@code /me}, Outlook mail ({@link GraphMailRoutes}),
 * calendarView delta, and {@code $batch}. Paths are accepted with and without the SDK's {@code ()} suffix.
 */
public final class GraphRoutes {

    private static final DateTimeFormatter GRAPH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS");

    private final EmulatorContext ctx;
    private final GraphAccess access;

    private GraphBatch batch;

    public GraphRoutes(EmulatorContext ctx) {
        this.ctx = ctx;
        this.access = new GraphAccess(ctx);
    }

    /** Mounted at {@code /graph.microsoft.com}. */
    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        batch = new GraphBatch(ctx, vertx);
        router.get("/v1.0/me").handler(this::me);
        router.postWithRegex("/v1\\.0/(\\$|%24)batch").handler(rc -> batch.handle(rc));
        new GraphMailRoutes(access).register(router);
        router.getWithRegex("/v1\\.0/(?<owner>me|users/[^/]+)/calendarView/delta(\\(\\)|%28%29)?").handler(this::calendarDelta);
        return router;
    }

    private void me(RoutingContext rc) {
        Optional<Caller> found = access.authenticate(rc);
        if (found.isEmpty()) {
            return;
        }
        Caller caller = found.get();
        if (!caller.has(MicrosoftScopes.USER_READ)) {
            Responses.json(rc, 403, MicrosoftErrors.graph("Authorization_RequestDenied",
                    "Insufficient privileges to complete the operation."));
            return;
        }
        MicrosoftUser user = caller.user();
        ObjectNode body = Json.object();
        body.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users/$entity");
        body.putArray("businessPhones");
        body.put("displayName", user.displayName());
        String[] names = user.displayName().split(" ", 2);
        body.put("givenName", names[0]);
        body.putNull("jobTitle");
        body.put("mail", user.upn());
        body.putNull("mobilePhone");
        body.putNull("officeLocation");
        body.put("preferredLanguage", "en-US");
        if (names.length > 1) {
            body.put("surname", names[1]);
        } else {
            body.putNull("surname");
        }
        body.put("userPrincipalName", user.upn());
        body.put("id", user.id());
        Responses.json(rc, 200, body);
    }

    // ---------------------------------------------------------------- calendarView delta

    private static final Set<String> CALENDAR_OWN = Set.of("Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite");
    private static final Set<String> CALENDAR_SHARED = Set.of("Calendars.Read.Shared", "Calendars.ReadWrite.Shared");
    private void calendarDelta(RoutingContext rc) {
        Optional<Caller> found = access.authenticate(rc);
        if (found.isEmpty()) {
            return;
        }
        Caller caller = found.get();
        String owner = rc.pathParam("owner");
        String address = owner.equals("me") ? caller.user().upn() : GraphAccess.decodePath(owner.substring("users/".length()));
        boolean self = address.equalsIgnoreCase(caller.user().upn()) || address.equalsIgnoreCase(caller.user().id());
        MicrosoftUser target;
        if (self) {
            if (!caller.has(CALENDAR_OWN)) {
                GraphAccess.accessDenied(rc);
                return;
            }
            target = caller.user();
        } else {
            Optional<MicrosoftUser> other = ctx.store().microsoftUser(address);
            if (other.isEmpty()) {
                Responses.json(rc, 404, MicrosoftErrors.graph("ErrorInvalidUser", "The requested user '" + address + "' is invalid."));
                return;
            }
            if (!caller.has(CALENDAR_SHARED) || !caller.user().hasFullAccessTo(other.get().upn())) {
                GraphAccess.accessDenied(rc);
                return;
            }
            target = other.get();
        }
        var params = rc.request().params();
        for (String unsupported : List.of("$select", "$filter", "$orderby", "$expand", "$search")) {
            if (params.contains(unsupported)) {
                Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQuery",
                        "The query parameter '" + unsupported + "' is not supported with calendarView delta."));
                return;
            }
        }
        String mailboxKey = target.upn();
        if (!access.admit(rc, caller, mailboxKey, "graph.calendarView.delta")) {
            return;
        }
        var calendar = target.calendar();
        DeltaState state;
        if (params.get("$skiptoken") != null || params.get("$deltatoken") != null) {
            boolean skip = params.get("$skiptoken") != null;
            Optional<DeltaState> decoded = DeltaState.decode(skip ? params.get("$skiptoken") : params.get("$deltatoken"));
            if (decoded.isEmpty() || !decoded.get().mailbox().equals(mailboxKey) || !decoded.get().folder().equals("calendarView")) {
                Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQuery", "The delta or skip token is invalid."));
                return;
            }
            DeltaState d = decoded.get();
            long oldest = calendar.oldestValidSequence();
            if (d.snapshot() < oldest || d.fromSequence() > 0 && d.fromSequence() < oldest) {
                rc.response().putHeader("Location", access.link(rc, null, null));
                Responses.json(rc, 410, MicrosoftErrors.graph("syncStateNotFound",
                        "The sync state generation is not found or has expired. Resync from scratch."));
                return;
            }
            state = skip ? d : new DeltaState(mailboxKey, "calendarView", d.snapshot(), calendar.sequence(), 0, d.select(), d.filter(), 0);
        } else {
            String start = params.get("startDateTime");
            String end = params.get("endDateTime");
            if (start == null || end == null) {
                Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidParameter",
                        "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime."));
                return;
            }
            try {
                graphInstant(start);
                graphInstant(end);
            } catch (DateTimeParseException e) {
                Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidParameter", "Invalid startDateTime or endDateTime."));
                return;
            }
            state = new DeltaState(mailboxKey, "calendarView", 0, calendar.sequence(), 0, start, end, 0);
        }
        Instant rangeStart = graphInstant(state.select());
        Instant rangeEnd = graphInstant(state.filter());
        List<io.interactionsync.emulator.store.GraphCalendar.Entry> changes = new ArrayList<>();
        for (var e : calendar.changes(state.fromSequence(), state.snapshot())) {
            if (e.removed()) {
                if (state.fromSequence() > 0) {
                    changes.add(e);
                }
                continue;
            }
            Instant s = graphInstant(e.event().path("start"));
            Instant en = graphInstant(e.event().path("end"));
            if (en.isAfter(rangeStart) && s.isBefore(rangeEnd)) {
                changes.add(e);
            }
        }
        java.time.ZoneId zone = preferredZone(rc);
        int pageSize = GraphAccess.pageSize(rc);
        int end = Math.min(changes.size(), state.offset() + pageSize);
        ArrayNode value = Json.array();
        for (var e : Omission.of(rc).filter(changes.subList(state.offset(), end))) {
            ObjectNode item = Json.object();
            item.put("@odata.type", "#microsoft.graph.event");
            if (e.removed()) {
                item.put("id", e.event().path("id").asText());
                item.putObject("@removed").put("reason", "deleted");
            } else {
                item.put("@odata.etag", "W/\"DwAAABYAAAA" + Long.toString(e.sequence(), 36) + "\"");
                item.setAll(e.event().deepCopy());
                item.set("start", zoned(e.event().path("start"), zone));
                item.set("end", zoned(e.event().path("end"), zone));
            }
            value.add(item);
        }
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(event)");
        if (end < changes.size()) {
            out.put("@odata.nextLink", access.link(rc, "$skiptoken", new DeltaState(mailboxKey, "calendarView", state.fromSequence(),
                    state.snapshot(), end, state.select(), state.filter(), 0).encode()));
        } else {
            out.put("@odata.deltaLink", access.link(rc, "$deltatoken", new DeltaState(mailboxKey, "calendarView", state.snapshot(),
                    state.snapshot(), 0, state.select(), state.filter(), 0).encode()));
        }
        out.set("value", value);
        rc.response().putHeader("Preference-Applied", "odata.maxpagesize=" + pageSize
                + (zone == null ? "" : ", outlook.timezone=\"" + zone.getId() + "\""));
        Responses.json(rc, 200, out);
    }

    private static Instant graphInstant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return java.time.LocalDateTime.parse(text).toInstant(java.time.ZoneOffset.UTC);
        }
    }

    /** A Graph dateTimeTimeZone as an instant (IANA zones and UTC; anything else is read as UTC). */
    private static Instant graphInstant(com.fasterxml.jackson.databind.JsonNode time) {
        java.time.LocalDateTime local = java.time.LocalDateTime.parse(time.path("dateTime").asText());
        return local.atZone(zoneOf(time.path("timeZone").asText("UTC"))).toInstant();
    }

    private static java.time.ZoneId zoneOf(String name) {
        try {
            return java.time.ZoneId.of(name);
        } catch (RuntimeException e) {
            return java.time.ZoneOffset.UTC;
        }
    }

    private static java.time.ZoneId preferredZone(RoutingContext rc) {
        for (String prefer : rc.request().headers().getAll("Prefer")) {
            Matcher m = Pattern.compile("outlook\\.timezone\\s*=\\s*\"?([^\",]+)\"?").matcher(prefer);
            if (m.find()) {
                return zoneOf(m.group(1).trim());
            }
        }
        return null;
    }

    private static ObjectNode zoned(com.fasterxml.jackson.databind.JsonNode time, java.time.ZoneId zone) {
        if (zone == null) {
            return ((ObjectNode) time).deepCopy();
        }
        Instant at = graphInstant(time);
        return Json.object().put("dateTime", at.atZone(zone).toLocalDateTime().format(GRAPH_TIME))
                .put("timeZone", zone.getId().equals("Z") ? "UTC" : zone.getId());
    }

}

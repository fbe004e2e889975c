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
import io.interactionsync.emulator.store.GraphCalendar;
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
        router.getWithRegex("/v1\\.0/(?<owner>me|users/[^/]+)(/calendar)?/calendarView").handler(this::calendarView);
        router.getWithRegex("/v1\\.0/(?<owner>me|users/[^/]+)(/calendar)?/events/(?<id>[^/]+)").handler(this::getEvent);
        new GraphSubscriptionRoutes(access).register(router);
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

    /** The calendar a request reads (own, or another user's with Calendars.Read.Shared and FullAccess), counted under {@code method}. */
    private record CalendarTarget(MicrosoftUser user, String key) {
    }

    private Optional<CalendarTarget> calendar(RoutingContext rc, String method) {
        Optional<Caller> found = access.authenticate(rc);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Caller caller = found.get();
        String owner = rc.pathParam("owner");
        String address = owner.equals("me") ? caller.user().upn() : GraphAccess.decodePath(owner.substring("users/".length()));
        boolean self = address.equalsIgnoreCase(caller.user().upn()) || address.equalsIgnoreCase(caller.user().id());
        MicrosoftUser target;
        if (self) {
            if (!caller.has(MicrosoftScopes.CALENDAR_OWN)) {
                GraphAccess.accessDenied(rc);
                return Optional.empty();
            }
            target = caller.user();
        } else {
            Optional<MicrosoftUser> other = ctx.store().microsoftUser(address);
            if (other.isEmpty()) {
                Responses.json(rc, 404, MicrosoftErrors.graph("ErrorInvalidUser", "The requested user '" + address + "' is invalid."));
                return Optional.empty();
            }
            if (!caller.has(MicrosoftScopes.CALENDAR_SHARED) || !caller.user().hasFullAccessTo(other.get().upn())) {
                GraphAccess.accessDenied(rc);
                return Optional.empty();
            }
            target = other.get();
        }
        if (!access.admit(rc, caller, target.upn(), method)) {
            return Optional.empty();
        }
        return Optional.of(new CalendarTarget(target, target.upn()));
    }

    private void calendarDelta(RoutingContext rc) {
        Optional<CalendarTarget> found = calendar(rc, "graph.calendarView.delta");
        if (found.isEmpty()) {
            return;
        }
        MicrosoftUser target = found.get().user();
        String mailboxKey = found.get().key();
        var params = rc.request().params();
        for (String unsupported : List.of("$select", "$filter", "$orderby", "$expand", "$search")) {
            if (params.contains(unsupported)) {
                Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQuery",
                        "The query parameter '" + unsupported + "' is not supported with calendarView delta."));
                return;
            }
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
                item.setAll(eventJson(e, zone, Set.of()));
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

    // ---------------------------------------------------------------- calendarView list, event get

    /**
     * {@code GET /calendarView?startDateTime&endDateTime}: the occurrences, exceptions and single instances
     * overlapping the range (cancelled ones included, with {@code isCancelled}), by start time; {@code $select},
     * {@code $top} (default 10, at most 1000) with {@code $skip} in the nextLink, {@code $orderby=start/dateTime};
     * {@code Prefer: outlook.timezone}. Unlike calendarView delta, query options are supported.
     */
    private void calendarView(RoutingContext rc) {
        Optional<CalendarTarget> found = calendar(rc, "graph.calendarView.list");
        if (found.isEmpty()) {
            return;
        }
        var params = rc.request().params();
        String start = params.get("startDateTime");
        String end = params.get("endDateTime");
        if (start == null || end == null) {
            Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidParameter",
                    "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime."));
            return;
        }
        Instant rangeStart;
        Instant rangeEnd;
        try {
            rangeStart = graphInstant(start);
            rangeEnd = graphInstant(end);
        } catch (DateTimeParseException e) {
            Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidParameter", "Invalid startDateTime or endDateTime."));
            return;
        }
        if (params.get("$filter") != null || params.get("$search") != null) {
            Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQuery",
                    "$filter and $search on calendarView are not emulated; the window is the filter."));
            return;
        }
        String orderBy = params.get("$orderby");
        if (orderBy != null && !orderBy.trim().matches("(?i)start/dateTime( (asc|desc))?")) {
            Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQuery", "Only $orderby=start/dateTime is emulated."));
            return;
        }
        int top;
        int skip;
        try {
            top = params.get("$top") == null ? GraphAccess.DEFAULT_PAGE : Integer.parseInt(params.get("$top"));
            skip = params.get("$skip") == null ? 0 : Integer.parseInt(params.get("$skip"));
            if (top < 1 || top > GraphAccess.MAX_PAGE || skip < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQuery",
                    "$top must be 1 to " + GraphAccess.MAX_PAGE + " and $skip not negative."));
            return;
        }
        java.util.Comparator<GraphCalendar.Entry> byStart = java.util.Comparator
                .comparing((GraphCalendar.Entry e) -> graphInstant(e.event().path("start")))
                .thenComparing(e -> e.event().path("id").asText());
        if (orderBy != null && orderBy.toLowerCase(java.util.Locale.ROOT).endsWith("desc")) {
            byStart = byStart.reversed();
        }
        List<GraphCalendar.Entry> events = found.get().user().calendar().current().stream()
                .filter(e -> graphInstant(e.event().path("end")).isAfter(rangeStart)
                        && graphInstant(e.event().path("start")).isBefore(rangeEnd))
                .sorted(byStart).toList();
        java.time.ZoneId zone = preferredZone(rc);
        Set<String> select = GraphAccess.select(params.get("$select"));
        ArrayNode value = Json.array();
        for (GraphCalendar.Entry e : Omission.of(rc).filter(events.stream().skip(skip).limit(top).toList())) {
            value.add(eventJson(e, zone, select));
        }
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(event)");
        out.set("value", value);
        if (skip + top < events.size()) {
            StringBuilder query = new StringBuilder();
            params.forEach((name, v) -> {
                if (!name.equals("$skip") && !name.equals("$top")) {
                    query.append(query.isEmpty() ? "" : "&").append(name).append('=')
                            .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
                }
            });
            query.append(query.isEmpty() ? "" : "&").append("$top=").append(top).append("&$skip=").append(skip + top);
            out.put("@odata.nextLink", access.base(rc) + "?" + query);
        }
        if (zone != null) {
            rc.response().putHeader("Preference-Applied", "outlook.timezone=\"" + zone.getId() + "\"");
        }
        Responses.json(rc, 200, out);
    }

    /** {@code GET /events/{id}} (an occurrence's id too): 404 {@code ErrorItemNotFound} once deleted. */
    private void getEvent(RoutingContext rc) {
        Optional<CalendarTarget> found = calendar(rc, "graph.events.get");
        if (found.isEmpty()) {
            return;
        }
        Optional<GraphCalendar.Entry> entry = found.get().user().calendar().get(GraphAccess.decodePath(rc.pathParam("id")));
        if (entry.isEmpty()) {
            GraphAccess.itemNotFound(rc);
            return;
        }
        java.time.ZoneId zone = preferredZone(rc);
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users('" + found.get().key() + "')/events/$entity");
        out.setAll(eventJson(entry.get(), zone, GraphAccess.select(rc.request().getParam("$select"))));
        if (zone != null) {
            rc.response().putHeader("Preference-Applied", "outlook.timezone=\"" + zone.getId() + "\"");
        }
        Responses.json(rc, 200, out);
    }

    /**
     * An event as Graph shows it: {@code @odata.etag} and {@code changeKey} from its last change, start/end in the
     * preferred zone, only the {@code select}ed fields (and the id) when a $select was given.
     */
    private static ObjectNode eventJson(GraphCalendar.Entry e, java.time.ZoneId zone, Set<String> select) {
        ObjectNode all = Json.object();
        String changeKey = GraphCalendar.changeKey(e);
        all.put("@odata.etag", "W/\"" + changeKey + "\"");
        all.setAll(e.event().deepCopy());
        all.put("changeKey", changeKey);
        all.set("start", zoned(e.event().path("start"), zone));
        all.set("end", zoned(e.event().path("end"), zone));
        if (select.isEmpty()) {
            return all;
        }
        ObjectNode out = Json.object();
        out.set("@odata.etag", all.get("@odata.etag"));
        out.set("id", all.get("id"));
        select.forEach(name -> {
            if (all.has(name)) {
                out.set(name, all.get(name));
            }
        });
        return out;
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

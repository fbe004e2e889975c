package io.interactionsync.emulator.google.calendar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.google.GoogleApiGate;
import io.interactionsync.emulator.google.GoogleApiGate.Caller;
import io.interactionsync.emulator.google.oauth.GoogleScopes;
import io.interactionsync.emulator.http.GoogleErrors;
import io.interactionsync.emulator.faults.Omission;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.PartialResponse;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.store.CalendarEvents;
import io.interactionsync.emulator.store.CalendarEvents.StoredEvent;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Google Calendar API v3 ({@code www.googleapis.com/calendar/v3}): {@code events.list} with singleEvents expansion,
 * showDeleted, timeMin/timeMax, paging, sync tokens (410 fullSyncRequired once expired), {@code events.get},
 * {@code calendarList.list} (primary only); events.list and events.get honour {@code fields} (partial response).
 * Each user has one calendar, {@code primary} = their address.
 */
public final class CalendarRoutes {

    static final String SERVICE = "calendar-json.googleapis.com";
    private static final int DEFAULT_PAGE = 250;
    private static final int MAX_PAGE = 2500;
    private static final List<String> SYNC_FORBIDDEN = List.of("iCalUID", "orderBy", "privateExtendedProperty", "q",
            "sharedExtendedProperty", "timeMin", "timeMax", "updatedMin");
    private static final ZoneId CALENDAR_ZONE = ZoneOffset.UTC;

    private final EmulatorContext ctx;
    private final GoogleApiGate gate;

    public CalendarRoutes(EmulatorContext ctx) {
        this.ctx = ctx;
        this.gate = new GoogleApiGate(ctx);
    }

    /** Mounted at {@code /www.googleapis.com/calendar/v3}. */
    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.get("/calendars/:calendarId/events").handler(rc -> call(rc, "calendar.events.list", this::list));
        router.get("/calendars/:calendarId/events/:eventId").handler(rc -> call(rc, "calendar.events.get", this::get));
        router.get("/users/me/calendarList").handler(rc -> call(rc, "calendar.calendarList.list", this::calendarList));
        router.post("/calendars/:calendarId/events/watch").handler(rc -> call(rc, "calendar.events.watch", this::watch));
        router.post("/channels/stop").handler(rc -> call(rc, "calendar.channels.stop", this::stopChannel));
        return router;
    }

    private interface Handler {
        void handle(RoutingContext rc, Caller caller);
    }

    private void call(RoutingContext rc, String method, Handler handler) {
        Optional<Caller> caller = gate.authenticate(rc, GoogleScopes.CALENDAR_READ, SERVICE);
        if (caller.isEmpty()) {
            return;
        }
        gate.record(caller.get(), method, 1, false);
        String calendarId = rc.pathParam("calendarId");
        if (calendarId != null && !calendarId.equals("primary") && !calendarId.equalsIgnoreCase(caller.get().user().email())) {
            Responses.json(rc, 404, calendarError(404, "notFound", "Not Found"));
            return;
        }
        handler.handle(rc, caller.get());
    }

    /** 200 with the partial response asked for ({@code fields}); a selection that does not parse → 400. */
    private static void ok(RoutingContext rc, JsonNode body) {
        PartialResponse.apply(rc, body).ifPresentOrElse(b -> Responses.json(rc, 200, b), () -> Responses.json(rc, 400,
                calendarError(400, "invalidParameter", "Invalid field selection " + rc.request().getParam("fields"))));
    }

    /** Calendar's error shape: {@code {"error":{"errors":[{domain,reason,message}],"code":…,"message":…}}}. */
    static ObjectNode calendarError(int code, String reason, String message) {
        ObjectNode item = Json.object().put("domain", "global").put("reason", reason).put("message", message);
        ObjectNode error = Json.object();
        error.set("errors", Json.array().add(item));
        error.put("code", code);
        error.put("message", message);
        return Json.object().set("error", error);
    }

    private static ObjectNode invalid(String message) {
        return calendarError(400, "invalid", message);
    }

    // ---------------------------------------------------------------- events.watch / channels.stop

    /** {@code {id, type: "web_hook", address, token?, params: {ttl}}} → the Channel resource; sends {@code sync}. */
    private void watch(RoutingContext rc, Caller caller) {
        JsonNode body = jsonBody(rc);
        if (body == null) {
            Responses.json(rc, 400, calendarError(400, "parseError", "Parse Error"));
            return;
        }
        String id = body.path("id").asText("");
        String type = body.path("type").asText("");
        String address = body.path("address").asText("");
        if (id.isEmpty()) {
            Responses.json(rc, 400, calendarError(400, "required", "Required"));
            return;
        }
        if (!id.matches("[A-Za-z0-9\\-_+/=]{1,64}")) {
            Responses.json(rc, 400, invalid("Invalid channel id " + id + ": at most 64 characters of [A-Za-z0-9-_+/=]."));
            return;
        }
        if (!type.equalsIgnoreCase("web_hook") && !type.equalsIgnoreCase("webhook")) {
            Responses.json(rc, 400, calendarError(400, "push.channelTypeNotSupported", "Channel type " + type + " is not supported."));
            return;
        }
        if (address.isEmpty()) {
            Responses.json(rc, 400, calendarError(400, "required", "Required"));
            return;
        }
        if (!io.interactionsync.emulator.push.Deliverer.isHttpUrl(address)) {
            Responses.json(rc, 400, calendarError(400, "push.webhookUrlNoHostname", "WebHook callback must have a hostname."));
            return;
        }
        Long ttl = null;
        JsonNode ttlNode = body.path("params").path("ttl");
        if (!ttlNode.isMissingNode() && !ttlNode.isNull()) {
            try {
                ttl = Long.parseLong(ttlNode.asText());
            } catch (NumberFormatException e) {
                ttl = -1L;
            }
            if (ttl <= 0) {
                Responses.json(rc, 400, invalid("Invalid value for ttl: " + ttlNode.asText()));
                return;
            }
        }
        String token = body.hasNonNull("token") ? body.get("token").asText() : null;
        var channel = ctx.push().calendar().open(caller.user().email(), rc.pathParam("calendarId"), id, address, token, ttl);
        if (channel.isEmpty()) {
            Responses.json(rc, 400, calendarError(400, "channelIdNotUnique", "Channel id not unique"));
            return;
        }
        Responses.json(rc, 200, channel.get().toJson());
    }

    /** {@code {id, resourceId}} → 204; a channel this user does not have → 404. */
    private void stopChannel(RoutingContext rc, Caller caller) {
        JsonNode body = jsonBody(rc);
        if (body == null) {
            Responses.json(rc, 400, calendarError(400, "parseError", "Parse Error"));
            return;
        }
        String id = body.path("id").asText("");
        String resourceId = body.path("resourceId").asText("");
        if (id.isEmpty() || resourceId.isEmpty()) {
            Responses.json(rc, 400, calendarError(400, "required", "Required"));
            return;
        }
        if (!ctx.push().calendar().stop(caller.user().email(), id, resourceId)) {
            String message = "Channel '" + id + "' not found for project '" + PROJECT_NUMBER + "'";
            Responses.json(rc, 404, calendarError(404, "notFound", message));
            return;
        }
        rc.response().setStatusCode(204).end();
    }

    /** The Cloud project number Google names in channel errors (the emulator has one project). */
    private static final String PROJECT_NUMBER = "123456789012";

    private static JsonNode jsonBody(RoutingContext rc) {
        try {
            JsonNode body = rc.body() == null || rc.body().length() == 0 ? null : Json.mapper().readTree(rc.body().asString());
            return body != null && body.isObject() ? body : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- events.list

    /** An event or instance as events.list may return it. */
    private record Item(ObjectNode resource, Instant start, Instant end, long sequence, boolean cancelled, String updated) {
    }

    private void list(RoutingContext rc, Caller caller) {
        var params = rc.request().params();
        CalendarEvents calendar = caller.user().calendar();
        String syncToken = params.get("syncToken");
        Long syncFrom = null;
        if (syncToken != null) {
            for (String forbidden : SYNC_FORBIDDEN) {
                if (params.contains(forbidden)) {
                    Responses.json(rc, 400, invalid("The parameter " + forbidden + " cannot be combined with syncToken."));
                    return;
                }
            }
            Optional<long[]> decoded = decode(syncToken, "s");
            if (decoded.isEmpty()) {
                Responses.json(rc, 400, invalid("Invalid sync token value."));
                return;
            }
            if (decoded.get()[0] < calendar.oldestValidSyncSequence()) {
                Responses.json(rc, 410, GoogleErrors.fullSyncRequired());
                return;
            }
            syncFrom = decoded.get()[0];
        }
        boolean single = Boolean.parseBoolean(params.get("singleEvents"));
        boolean showDeleted = syncFrom != null || Boolean.parseBoolean(params.get("showDeleted"));
        String orderBy = params.get("orderBy");
        if (orderBy != null && !orderBy.equals("startTime") && !orderBy.equals("updated")) {
            Responses.json(rc, 400, invalid("Invalid value for orderBy: " + orderBy));
            return;
        }
        if ("startTime".equals(orderBy) && !single) {
            Responses.json(rc, 400, calendarError(400, "badRequest", "The requested ordering is not available for the particular query."));
            return;
        }
        Instant timeMin;
        Instant timeMax;
        Instant updatedMin;
        try {
            timeMin = time(params.get("timeMin"));
            timeMax = time(params.get("timeMax"));
            updatedMin = time(params.get("updatedMin"));
        } catch (DateTimeParseException e) {
            Responses.json(rc, 400, calendarError(400, "badRequest", "Bad Request"));
            return;
        }
        if (timeMin != null && timeMax != null && !timeMin.isBefore(timeMax)) {
            Responses.json(rc, 400, calendarError(400, "timeRangeEmpty", "The specified time range is empty."));
            return;
        }
        int max = DEFAULT_PAGE;
        if (params.get("maxResults") != null) {
            try {
                max = Integer.parseInt(params.get("maxResults"));
            } catch (NumberFormatException e) {
                Responses.json(rc, 400, invalid("Invalid value for maxResults: " + params.get("maxResults")));
                return;
            }
            if (max < 1) {
                Responses.json(rc, 400, invalid("Invalid value for maxResults: " + max));
                return;
            }
            max = Math.min(max, MAX_PAGE);
        }
        int offset = 0;
        long snapshot = calendar.sequence();
        if (params.get("pageToken") != null) {
            Optional<long[]> page = decode(params.get("pageToken"), "p");
            if (page.isEmpty()) {
                Responses.json(rc, 400, invalid("Invalid page token value."));
                return;
            }
            offset = (int) page.get()[0];
            snapshot = page.get()[1];
        }
        Instant horizon = timeMax != null ? timeMax
                : Instant.now().plus(730, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS);
        List<Item> items;
        try {
            items = items(calendar, single, horizon);
        } catch (Recurrence.InvalidRecurrence e) {
            Responses.json(rc, 500, GoogleErrors.backendError(500));
            return;
        }
        String iCalUid = params.get("iCalUID");
        String q = params.get("q") == null ? null : params.get("q").toLowerCase(Locale.ROOT);
        List<Item> selected = new ArrayList<>();
        for (Item item : items) {
            if (item.cancelled() && !showDeleted) {
                continue;
            }
            if (syncFrom != null && item.sequence() <= syncFrom) {
                continue;
            }
            if (timeMin != null && item.end() != null && !item.end().isAfter(timeMin)) {
                continue;
            }
            if (timeMax != null && item.start() != null && !item.start().isBefore(timeMax)) {
                continue;
            }
            if (updatedMin != null && item.updated() != null && Instant.parse(item.updated()).isBefore(updatedMin)) {
                continue;
            }
            if (iCalUid != null && !iCalUid.equals(item.resource().path("iCalUID").asText())) {
                continue;
            }
            if (q != null && !item.resource().toString().toLowerCase(Locale.ROOT).contains(q)) {
                continue;
            }
            selected.add(item);
        }
        Comparator<Item> order = "updated".equals(orderBy)
                ? Comparator.comparing((Item i) -> i.updated() == null ? "" : i.updated())
                : Comparator.comparing((Item i) -> i.start() == null ? Instant.EPOCH : i.start());
        selected.sort(order.thenComparing(i -> i.resource().path("id").asText()));

        ObjectNode body = Json.object();
        body.put("kind", "calendar#events");
        body.put("etag", etag(calendar.sequence()));
        body.put("summary", caller.user().email());
        body.put("description", "");
        body.put("updated", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        body.put("timeZone", "UTC");
        body.put("accessRole", "owner");
        body.putArray("defaultReminders").addObject().put("method", "popup").put("minutes", 10);
        int pageItems = max;
        if (ctx.config().get().calendarShortPages() && selected.size() > offset) {
            // As Google may: an empty first page, then half pages, each with a nextPageToken until the end.
            pageItems = offset == 0 && params.get("pageToken") == null ? 0 : Math.max(1, max / 2);
        }
        int end = Math.min(selected.size(), offset + pageItems);
        if (end < selected.size()) {
            body.put("nextPageToken", encode("p", end, snapshot));
        } else if (!"startTime".equals(orderBy)) {
            body.put("nextSyncToken", encode("s", snapshot, 0));
        }
        ArrayNode array = body.putArray("items");
        // An omit fault drops items; the page and sync tokens above already point past them.
        for (Item item : Omission.of(rc).filter(selected.subList(offset, end))) {
            array.add(item.resource());
        }
        ok(rc, body);
    }

    private List<Item> items(CalendarEvents calendar, boolean single, Instant horizon) {
        List<StoredEvent> stored = calendar.all();
        Map<String, Map<String, StoredEvent>> exceptions = new HashMap<>();
        for (StoredEvent e : stored) {
            String master = e.resource().path("recurringEventId").asText(null);
            if (master != null) {
                exceptions.computeIfAbsent(master, k -> new HashMap<>()).put(e.resource().path("id").asText(), e);
            }
        }
        List<Item> out = new ArrayList<>();
        for (StoredEvent e : stored) {
            ObjectNode r = e.resource();
            boolean recurring = r.path("recurrence").isArray() && !r.path("recurrence").isEmpty();
            boolean exception = r.hasNonNull("recurringEventId");
            boolean cancelled = "cancelled".equals(r.path("status").asText());
            if (exception) {
                boolean orphan = !calendar.get(r.get("recurringEventId").asText()).isPresent();
                if (!single || orphan) {
                    out.add(item(r, e.sequence()));
                }
                continue;
            }
            if (!recurring || !single || cancelled) {
                out.add(item(r, e.sequence()));
                continue;
            }
            Map<String, StoredEvent> overrides = exceptions.getOrDefault(r.path("id").asText(), Map.of());
            for (ObjectNode instance : instances(r, horizon)) {
                StoredEvent override = overrides.get(instance.get("id").asText());
                out.add(override != null ? item(override.resource(), override.sequence()) : item(instance, e.sequence()));
            }
        }
        return out;
    }

    /** The instances of a recurring event up to {@code horizon}. */
    public static List<ObjectNode> instances(ObjectNode master, Instant horizon) {
        boolean allDay = master.path("start").has("date");
        ZoneId zone = zone(master);
        LocalDateTime first;
        long durationSeconds;
        if (allDay) {
            LocalDate s = LocalDate.parse(master.path("start").path("date").asText());
            LocalDate e = LocalDate.parse(master.path("end").path("date").asText(s.plusDays(1).toString()));
            first = s.atStartOfDay();
            durationSeconds = ChronoUnit.DAYS.between(s, e) * 86400;
        } else {
            OffsetDateTime s = dateTime(master.path("start"));
            OffsetDateTime e = master.path("end").hasNonNull("dateTime") ? dateTime(master.path("end")) : s;
            first = s.atZoneSameInstant(zone).toLocalDateTime();
            durationSeconds = ChronoUnit.SECONDS.between(s, e);
        }
        List<String> lines = new ArrayList<>();
        master.path("recurrence").forEach(l -> lines.add(l.asText()));
        List<ObjectNode> out = new ArrayList<>();
        String masterId = master.path("id").asText();
        for (LocalDateTime start : Recurrence.expand(lines, first, zone, horizon)) {
            ObjectNode instance = master.deepCopy();
            instance.remove("recurrence");
            instance.put("id", masterId + "_" + Recurrence.instanceSuffix(start, zone, allDay));
            instance.put("recurringEventId", masterId);
            if (allDay) {
                LocalDate d = start.toLocalDate();
                instance.putObject("originalStartTime").put("date", d.toString());
                instance.putObject("start").put("date", d.toString());
                instance.putObject("end").put("date", d.plusDays(Math.max(1, durationSeconds / 86400)).toString());
            } else {
                String tz = master.path("start").path("timeZone").asText(null);
                String startText = Recurrence.rfc3339(Recurrence.zoned(start, zone));
                String endText = Recurrence.rfc3339(Recurrence.zoned(start, zone).plusSeconds(durationSeconds));
                ObjectNode original = instance.putObject("originalStartTime").put("dateTime", startText);
                ObjectNode s = instance.putObject("start").put("dateTime", startText);
                ObjectNode e = instance.putObject("end").put("dateTime", endText);
                if (tz != null) {
                    original.put("timeZone", tz);
                    s.put("timeZone", tz);
                    e.put("timeZone", master.path("end").path("timeZone").asText(tz));
                }
            }
            out.add(instance);
        }
        return out;
    }

    private static ZoneId zone(JsonNode event) {
        String tz = event.path("start").path("timeZone").asText(null);
        if (tz != null) {
            try {
                return ZoneId.of(tz);
            } catch (RuntimeException e) {
                // fall through to the offset of the dateTime
            }
        }
        String dt = event.path("start").path("dateTime").asText(null);
        return dt == null ? CALENDAR_ZONE : dateTime(event.path("start")).getOffset();
    }

    /** A {@code dateTime} with its offset, or wall-clock time in {@code timeZone} (both forms are valid input). */
    static OffsetDateTime dateTime(JsonNode time) {
        String text = time.path("dateTime").asText();
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            ZoneId zone = time.hasNonNull("timeZone") ? ZoneId.of(time.get("timeZone").asText()) : CALENDAR_ZONE;
            return LocalDateTime.parse(text).atZone(zone).toOffsetDateTime();
        }
    }

    /** Times, the output resource (minimal for cancelled events, as Google answers for deletions). */
    private static Item item(ObjectNode r, long sequence) {
        boolean cancelled = "cancelled".equals(r.path("status").asText());
        Instant start = instant(r.path("start"));
        Instant end = instant(r.path("end"));
        if (end == null) {
            end = start;
        }
        ObjectNode out;
        if (cancelled) {
            out = Json.object();
            out.put("kind", "calendar#event");
            out.put("etag", r.hasNonNull("etag") ? r.get("etag").asText() : etag(sequence));
            out.put("id", r.path("id").asText());
            out.put("status", "cancelled");
            if (r.hasNonNull("recurringEventId")) {
                out.put("recurringEventId", r.get("recurringEventId").asText());
                out.set("originalStartTime", r.path("originalStartTime").deepCopy());
            }
        } else {
            out = r.deepCopy();
            if (!out.hasNonNull("etag")) {
                out.put("etag", etag(sequence));
            }
        }
        if (cancelled && r.hasNonNull("originalStartTime") && start == null) {
            start = instant(r.get("originalStartTime"));
            end = start;
        }
        return new Item(out, start, end, sequence, cancelled, r.path("updated").asText(null));
    }

    private static Instant instant(JsonNode time) {
        if (time.hasNonNull("dateTime")) {
            return dateTime(time).toInstant();
        }
        if (time.hasNonNull("date")) {
            return LocalDate.parse(time.get("date").asText()).atStartOfDay(CALENDAR_ZONE).toInstant();
        }
        return null;
    }

    private static Instant time(String value) {
        if (value == null) {
            return null;
        }
        return OffsetDateTime.parse(value).toInstant();
    }

    // ---------------------------------------------------------------- events.get, calendarList

    private void get(RoutingContext rc, Caller caller) {
        String id = rc.pathParam("eventId");
        CalendarEvents calendar = caller.user().calendar();
        Optional<StoredEvent> stored = calendar.get(id);
        if (stored.isPresent()) {
            ok(rc, item(stored.get().resource(), stored.get().sequence()).resource());
            return;
        }
        int underscore = id.lastIndexOf('_');
        if (underscore > 0) {
            Optional<StoredEvent> master = calendar.get(id.substring(0, underscore));
            if (master.isPresent()) {
                Instant horizon = Instant.now().plus(3650, ChronoUnit.DAYS);
                for (ObjectNode instance : instances(master.get().resource(), horizon)) {
                    if (instance.get("id").asText().equals(id)) {
                        ok(rc, item(instance, master.get().sequence()).resource());
                        return;
                    }
                }
            }
        }
        Responses.json(rc, 404, calendarError(404, "notFound", "Not Found"));
    }

    private void calendarList(RoutingContext rc, Caller caller) {
        ObjectNode body = Json.object();
        body.put("kind", "calendar#calendarList");
        body.put("etag", etag(1));
        body.put("nextSyncToken", encode("s", 0, 0));
        ObjectNode primary = body.putArray("items").addObject();
        primary.put("kind", "calendar#calendarListEntry");
        primary.put("id", caller.user().email());
        primary.put("summary", caller.user().email());
        primary.put("timeZone", "UTC");
        primary.put("accessRole", "owner");
        primary.put("primary", true);
        primary.put("selected", true);
        Responses.json(rc, 200, body);
    }

    // ---------------------------------------------------------------- tokens

    private static String etag(long sequence) {
        return "\"" + (3_400_000_000_000_000L + sequence * 1000) + "\"";
    }

    private static String encode(String kind, long a, long b) {
        String text = kind + "|" + a + "|" + b;
        return "C" + Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<long[]> decode(String token, String kind) {
        try {
            if (!token.startsWith("C")) {
                return Optional.empty();
            }
            String[] parts = new String(Base64.getUrlDecoder().decode(token.substring(1)), StandardCharsets.UTF_8).split("\\|");
            if (parts.length != 3 || !parts[0].equals(kind)) {
                return Optional.empty();
            }
            return Optional.of(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

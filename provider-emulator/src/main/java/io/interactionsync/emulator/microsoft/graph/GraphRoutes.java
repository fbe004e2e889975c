package io.interactionsync.emulator.microsoft.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.config.EmulatorConfig;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.MicrosoftErrors;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.microsoft.identity.MicrosoftScopes;
import io.interactionsync.emulator.microsoft.identity.MicrosoftTokens.Access;
import io.interactionsync.emulator.store.GraphMailbox;
import io.interactionsync.emulator.store.GraphMailbox.Entry;
import io.interactionsync.emulator.store.MicrosoftUser;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Graph v1.0 ({@code graph.microsoft.com/v1.0}): {@code /me} and mail delta per well-known folder for
 * {@code /me} and {@code /users/{id|upn}} (shared mailboxes need a {@code .Shared} scope and FullAccess), with
 * {@code $select}, {@code $filter=receivedDateTime ge|gt}, {@code $top}, {@code Prefer: odata.maxpagesize},
 * opaque nextLink/deltaLink, {@code @removed}, expired tokens, Mail.ReadBasic hiding body fields, and Outlook
 * throttling per mailbox. Paths are accepted with and without the SDK's {@code ()} suffix.
 */
public final class GraphRoutes {

    private static final Pattern FILTER = Pattern.compile("receivedDateTime\\s+(ge|gt)\\s+(\\S+)", Pattern.CASE_INSENSITIVE);
    private static final Set<String> BODY_FIELDS = Set.of("body", "uniqueBody", "bodyPreview");
    private static final int DEFAULT_PAGE = 10;
    private static final int MAX_PAGE = 1000;

    private final EmulatorContext ctx;
    private final GraphThrottle throttle;

    private GraphBatch batch;

    public GraphRoutes(EmulatorContext ctx) {
        this.ctx = ctx;
        this.throttle = ctx.graphThrottle();
    }

    /** Mounted at {@code /graph.microsoft.com}. */
    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        batch = new GraphBatch(ctx, vertx);
        router.get("/v1.0/me").handler(this::me);
        router.postWithRegex("/v1\\.0/(\\$|%24)batch").handler(rc -> batch.handle(rc));
        router.getWithRegex("/v1\\.0/(?<owner>me|users/[^/]+)/mailFolders/(?<folder>[^/]+)/messages/delta(\\(\\)|%28%29)?")
                .handler(this::mailDelta);
        router.getWithRegex("/v1\\.0/(?<owner>me|users/[^/]+)/calendarView/delta(\\(\\)|%28%29)?").handler(this::calendarDelta);
        return router;
    }

    private record Caller(Access access, MicrosoftUser user) {
        boolean has(Set<String> scopes) {
            return !Collections.disjoint(access.scopes(), scopes);
        }
    }

    private Optional<Caller> authenticate(RoutingContext rc) {
        String header = rc.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            unauthorized(rc, "Access token is empty.");
            return Optional.empty();
        }
        Optional<Access> access = ctx.microsoftTokens().access(header.substring(7).trim());
        Optional<MicrosoftUser> user = access.flatMap(a -> ctx.store().microsoftUser(a.upn()));
        if (access.isEmpty() || user.isEmpty()) {
            unauthorized(rc, "Access token has expired or is not yet valid.");
            return Optional.empty();
        }
        return Optional.of(new Caller(access.get(), user.get()));
    }

    private static void unauthorized(RoutingContext rc, String message) {
        rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"");
        Responses.json(rc, 401, MicrosoftErrors.graph("InvalidAuthenticationToken", message));
    }

    private void me(RoutingContext rc) {
        Optional<Caller> found = authenticate(rc);
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

    // ---------------------------------------------------------------- mail delta

    /**
     * The state a nextLink/deltaLink carries. For calendarView, {@code select}/{@code filter} carry the
     * startDateTime/endDateTime of the first request (query options live in the links, as in Graph).
     */
    private record DeltaState(String mailbox, String folder, long fromSequence, long snapshot, int offset, String select,
            String filter, int top, String changeType) {

        DeltaState(String mailbox, String folder, long fromSequence, long snapshot, int offset, String select, String filter, int top) {
            this(mailbox, folder, fromSequence, snapshot, offset, select, filter, top, null);
        }

        DeltaState withPosition(long from, long snap, int newOffset, int newTop) {
            return new DeltaState(mailbox, folder, from, snap, newOffset, select, filter, newTop, changeType);
        }

        String encode() {
            String text = String.join("\u0001", "v1", mailbox, folder, Long.toString(fromSequence), Long.toString(snapshot),
                    Integer.toString(offset), select == null ? "" : select, filter == null ? "" : filter, Integer.toString(top),
                    changeType == null ? "" : changeType);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Optional<DeltaState> decode(String token) {
            try {
                String[] p = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\u0001", -1);
                if (p.length != 10 || !p[0].equals("v1")) {
                    return Optional.empty();
                }
                return Optional.of(new DeltaState(p[1], p[2], Long.parseLong(p[3]), Long.parseLong(p[4]),
                        Integer.parseInt(p[5]), p[6].isEmpty() ? null : p[6], p[7].isEmpty() ? null : p[7], Integer.parseInt(p[8]),
                        p[9].isEmpty() ? null : p[9]));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    private void mailDelta(RoutingContext rc) {
        Optional<Caller> found = authenticate(rc);
        if (found.isEmpty()) {
            return;
        }
        Caller caller = found.get();
        String owner = rc.pathParam("owner");
        String address = owner.equals("me") ? caller.user().upn() : decodePath(owner.substring("users/".length()));
        boolean self = address.equalsIgnoreCase(caller.user().upn()) || address.equalsIgnoreCase(caller.user().id());
        GraphMailbox mailbox;
        String mailboxKey;
        if (self) {
            if (!caller.has(MicrosoftScopes.MAIL_OWN)) {
                accessDenied(rc);
                return;
            }
            mailbox = caller.user().mailbox();
            mailboxKey = caller.user().upn();
        } else {
            Optional<MicrosoftUser> other = ctx.store().microsoftUser(address);
            Optional<GraphMailbox> target = other.map(MicrosoftUser::mailbox).or(() -> ctx.store().sharedMailbox(address));
            if (target.isEmpty()) {
                Responses.json(rc, 404, MicrosoftErrors.graph("ErrorInvalidUser", "The requested user '" + address + "' is invalid."));
                return;
            }
            mailboxKey = other.map(MicrosoftUser::upn).orElse(address.toLowerCase(Locale.ROOT));
            if (!caller.has(MicrosoftScopes.MAIL_SHARED) || !caller.user().hasFullAccessTo(mailboxKey)) {
                accessDenied(rc);
                return;
            }
            mailbox = target.get();
        }
        EmulatorConfig.Values config = ctx.config().get();
        if (!throttle.enter(mailboxKey, config.graphConcurrentPerMailbox())) {
            record(caller, true);
            Responses.json(rc, 429, MicrosoftErrors.graph("ApplicationThrottled",
                    "Application is over its MailboxConcurrency limit."));
            return;
        }
        rc.addEndHandler(v -> throttle.leave(mailboxKey));
        long retryAfter = throttle.admit(mailboxKey, config.graphRequestsPerMailbox10Min(), System.currentTimeMillis());
        if (retryAfter > 0) {
            record(caller, true);
            rc.response().putHeader("Retry-After", Long.toString(retryAfter));
            Responses.json(rc, 429, MicrosoftErrors.graph("TooManyRequests", "Please retry again later."));
            return;
        }
        record(caller, false);
        String folder;
        try {
            folder = GraphMailbox.folder(rc.pathParam("folder").replaceAll("^\\('?|'?\\)$", ""));
        } catch (RuntimeException e) {
            Responses.json(rc, 404, MicrosoftErrors.graph("ErrorInvalidIdMalformed", "Id is malformed."));
            return;
        }
        delta(rc, caller, mailbox, mailboxKey, folder, self);
    }

    private void delta(RoutingContext rc, Caller caller, GraphMailbox mailbox, String mailboxKey, String folder, boolean self) {
        var params = rc.request().params();
        DeltaState state;
        if (params.get("$skiptoken") != null || params.get("$deltatoken") != null) {
            boolean skip = params.get("$skiptoken") != null;
            Optional<DeltaState> decoded = DeltaState.decode(skip ? params.get("$skiptoken") : params.get("$deltatoken"));
            if (decoded.isEmpty() || !decoded.get().mailbox().equals(mailboxKey) || !decoded.get().folder().equals(folder)) {
                Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQuery", "The delta or skip token is invalid."));
                return;
            }
            DeltaState d = decoded.get();
            long oldest = mailbox.oldestValidSequence();
            if (d.snapshot() < oldest || d.fromSequence() > 0 && d.fromSequence() < oldest) {
                rc.response().putHeader("Location", link(rc, null, null));
                Responses.json(rc, 410, MicrosoftErrors.graph("syncStateNotFound",
                        "The sync state generation is not found or has expired. Resync from scratch."));
                return;
            }
            state = skip ? d : d.withPosition(d.snapshot(), mailbox.sequence(), 0, 0);
        } else {
            String changeType = params.get("changeType");
            if (changeType != null && !Set.of("created", "updated", "deleted").contains(changeType)) {
                Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQuery", "changeType must be created, updated or deleted."));
                return;
            }
            if (params.get("$search") != null) {
                Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQuery", "$search is not supported on delta queries."));
                return;
            }
            String orderBy = params.get("$orderby");
            if (orderBy != null && !orderBy.trim().equalsIgnoreCase("receivedDateTime desc")) {
                Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQuery", "Only $orderby=receivedDateTime desc is supported with delta."));
                return;
            }
            String filter = params.get("$filter");
            if (filter != null && !FILTER.matcher(filter.trim()).matches()) {
                Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQueryFilter",
                        "Only receivedDateTime ge|gt filters are supported with delta."));
                return;
            }
            int top = 0;
            if (params.get("$top") != null) {
                try {
                    top = Integer.parseInt(params.get("$top"));
                } catch (NumberFormatException e) {
                    Responses.json(rc, 400, MicrosoftErrors.graph("BadRequest", "Invalid $top value."));
                    return;
                }
            }
            state = new DeltaState(mailboxKey, folder, 0, mailbox.sequence(), 0, params.get("$select"), filter, top, changeType);
        }
        int pageSize = pageSize(rc);
        List<Entry> changes = new ArrayList<>();
        Instant since = null;
        boolean strict = false;
        if (state.filter() != null) {
            Matcher m = FILTER.matcher(state.filter().trim());
            if (m.matches()) {
                try {
                    since = OffsetDateTime.parse(m.group(2)).toInstant();
                } catch (DateTimeParseException e) {
                    Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQueryFilter", "Invalid date in $filter."));
                    return;
                }
                strict = m.group(1).equalsIgnoreCase("gt");
            }
        }
        for (Entry e : mailbox.folderEntries(folder)) {
            if (e.sequence() <= state.fromSequence() || e.sequence() > state.snapshot()) {
                continue;
            }
            if (state.fromSequence() == 0 && e.removed()) {
                continue;
            }
            if (state.changeType() != null) {
                String kind = e.removed() ? "deleted" : e.created() > state.fromSequence() ? "created" : "updated";
                if (!kind.equals(state.changeType())) {
                    continue;
                }
            }
            if (since != null && !e.removed()) {
                String received = e.message().path("receivedDateTime").asText(null);
                if (received != null) {
                    Instant at = OffsetDateTime.parse(received).toInstant();
                    if (strict ? !at.isAfter(since) : at.isBefore(since)) {
                        continue;
                    }
                }
            }
            changes.add(e);
        }
        changes.sort(java.util.Comparator.comparingLong(Entry::sequence));
        if (state.top() > 0 && changes.size() > state.top()) {
            changes = changes.subList(0, state.top());
        }
        boolean body = caller.has(MicrosoftScopes.MAIL_BODY) && (self || caller.access().scopes().stream()
                .anyMatch(s -> s.equals("Mail.Read.Shared") || s.equals("Mail.ReadWrite.Shared")));
        Set<String> select = select(state.select());
        ArrayNode value = Json.array();
        int end = Math.min(changes.size(), state.offset() + pageSize);
        for (int i = state.offset(); i < end; i++) {
            value.add(project(changes.get(i), select, body));
        }
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(message)");
        if (end < changes.size()) {
            DeltaState next = state.withPosition(state.fromSequence(), state.snapshot(), end, state.top());
            out.put("@odata.nextLink", link(rc, "$skiptoken", next.encode()));
        } else {
            DeltaState delta = state.withPosition(state.snapshot(), state.snapshot(), 0, 0);
            out.put("@odata.deltaLink", link(rc, "$deltatoken", delta.encode()));
        }
        out.set("value", value);
        rc.response().putHeader("Preference-Applied", "odata.maxpagesize=" + pageSize);
        Responses.json(rc, 200, out);
    }

    // ---------------------------------------------------------------- calendarView delta

    private static final Set<String> CALENDAR_OWN = Set.of("Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite");
    private static final Set<String> CALENDAR_SHARED = Set.of("Calendars.Read.Shared", "Calendars.ReadWrite.Shared");
    private static final DateTimeFormatter GRAPH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS");

    private void calendarDelta(RoutingContext rc) {
        Optional<Caller> found = authenticate(rc);
        if (found.isEmpty()) {
            return;
        }
        Caller caller = found.get();
        String owner = rc.pathParam("owner");
        String address = owner.equals("me") ? caller.user().upn() : decodePath(owner.substring("users/".length()));
        boolean self = address.equalsIgnoreCase(caller.user().upn()) || address.equalsIgnoreCase(caller.user().id());
        MicrosoftUser target;
        if (self) {
            if (!caller.has(CALENDAR_OWN)) {
                accessDenied(rc);
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
                accessDenied(rc);
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
        EmulatorConfig.Values config = ctx.config().get();
        String mailboxKey = target.upn();
        if (!throttle.enter(mailboxKey, config.graphConcurrentPerMailbox())) {
            Responses.json(rc, 429, MicrosoftErrors.graph("ApplicationThrottled", "Application is over its MailboxConcurrency limit."));
            return;
        }
        rc.addEndHandler(v -> throttle.leave(mailboxKey));
        long retryAfter = throttle.admit(mailboxKey, config.graphRequestsPerMailbox10Min(), System.currentTimeMillis());
        if (retryAfter > 0) {
            rc.response().putHeader("Retry-After", Long.toString(retryAfter));
            Responses.json(rc, 429, MicrosoftErrors.graph("TooManyRequests", "Please retry again later."));
            return;
        }
        ctx.stats().record(caller.user().upn(), "graph.calendarView.delta", 0, false);
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
                rc.response().putHeader("Location", link(rc, null, null));
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
        int pageSize = pageSize(rc);
        int end = Math.min(changes.size(), state.offset() + pageSize);
        ArrayNode value = Json.array();
        for (int i = state.offset(); i < end; i++) {
            var e = changes.get(i);
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
            out.put("@odata.nextLink", link(rc, "$skiptoken", new DeltaState(mailboxKey, "calendarView", state.fromSequence(),
                    state.snapshot(), end, state.select(), state.filter(), 0).encode()));
        } else {
            out.put("@odata.deltaLink", link(rc, "$deltatoken", new DeltaState(mailboxKey, "calendarView", state.snapshot(),
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

    private static int pageSize(RoutingContext rc) {
        int size = DEFAULT_PAGE;
        for (String prefer : rc.request().headers().getAll("Prefer")) {
            Matcher m = Pattern.compile("odata\\.maxpagesize\\s*=\\s*(\\d+)").matcher(prefer);
            if (m.find()) {
                size = (int) Math.min(MAX_PAGE, Math.max(1, Long.parseLong(m.group(1))));
            }
        }
        return size;
    }

    private static Set<String> select(String select) {
        if (select == null || select.isBlank()) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String s : select.split(",")) {
            out.add(s.trim());
        }
        return out;
    }

    private static ObjectNode project(Entry entry, Set<String> select, boolean bodyAllowed) {
        ObjectNode out = Json.object();
        out.put("@odata.type", "#microsoft.graph.message");
        if (entry.removed()) {
            out.put("id", entry.message().path("id").asText());
            out.putObject("@removed").put("reason", "deleted");
            return out;
        }
        ObjectNode message = entry.message();
        out.put("@odata.etag", "W/\"CQAAABYAAAA" + Long.toString(entry.sequence(), 36) + "\"");
        var fields = message.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            String name = f.getKey();
            boolean wanted = select.isEmpty() ? !name.equals("internetMessageHeaders") : select.contains(name) || name.equals("id");
            if (!wanted || !bodyAllowed && BODY_FIELDS.contains(name)) {
                continue;
            }
            out.set(name, f.getValue().deepCopy());
        }
        return out;
    }

    private String link(RoutingContext rc, String tokenName, String token) {
        String path = rc.request().path().substring("/graph.microsoft.com".length());
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        String base = ctx.baseUrl() + "/graph.microsoft.com" + path;
        return tokenName == null ? base : base + "?" + tokenName + "=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private static String decodePath(String segment) {
        return java.net.URLDecoder.decode(segment, StandardCharsets.UTF_8).replaceAll("^\\('?|'?\\)$", "");
    }

    private static void accessDenied(RoutingContext rc) {
        Responses.json(rc, 403, MicrosoftErrors.graph("ErrorAccessDenied", "Access is denied. Check credentials and try again."));
    }

    private void record(Caller caller, boolean throttled) {
        ctx.stats().record(caller.user().upn(), "graph.mail.delta", 0, throttled);
    }
}

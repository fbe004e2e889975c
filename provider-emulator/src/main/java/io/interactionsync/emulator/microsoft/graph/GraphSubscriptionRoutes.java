package io.interactionsync.emulator.microsoft.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.MicrosoftErrors;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.microsoft.graph.GraphAccess.Caller;
import io.interactionsync.emulator.microsoft.identity.MicrosoftScopes;
import io.interactionsync.emulator.push.Deliverer;
import io.interactionsync.emulator.push.GraphPush.Subscription;
import io.interactionsync.emulator.push.PushService;
import io.interactionsync.emulator.store.GraphMailbox;
import io.interactionsync.emulator.store.MicrosoftUser;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Graph change-notification subscriptions ({@code /v1.0/subscriptions}): create with the validation handshake,
 * list, get, renew (PATCH), delete, reauthorize. Resources: a mailbox's messages ({@code me/messages},
 * {@code users/{id|upn}/messages}), one folder's ({@code …/mailFolders('{id}')/messages}), a calendar's events
 * ({@code me/events}, {@code users/{id|upn}/events}); another user's or a shared mailbox needs a {@code .Shared}
 * scope and FullAccess. The notifications themselves are {@link GraphPush}.
 */
final class GraphSubscriptionRoutes {

    private static final Pattern RESOURCE = Pattern.compile("/?(?<owner>me|users/[^/]+)/(?:(?<events>(?:calendar/)?events)"
            + "|(?:mailfolders(?:\\('(?<quoted>[^']*)'\\)|/(?<plain>[^/]+))/)?messages)", Pattern.CASE_INSENSITIVE);
    private static final Set<String> CHANGE_TYPES = Set.of("created", "updated", "deleted");
    private static final Set<String> TLS_VERSIONS = Set.of("v1_0", "v1_1", "v1_2", "v1_3");
    private static final int MAX_CLIENT_STATE = 128;
    private static final int MAX_PER_MAILBOX = 1_000;
    private static final long VALIDATION_TIMEOUT_MS = 10_000;
    private static final String CONTEXT = "https://graph.microsoft.com/v1.0/$metadata#subscriptions";

    private final GraphAccess access;
    private final EmulatorContext ctx;

    GraphSubscriptionRoutes(GraphAccess access) {
        this.access = access;
        this.ctx = access.context();
    }

    void register(Router router) {
        router.post("/v1.0/subscriptions").handler(this::create);
        router.get("/v1.0/subscriptions").handler(this::list);
        router.get("/v1.0/subscriptions/:id").handler(rc -> withOwn(rc, "graph.subscriptions.get",
                s -> Responses.json(rc, 200, entity(s))));
        router.patch("/v1.0/subscriptions/:id").handler(rc -> withOwn(rc, "graph.subscriptions.update", s -> update(rc, s)));
        router.delete("/v1.0/subscriptions/:id").handler(rc -> withOwn(rc, "graph.subscriptions.delete", s -> {
            push().graph().remove(s.id());
            Responses.noContent(rc);
        }));
        // Graph answers 204 No Content (subscription: reauthorize).
        router.post("/v1.0/subscriptions/:id/reauthorize").handler(rc -> withOwn(rc, "graph.subscriptions.reauthorize", s -> {
            push().graph().reauthorize(s);
            Responses.noContent(rc);
        }));
    }

    private PushService push() {
        return ctx.push();
    }

    /** The mailbox or calendar a resource path names, resolved for the caller. */
    private record Target(String address, String ownerId, String folderId, boolean events) {
    }

    /** A rejected request: status and Graph error body. */
    private static final class Rejected extends RuntimeException {
        final int status;
        final transient ObjectNode body;

        Rejected(int status, ObjectNode body) {
            super(null, null, false, false);
            this.status = status;
            this.body = body;
        }
    }

    private static Rejected invalid(String message) {
        return new Rejected(400, MicrosoftErrors.graph("InvalidRequest", message));
    }

    /** Exchange-side failures reach the caller wrapped, as Graph reports them. */
    private static Rejected extension(int status, String statusName, String reason) {
        return new Rejected(status, MicrosoftErrors.graph("ExtensionError",
                "Operation: Create; Exception: [Status Code: " + statusName + "; Reason: " + reason + "]"));
    }

    // ---------------------------------------------------------------- create

    private void create(RoutingContext rc) {
        Optional<Caller> found = access.authenticate(rc);
        if (found.isEmpty()) {
            return;
        }
        Caller caller = found.get();
        ctx.stats().record(caller.user().upn(), "graph.subscriptions.create", 0, false);
        Subscription subscription;
        try {
            JsonNode body = body(rc);
            for (String required : new String[] {"changeType", "notificationUrl", "resource", "expirationDateTime"}) {
                if (!body.path(required).isTextual() || body.get(required).asText().isBlank()) {
                    throw invalid(required + " is a required property for subscription creation.");
                }
            }
            String changeType = body.get("changeType").asText();
            Set<String> changeTypes = changeTypes(changeType);
            String notificationUrl = url(body, "notificationUrl");
            String lifecycleUrl = body.hasNonNull("lifecycleNotificationUrl") ? url(body, "lifecycleNotificationUrl") : null;
            String clientState = body.hasNonNull("clientState") ? body.get("clientState").asText() : null;
            if (clientState != null && clientState.length() > MAX_CLIENT_STATE) {
                throw invalid("clientState can be at most " + MAX_CLIENT_STATE + " characters long.");
            }
            if (body.path("includeResourceData").asBoolean(false)) {
                throw invalid("includeResourceData is not supported by the emulator (notifications carry ids only).");
            }
            String tls = body.hasNonNull("latestSupportedTlsVersion") ? body.get("latestSupportedTlsVersion").asText() : "v1_2";
            if (!TLS_VERSIONS.contains(tls)) {
                throw invalid("Invalid latestSupportedTlsVersion: " + tls);
            }
            Instant expiration = expiration(body.get("expirationDateTime").asText());
            String resource = body.get("resource").asText();
            Target target = target(caller, resource);
            if (push().graph().countOnMailbox(target.address()) >= MAX_PER_MAILBOX) {
                throw extension(403, "Forbidden", "Number of subscriptions on item has exceeded limit");
            }
            subscription = new Subscription(UUID.randomUUID().toString(), resource, changeType, changeTypes,
                    notificationUrl, lifecycleUrl, clientState, expiration, caller.access().clientId(), caller.user().id(),
                    caller.user().upn(), caller.user().tenantId(), target.address(), target.ownerId(), target.folderId(),
                    target.events(), GraphAccess.prefersImmutableIds(rc), tls);
        } catch (Rejected r) {
            Responses.json(rc, r.status, r.body);
            return;
        }
        Subscription created = subscription;
        Future<Void> handshake = validate(created.notificationUrl());
        if (created.lifecycleNotificationUrl() != null) {
            handshake = handshake.compose(v -> validate(created.lifecycleNotificationUrl()));
        }
        handshake.onComplete(done -> {
            if (done.failed()) {
                Responses.json(rc, 400, MicrosoftErrors.graph("ValidationError", done.cause().getMessage()));
                return;
            }
            push().graph().add(created);
            Responses.json(rc, 201, entity(created));
        });
    }

    private static Set<String> changeTypes(String changeType) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : changeType.split(",")) {
            String type = t.trim();
            if (!CHANGE_TYPES.contains(type)) {
                throw invalid("Invalid changeType '" + type + "': use created, updated, deleted (comma-separated).");
            }
            out.add(type);
        }
        return out;
    }

    private static String url(JsonNode body, String field) {
        String value = body.get(field).asText();
        if (Deliverer.isHttpUrl(value)) {
            return value;
        }
        throw invalid("Invalid " + field + ": '" + value + "' is not an absolute https URL.");
    }

    /** Parses and checks an expirationDateTime: in the future, at most {@code graphSubscriptionMaxMinutes} ahead. */
    private Instant expiration(String text) {
        Instant value;
        try {
            value = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                value = LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw invalid("Invalid expirationDateTime: " + text);
            }
        }
        Instant now = Instant.now();
        long maxMinutes = ctx.config().get().graphSubscriptionMaxMinutes();
        if (!value.isAfter(now)) {
            throw invalid("Subscription expiration date time must be in the future.");
        }
        if (value.isAfter(now.plusSeconds(maxMinutes * 60))) {
            throw new Rejected(400, MicrosoftErrors.graph("ExtensionError",
                    "Subscription expiration can only be " + maxMinutes + " minutes in the future."));
        }
        return value;
    }

    /** Resolves a resource path for the caller: the mailbox (and folder) or calendar, with the access check. */
    private Target target(Caller caller, String resource) {
        Matcher m = RESOURCE.matcher(resource.trim());
        if (!m.matches()) {
            throw invalid("Resource '" + resource + "' is not supported: use me/messages, users/{id}/messages,"
                    + " me/mailFolders('{id}')/messages or me/events.");
        }
        String owner = m.group("owner");
        String address = owner.equalsIgnoreCase("me") ? caller.user().upn() : GraphAccess.decodePath(owner.substring(6));
        boolean self = address.equalsIgnoreCase(caller.user().upn()) || address.equalsIgnoreCase(caller.user().id());
        Optional<MicrosoftUser> user = self ? Optional.of(caller.user()) : ctx.store().microsoftUser(address);
        Optional<GraphMailbox> shared = user.isPresent() ? Optional.empty() : ctx.store().sharedMailbox(address);
        if (user.isEmpty() && shared.isEmpty()) {
            throw extension(404, "NotFound", "The requested user '" + address + "' is invalid.");
        }
        boolean events = m.group("events") != null;
        String key = user.map(MicrosoftUser::upn).orElse(address.toLowerCase(Locale.ROOT));
        Set<String> own = events ? MicrosoftScopes.CALENDAR_OWN : MicrosoftScopes.MAIL_OWN;
        Set<String> others = events ? MicrosoftScopes.CALENDAR_SHARED : MicrosoftScopes.MAIL_SHARED;
        if (self ? !caller.has(own) : !caller.has(others) || !caller.user().hasFullAccessTo(key)) {
            throw extension(403, "Forbidden", "Access is denied. Check credentials and try again.");
        }
        // Graph names a mailbox by its owner's object id; a shared mailbox's id derives from its address here.
        String ownerId = user.map(MicrosoftUser::id).orElse(MicrosoftUser.defaultId(key));
        if (events) {
            if (user.isEmpty()) {
                throw extension(404, "NotFound", "Shared mailbox calendars are not implemented by the emulator.");
            }
            return new Target(key, ownerId, null, true);
        }
        String folder = m.group("quoted") != null ? m.group("quoted") : m.group("plain");
        String folderId = null;
        if (folder != null) {
            GraphMailbox mailbox = user.map(MicrosoftUser::mailbox).orElseGet(shared::get);
            folderId = mailbox.folder(GraphAccess.decodePath(folder)).map(GraphMailbox.Folder::id)
                    .orElseThrow(() -> extension(404, "NotFound", "The specified object was not found in the store."));
        }
        return new Target(key, ownerId, folderId, false);
    }

    /**
     * The validation handshake: {@code POST url?validationToken=…} (text/plain); the endpoint must answer 200 with
     * the token as its body within 10 s. Fails with Graph's message otherwise.
     */
    private Future<Void> validate(String url) {
        String token = "Validation: Testing client application reachability for subscription Request-Id: " + UUID.randomUUID();
        String target = url + (url.contains("?") ? "&" : "?") + "validationToken="
                + URLEncoder.encode(token, StandardCharsets.UTF_8).replace("+", "%20");
        return push().validate(target, VALIDATION_TIMEOUT_MS).transform(done -> {
            if (done.failed()) {
                return Future.failedFuture(new IllegalStateException(done.cause() instanceof TimeoutException
                        || String.valueOf(done.cause().getMessage()).toLowerCase(Locale.ROOT).contains("timeout")
                        ? "Subscription validation request timed out."
                        : "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request."));
            }
            if (done.result().status() != 200) {
                return Future.failedFuture(new IllegalStateException("Subscription validation request failed. HTTP status code is '"
                        + statusName(done.result().status()) + "'. Notification endpoint must respond with 200 OK to validation request."));
            }
            if (!token.equals(done.result().body())) {
                push().validationFailed();
                return Future.failedFuture(new IllegalStateException(
                        "Subscription validation request failed. Response must exactly match validationToken query parameter."));
            }
            return Future.succeededFuture();
        });
    }

    /** .NET's HttpStatusCode names, as Graph's message shows them. */
    private static String statusName(int status) {
        return switch (status) {
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "NoContent";
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 500 -> "InternalServerError";
            case 502 -> "BadGateway";
            case 503 -> "ServiceUnavailable";
            case 504 -> "GatewayTimeout";
            default -> Integer.toString(status);
        };
    }

    // ---------------------------------------------------------------- list, get, update, delete, reauthorize

    private void list(RoutingContext rc) {
        Optional<Caller> found = access.authenticate(rc);
        if (found.isEmpty()) {
            return;
        }
        Caller caller = found.get();
        ctx.stats().record(caller.user().upn(), "graph.subscriptions.list", 0, false);
        ArrayNode value = Json.array();
        push().graph().list(s -> owns(caller, s)).forEach(s -> value.add(s.toJson()));
        ObjectNode out = Json.object().put("@odata.context", CONTEXT);
        out.set("value", value);
        Responses.json(rc, 200, out);
    }

    /** Authenticates and finds the caller's live subscription {@code :id}; 404 ResourceNotFound otherwise. */
    private void withOwn(RoutingContext rc, String method, java.util.function.Consumer<Subscription> handler) {
        Optional<Caller> found = access.authenticate(rc);
        if (found.isEmpty()) {
            return;
        }
        Caller caller = found.get();
        ctx.stats().record(caller.user().upn(), method, 0, false);
        Optional<Subscription> subscription = push().graph().get(rc.pathParam("id")).filter(s -> owns(caller, s));
        if (subscription.isEmpty()) {
            Responses.json(rc, 404, MicrosoftErrors.graph("ResourceNotFound", "The object was not found."));
            return;
        }
        handler.accept(subscription.get());
    }

    private static boolean owns(Caller caller, Subscription s) {
        return s.creatorId().equals(caller.user().id()) && s.applicationId().equals(caller.access().clientId());
    }

    /** {@code {expirationDateTime, notificationUrl?}}: renews (and reauthorizes); a new URL is validated first. */
    private void update(RoutingContext rc, Subscription s) {
        Instant expiration;
        String notificationUrl;
        try {
            JsonNode body = body(rc);
            if (!body.hasNonNull("expirationDateTime") && !body.hasNonNull("notificationUrl")) {
                throw invalid("expirationDateTime is required to update a subscription.");
            }
            expiration = body.hasNonNull("expirationDateTime") ? expiration(body.get("expirationDateTime").asText())
                    : s.expiration();
            notificationUrl = body.hasNonNull("notificationUrl") ? url(body, "notificationUrl") : null;
        } catch (Rejected r) {
            Responses.json(rc, r.status, r.body);
            return;
        }
        Future<Void> handshake = notificationUrl == null ? Future.succeededFuture() : validate(notificationUrl);
        handshake.onComplete(done -> {
            if (done.failed()) {
                Responses.json(rc, 400, MicrosoftErrors.graph("ValidationError", done.cause().getMessage()));
                return;
            }
            push().graph().renew(s, expiration, notificationUrl);
            Responses.json(rc, 200, entity(s));
        });
    }

    private static ObjectNode entity(Subscription s) {
        ObjectNode out = Json.object().put("@odata.context", CONTEXT + "/$entity");
        out.setAll(s.toJson());
        return out;
    }

    private static JsonNode body(RoutingContext rc) {
        try {
            JsonNode body = rc.body() == null || rc.body().length() == 0 ? null : Json.mapper().readTree(rc.body().asString());
            if (body != null && body.isObject()) {
                return body;
            }
        } catch (java.io.IOException e) {
            // answered below
        }
        throw new Rejected(400, MicrosoftErrors.graph("BadRequest",
                "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."));
    }
}

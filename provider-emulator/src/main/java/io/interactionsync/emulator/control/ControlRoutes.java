package io.interactionsync.emulator.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.generate.DataGenerator;
import io.interactionsync.emulator.generate.GenerateRequest;
import io.interactionsync.emulator.http.BadRequestException;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.push.PushRoutes;
import io.interactionsync.emulator.store.CalendarEvents;
import io.interactionsync.emulator.store.GmailMessage;
import io.interactionsync.emulator.store.GoogleUser;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** The control API under {@code /_emulator} (SPEC §3.6): load data, configure, reset, inspect. JSON in and out. */
public final class ControlRoutes {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ControlRoutes.class);
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final EmulatorContext ctx;

    public ControlRoutes(EmulatorContext ctx) {
        this.ctx = ctx;
    }

    /** Mounted at {@code /_emulator}. */
    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.get("/health").handler(rc -> Responses.json(rc, 200, Json.object().put("status", "UP")));
        router.get("/config").handler(rc -> Responses.json(rc, 200, ctx.config().toJson()));
        router.put("/config").handler(rc -> {
            ctx.config().update(body(rc));
            Responses.json(rc, 200, ctx.config().toJson());
        });
        router.post("/reset").handler(rc -> {
            ctx.reset();
            Responses.noContent(rc);
        });
        router.get("/faults").handler(rc -> Responses.json(rc, 200, ctx.faults().toJson()));
        router.put("/faults").handler(rc -> {
            ctx.faults().replace(body(rc));
            Responses.json(rc, 200, ctx.faults().toJson());
        });
        router.delete("/faults").handler(rc -> {
            ctx.faults().clear();
            Responses.noContent(rc);
        });
        router.get("/stats").handler(rc -> {
            ObjectNode stats = ctx.stats().toJson();
            stats.set("gmailQuota", ctx.gmailQuota().toJson());
            Responses.json(rc, 200, stats);
        });
        router.post("/revoke").handler(this::revokeUser);
        router.post("/generate").blockingHandler(this::generate, false);

        router.get("/google/users").handler(this::listGoogleUsers);
        router.put("/google/users/:email").blockingHandler(this::putGoogleUser, false);
        router.get("/google/users/:email").handler(rc -> withUser(rc, user -> Responses.json(rc, 200, summary(user))));
        router.post("/google/users/:email/messages").handler(this::addMessages);
        router.delete("/google/users/:email/messages/:id").handler(rc -> withUser(rc, user -> {
            if (!user.mailbox().delete(rc.pathParam("id"))) {
                throw new BadRequestException(404, "no message " + rc.pathParam("id") + " in " + user.email());
            }
            Responses.noContent(rc);
        }));
        router.post("/google/users/:email/messages/:id/labels").handler(rc -> withUser(rc, user -> {
            JsonNode body = body(rc);
            java.util.List<String> add = new java.util.ArrayList<>();
            java.util.List<String> remove = new java.util.ArrayList<>();
            body.path("add").forEach(l -> add.add(l.asText()));
            body.path("remove").forEach(l -> remove.add(l.asText()));
            labelsChanged(rc, user, user.mailbox().modifyLabels(rc.pathParam("id"), add, remove));
        }));
        router.post("/google/users/:email/messages/:id/trash").handler(rc -> withUser(rc, user ->
                labelsChanged(rc, user, user.mailbox().trash(rc.pathParam("id")))));
        router.post("/google/users/:email/messages/:id/untrash").handler(rc -> withUser(rc, user ->
                labelsChanged(rc, user, user.mailbox().untrash(rc.pathParam("id")))));
        router.post("/google/users/:email/events").handler(this::addEvents);
        router.delete("/google/users/:email/events/:id").handler(rc -> withUser(rc, user -> {
            if (!user.calendar().delete(rc.pathParam("id"))) {
                throw new BadRequestException(404, "no live event " + rc.pathParam("id") + " in " + user.email());
            }
            Responses.noContent(rc);
        }));
        router.post("/google/users/:email/expire-history").handler(rc -> withUser(rc, user -> {
            user.mailbox().expireHistory();
            Responses.json(rc, 200, Json.object().put("historyId", Long.toString(user.mailbox().historyId())));
        }));
        router.post("/google/users/:email/expire-sync-tokens").handler(rc -> withUser(rc, user -> {
            user.calendar().expireSyncTokens();
            Responses.noContent(rc);
        }));
        new MicrosoftControlRoutes(ctx).register(router);
        new IdpControlRoutes(ctx).register(router);
        new PushRoutes(ctx.push()).register(router);
        router.route().failureHandler(ControlRoutes::failure);
        return router;
    }

    /** Answers a label change with the message's ref and its labels now; 404 when the message is unknown. */
    private static void labelsChanged(RoutingContext rc, GoogleUser user, java.util.Optional<GmailMessage> result) {
        GmailMessage changed = result.orElseThrow(
                () -> new BadRequestException(404, "no message " + rc.pathParam("id") + " in " + user.email()));
        Responses.json(rc, 200, ref(changed).set("labelIds", Json.mapper().valueToTree(changed.labelIds())));
    }

    static void failure(RoutingContext rc) {
        Throwable failure = rc.failure();
        if (failure instanceof BadRequestException bad) {
            Responses.json(rc, bad.status(), Json.object().put("error", bad.status() == 404 ? "not_found" : "bad_request")
                    .put("message", bad.getMessage()));
        } else if (rc.statusCode() > 0 && rc.statusCode() < 500 && failure == null) {
            Responses.json(rc, rc.statusCode(), Json.object().put("error", "bad_request")
                    .put("message", "request rejected with status " + rc.statusCode()));
        } else {
            Responses.json(rc, 500, Json.object().put("error", "internal_error")
                    .put("message", failure == null ? "unknown error" : failure.toString()));
        }
    }

    private static JsonNode body(RoutingContext rc) {
        if (rc.body() == null || rc.body().length() == 0) {
            throw new BadRequestException("a JSON body is required");
        }
        return Json.parse(rc.body().asString());
    }

    private static String email(RoutingContext rc) {
        String email = rc.pathParam("email");
        if (email == null || !EMAIL.matcher(email).matches()) {
            throw new BadRequestException("not an email address: " + email);
        }
        return email;
    }

    private void withUser(RoutingContext rc, Consumer<GoogleUser> action) {
        String email = email(rc);
        GoogleUser user = ctx.store().googleUser(email)
                .orElseThrow(() -> new BadRequestException(404, "no Google user " + email + " (PUT it first)"));
        action.accept(user);
    }

    private void listGoogleUsers(RoutingContext rc) {
        ArrayNode users = Json.array();
        ctx.store().googleUsers().forEach(u -> users.add(summary(u)));
        Responses.json(rc, 200, Json.object().set("users", users));
    }

    private static ObjectNode summary(GoogleUser user) {
        ObjectNode out = Json.object();
        out.put("email", user.email());
        out.put("name", user.name());
        out.put("sub", user.sub());
        out.put("messages", user.mailbox().size());
        out.put("events", user.calendar().size());
        out.put("historyId", Long.toString(user.mailbox().historyId()));
        return out;
    }

    private void putGoogleUser(RoutingContext rc) {
        String email = email(rc);
        JsonNode body = body(rc);
        if (!body.isObject()) {
            throw new BadRequestException("body must be {name, messages[], events[]}");
        }
        for (String field : new String[] {"messages", "events"}) {
            if (body.has(field) && !body.get(field).isArray()) {
                throw new BadRequestException(field + " must be an array");
            }
        }
        // Parse everything first so that a bad message does not leave a half-loaded user behind.
        GoogleUser probe = GoogleUser.create(email, null, 0);
        body.path("messages").forEach(probe.mailbox()::upsert);
        body.path("events").forEach(probe.calendar()::upsert);
        GoogleUser user = ctx.store().putGoogleUser(email, body.path("name").asText(null));
        body.path("messages").forEach(user.mailbox()::upsert);
        body.path("events").forEach(user.calendar()::upsert);
        Responses.json(rc, 200, summary(user));
    }

    private void addMessages(RoutingContext rc) {
        withUser(rc, user -> {
            JsonNode body = body(rc);
            ArrayNode stored = Json.array();
            if (body.isArray()) {
                for (JsonNode m : body) {
                    GmailMessage.fromJson(m, "probe", 0, 0);
                }
                body.forEach(m -> stored.add(ref(user.mailbox().upsert(m))));
            } else {
                stored.add(ref(user.mailbox().upsert(body)));
            }
            Responses.json(rc, 200, Json.object().put("historyId", Long.toString(user.mailbox().historyId()))
                    .set("messages", stored));
        });
    }

    private static ObjectNode ref(GmailMessage m) {
        return m.toRef().put("historyId", Long.toString(m.historyId())).put("internalDate", Long.toString(m.internalDate()));
    }

    private void addEvents(RoutingContext rc) {
        withUser(rc, user -> {
            JsonNode body = body(rc);
            ArrayNode stored = Json.array();
            if (body.isArray()) {
                body.forEach(e -> stored.add(eventRef(user.calendar().upsert(e))));
            } else {
                stored.add(eventRef(user.calendar().upsert(body)));
            }
            Responses.json(rc, 200, Json.object().set("events", stored));
        });
    }

    private static ObjectNode eventRef(CalendarEvents.StoredEvent e) {
        return Json.object().put("id", e.resource().get("id").asText()).put("status", e.resource().path("status").asText());
    }

    private void revokeUser(RoutingContext rc) {
        JsonNode body = body(rc);
        String email = body.path("email").asText("");
        if (email.isBlank()) {
            throw new BadRequestException("body must be {\"email\": \"…\"}");
        }
        int revoked = ctx.googleTokens().revokeUser(email) + ctx.microsoftTokens().revokeUser(email);
        ObjectNode out = Json.object().put("email", email).put("revokedRefreshTokens", revoked);
        // A revoked grant also ends the provider's push for that user (Graph tells the app with subscriptionRemoved).
        out.set("pushStopped", ctx.push().revokeUser(email));
        Responses.json(rc, 200, out);
    }

    private void generate(RoutingContext rc) {
        JsonNode body = rc.body() == null || rc.body().length() == 0 ? Json.object() : body(rc);
        GenerateRequest request = GenerateRequest.from(body);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        ObjectNode result = new DataGenerator(request).loadInto(ctx.store());
        LOG.infof("generated %d Google users x %d messages / %d events in %d ms (%d ms CPU)", request.googleUsers(),
                request.messagesPerMailbox(), request.eventsPerCalendar(), (System.nanoTime() - wall) / 1_000_000,
                (threads.getCurrentThreadCpuTime() - cpu) / 1_000_000);
        Responses.json(rc, 200, result);
    }
}

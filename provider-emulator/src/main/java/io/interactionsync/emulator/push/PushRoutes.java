package io.interactionsync.emulator.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.http.BadRequestException;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Iterator;
import java.util.Set;

/**
 * The push half of the control API: {@code GET|PUT /push} (settings, counters, what is active),
 * {@code POST /push/lifecycle} (Graph lifecycle notifications on demand) and the Pub/Sub push subscriptions
 * ({@code PUT|GET|DELETE /pubsub/subscriptions[/{name}]}).
 */
public final class PushRoutes {

    private static final Set<String> LIFECYCLE_KEYS = Set.of("subscriptionId", "user", "lifecycleEvent");

    private final PushService push;

    public PushRoutes(PushService push) {
        this.push = push;
    }

    /** Registers on the router mounted at {@code /_emulator}. */
    public void register(Router router) {
        router.get("/push").handler(rc -> Responses.json(rc, 200, push.toJson()));
        router.put("/push").handler(rc -> {
            push.control().update(body(rc));
            Responses.json(rc, 200, push.toJson());
        });
        router.post("/push/lifecycle").handler(this::lifecycle);
        router.get("/pubsub/subscriptions").handler(rc ->
                Responses.json(rc, 200, Json.object().set("subscriptions", push.gmail().subscriptionsJson())));
        router.put("/pubsub/subscriptions/:name").handler(rc -> {
            String name = rc.pathParam("name");
            boolean created = push.gmail().putSubscription(name, body(rc));
            Responses.json(rc, created ? 201 : 200, push.gmail().subscriptionJson(name));
        });
        router.delete("/pubsub/subscriptions/:name").handler(rc -> {
            if (!push.gmail().deleteSubscription(rc.pathParam("name"))) {
                throw new BadRequestException(404, "no Pub/Sub subscription " + rc.pathParam("name"));
            }
            Responses.noContent(rc);
        });
    }

    /** {@code {subscriptionId?, user?, lifecycleEvent}} → {@code {lifecycleEvent, notified, skipped, removed}}. */
    private void lifecycle(RoutingContext rc) {
        JsonNode body = body(rc);
        if (!body.isObject()) {
            throw new BadRequestException("body must be {subscriptionId?, user?, lifecycleEvent}");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!LIFECYCLE_KEYS.contains(key)) {
                throw new BadRequestException("unknown field: " + key + " (known: subscriptionId, user, lifecycleEvent)");
            }
        }
        String event = body.path("lifecycleEvent").asText("");
        if (!GraphPush.LIFECYCLE_EVENTS.contains(event)) {
            throw new BadRequestException("lifecycleEvent must be reauthorizationRequired, subscriptionRemoved or missed");
        }
        String id = body.hasNonNull("subscriptionId") ? body.get("subscriptionId").asText() : null;
        String user = body.hasNonNull("user") ? body.get("user").asText() : null;
        if (id != null && push.graph().get(id).isEmpty()) {
            throw new BadRequestException(404, "no live Graph subscription " + id);
        }
        GraphPush.LifecycleResult result = push.graph().lifecycle(id, user, event);
        ObjectNode out = Json.object().put("lifecycleEvent", event);
        out.set("notified", strings(result.notified()));
        out.set("skipped", strings(result.skipped()));
        out.set("removed", strings(result.removed()));
        Responses.json(rc, 200, out);
    }

    private static ArrayNode strings(java.util.List<String> values) {
        ArrayNode out = Json.array();
        values.forEach(out::add);
        return out;
    }

    private static JsonNode body(RoutingContext rc) {
        if (rc.body() == null || rc.body().length() == 0) {
            throw new BadRequestException("a JSON body is required");
        }
        return Json.parse(rc.body().asString());
    }
}

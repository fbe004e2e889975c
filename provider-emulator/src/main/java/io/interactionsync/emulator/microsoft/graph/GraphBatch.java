package io.interactionsync.emulator.microsoft.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.MicrosoftErrors;
import io.interactionsync.emulator.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Graph JSON batching ({@code POST /v1.0/$batch}, at most 20 requests). Each request is replayed against the
 * emulator with the batch's Authorization, so inner requests are authorised and throttled separately (a 429
 * inside a 200). {@code dependsOn} is not supported: requests run in order, one after the other.
 */
final class GraphBatch {

    static final int MAX_REQUESTS = 20;

    private final EmulatorContext ctx;
    private final HttpClient client;

    GraphBatch(EmulatorContext ctx, Vertx vertx) {
        this.ctx = ctx;
        this.client = vertx.createHttpClient();
    }

    void handle(RoutingContext rc) {
        JsonNode body;
        try {
            body = Json.mapper().readTree(rc.body() == null ? "" : rc.body().asString());
        } catch (java.io.IOException e) {
            body = null;
        }
        if (body == null || !body.path("requests").isArray()) {
            Responses.json(rc, 400, MicrosoftErrors.graph("BadRequest", "Invalid batch payload format."));
            return;
        }
        ArrayNode requests = (ArrayNode) body.get("requests");
        if (requests.size() > MAX_REQUESTS) {
            Responses.json(rc, 400, MicrosoftErrors.graph("BadRequest",
                    "Number of batch request steps exceeds the maximum of " + MAX_REQUESTS + "."));
            return;
        }
        String auth = rc.request().getHeader("Authorization");
        // The batch round trip itself (its steps are counted as the requests they replay).
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.microsoftTokens().access(auth.substring(7).trim())
                    .ifPresent(a -> ctx.stats().record(a.upn(), "graph.$batch", 0, false));
        }
        List<ObjectNode> responses = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (JsonNode request : requests) {
            chain = chain.compose(v -> execute(request, auth).map(r -> {
                responses.add(r);
                return null;
            }));
        }
        chain.onComplete(done -> {
            ObjectNode out = Json.object();
            ArrayNode array = out.putArray("responses");
            responses.forEach(array::add);
            Responses.json(rc, 200, out);
        });
    }

    private Future<ObjectNode> execute(JsonNode request, String auth) {
        String id = request.path("id").asText();
        String url = request.path("url").asText("");
        String method = request.path("method").asText("GET").toUpperCase();
        if (url.startsWith("http")) {
            int v1 = url.indexOf("/v1.0/");
            url = v1 < 0 ? url : url.substring(v1 + 5);
        }
        String path = "/graph.microsoft.com/v1.0" + (url.startsWith("/") ? url : "/" + url);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(method)).setHost("127.0.0.1")
                .setPort(ctx.localPort()).setURI(path);
        return client.request(options).compose(r -> {
            if (auth != null) {
                r.putHeader("Authorization", auth);
            }
            request.path("headers").fields().forEachRemaining(h -> r.putHeader(h.getKey(), h.getValue().asText()));
            return request.has("body") ? r.send(Buffer.buffer(request.get("body").toString())) : r.send();
        }).compose(response -> response.body().map(buffer -> {
            ObjectNode out = Json.object();
            out.put("id", id);
            out.put("status", response.statusCode());
            ObjectNode headers = out.putObject("headers");
            response.headers().forEach(h -> {
                if (h.getKey().equalsIgnoreCase("Content-Type") || h.getKey().equalsIgnoreCase("Retry-After")
                        || h.getKey().equalsIgnoreCase("Location")) {
                    headers.put(h.getKey(), h.getValue());
                }
            });
            String text = buffer.toString(StandardCharsets.UTF_8);
            try {
                out.set("body", text.isEmpty() ? Json.object() : Json.mapper().readTree(text));
            } catch (java.io.IOException e) {
                out.put("body", text);
            }
            return out;
        })).recover(failure -> Future.succeededFuture(Json.object().put("id", id).put("status", 500)
                .set("body", MicrosoftErrors.graph("InternalServerError", "batch step failed"))));
    }
}

package io.interactionsync.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.interactionsync.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connector's data-key API as a small HTTP server of its own in the test JVM (one per JVM, like the broker), for
 * a service that does not serve the fake connector itself — the normalizer, whose own {@code /internal/v1/accounts}
 * would collide with test-support's fakes. Same API and store as {@link FakeDataKeyResource}, plus test controls:
 * {@code DELETE /_test/data-keys?owner=} erases a key (a purge at the connector), {@code PUT /_test/unavailable?on=}
 * makes the key API answer 503, {@code GET /_test/stats} → {@code {reads, requests, lastAuthorization}}. Tests use the static
 * helpers, which talk HTTP: Quarkus may load this class in more than one class loader.
 */
public final class DataKeyServer {

    static final String PROPERTY = "interactionsync.test.data-key-server";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static volatile boolean unavailable;
    private static final AtomicInteger READS = new AtomicInteger();
    private static final AtomicInteger REQUESTS = new AtomicInteger();
    private static volatile String lastAuthorization;

    private DataKeyServer() {
    }

    /** A data key as the connector hands it out: id and the 32 key bytes. */
    public record Issued(String kid, byte[] key) {
    }

    /** The server's base URL, starting it on first use. */
    public static String url() {
        return JvmSingletons.getOrStart(PROPERTY, DataKeyServer::start);
    }

    private static String start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/internal/v1/data-keys", DataKeyServer::keys);
            server.createContext("/_test/", DataKeyServer::control);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "data-key-server-shutdown"));
            return "http://127.0.0.1:" + server.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keys(HttpExchange x) throws IOException {
        try (x) {
            lastAuthorization = x.getRequestHeaders().getFirst("Authorization");
            REQUESTS.incrementAndGet();
            if (unavailable) {
                send(x, 503, problem(503, "unavailable", "the connector is down (test)"));
                return;
            }
            String path = x.getRequestURI().getPath();
            if ("POST".equals(x.getRequestMethod()) && path.equals("/internal/v1/data-keys")) {
                JsonNode body = Json.mapper().readTree(x.getRequestBody());
                String owner = body == null ? null : body.path("owner").asText(null);
                DataKeyStore.Entry e = owner == null ? null : DataKeyStore.issue(owner);
                send(x, e == null ? 410 : 200, e == null ? problem(410, "erased", "this data was erased")
                        : Map.of("kid", e.kid(), "key", e.keyBase64()));
            } else if ("GET".equals(x.getRequestMethod()) && path.startsWith("/internal/v1/data-keys/")) {
                READS.incrementAndGet();
                DataKeyStore.Entry e = DataKeyStore.read(path.substring("/internal/v1/data-keys/".length()));
                if (e == null) {
                    send(x, 404, problem(404, "data_key_not_found", "no such data key"));
                } else if (e.erased()) {
                    send(x, 410, problem(410, "erased", "this data was erased"));
                } else {
                    send(x, 200, Map.of("kid", e.kid(), "owner", e.owner(), "key", e.keyBase64()));
                }
            } else {
                send(x, 404, problem(404, "not_found", "no such endpoint"));
            }
        }
    }

    private static void control(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            Map<String, String> query = query(x.getRequestURI().getRawQuery());
            if ("DELETE".equals(x.getRequestMethod()) && path.equals("/_test/data-keys")) {
                DataKeyStore.erase(query.get("owner"));
                send(x, 200, Map.of("erased", query.get("owner")));
            } else if ("PUT".equals(x.getRequestMethod()) && path.equals("/_test/unavailable")) {
                unavailable = Boolean.parseBoolean(query.get("on"));
                send(x, 200, Map.of("unavailable", unavailable));
            } else if ("GET".equals(x.getRequestMethod()) && path.equals("/_test/stats")) {
                Map<String, Object> stats = new LinkedHashMap<>();
                stats.put("reads", READS.get());
                stats.put("requests", REQUESTS.get());
                stats.put("lastAuthorization", lastAuthorization == null ? "" : lastAuthorization);
                send(x, 200, stats);
            } else {
                send(x, 404, problem(404, "not_found", "no such endpoint"));
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static Map<String, Object> problem(int status, String code, String detail) {
        return Map.of("type", "about:blank", "title", code, "status", status, "code", code, "detail", detail);
    }

    private static void send(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = Json.mapper().writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ---- helpers for tests (HTTP, so they reach the one server whichever class loader started it) ----

    /** The owner's key (created on first use), as a sync service would get it; null when erased. */
    public static Issued issue(String owner) {
        JsonNode r = call("POST", "/internal/v1/data-keys", Map.of("owner", owner));
        return r.has("key") ? new Issued(r.get("kid").asText(), Base64.getDecoder().decode(r.get("key").asText())) : null;
    }

    /** Destroys the owner's key, as the connector does on purge. */
    public static void erase(String owner) {
        call("DELETE", "/_test/data-keys?owner=" + URLEncoder.encode(owner, StandardCharsets.UTF_8), null);
    }

    /** While on, the key API answers 503 (the connector is down). */
    public static void unavailable(boolean on) {
        call("PUT", "/_test/unavailable?on=" + on, null);
    }

    /** How many keys were read by id so far. */
    public static int reads() {
        return call("GET", "/_test/stats", null).get("reads").asInt();
    }

    /** How many key API requests arrived so far (answered or refused). */
    public static int requests() {
        return call("GET", "/_test/stats", null).get("requests").asInt();
    }

    /** The Authorization header of the last key API request ("" if none). */
    public static String lastAuthorization() {
        return call("GET", "/_test/stats", null).get("lastAuthorization").asText();
    }

    private static JsonNode call(String method, String path, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", "application/json");
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body)));
            HttpResponse<byte[]> response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

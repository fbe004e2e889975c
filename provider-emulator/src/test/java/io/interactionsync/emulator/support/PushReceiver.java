package io.interactionsync.emulator.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * A small HTTP server standing in for a push receiver: records every request and answers 202 (or the statuses
 * queued with {@link #answer}); a Graph validation request ({@code ?validationToken=…}) is answered 200 with the
 * token, or with what {@link #echo} makes of it.
 */
public final class PushReceiver implements AutoCloseable {

    /** A request as received; header names in lower case. */
    public record Received(String method, String path, Map<String, String> query, Map<String, String> headers,
            String body, long atMillis) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public boolean validation() {
            return query.containsKey("validationToken");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Integer> statuses = new ConcurrentLinkedDeque<>();
    private volatile UnaryOperator<String> echo = token -> token;
    private volatile int validationStatus = 200;

    private PushReceiver(HttpServer server) {
        this.server = server;
    }

    public static PushReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            PushReceiver receiver = new PushReceiver(server);
            server.createContext("/", receiver::handle);
            server.setExecutor(receiver.executor);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next notifications are answered with these statuses, in order (then 202 again). */
    public void answer(Integer... next) {
        statuses.addAll(List.of(next));
    }

    /** What a validation request is answered with: {@code status} and {@code echo.apply(token)} as the body. */
    public void echo(int status, UnaryOperator<String> body) {
        this.validationStatus = status;
        this.echo = body;
    }

    /** Every request so far. */
    public List<Received> all() {
        return List.copyOf(received);
    }

    /** Requests to {@code path} that are not validation requests. */
    public List<Received> notifications(String path) {
        return received.stream().filter(r -> r.path().equals(path) && !r.validation()).toList();
    }

    /** Validation requests to {@code path}. */
    public List<Received> validations(String path) {
        return received.stream().filter(r -> r.path().equals(path) && r.validation()).toList();
    }

    public void clear() {
        received.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long at = System.currentTimeMillis();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new java.util.HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        Map<String, String> query = new java.util.HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), query, headers,
                body, at);
        received.add(request);
        if (request.validation()) {
            byte[] answer = echo.apply(query.get("validationToken")).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(validationStatus, answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
            return;
        }
        Integer status = statuses.pollFirst();
        exchange.sendResponseHeaders(status == null ? 202 : status, -1);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Requests in arrival order, for assertions that print well. */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        received.forEach(r -> lines.add(r.method() + " " + r.path() + " " + r.query().keySet()));
        return String.join("\n", lines);
    }
}

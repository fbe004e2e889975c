package io.interactionsync.emulator.push;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Sends push notifications off the request thread: after {@code delayMs}, once or twice ({@code duplicate}), and
 * again with exponential backoff (100 ms doubling to 10 s, {@value #MAX_ATTEMPTS} attempts) while the receiver
 * answers non-2xx or cannot be reached. Bounded: Vert.x timers and one HTTP client whose connection pool queues per
 * target (at most {@value #POOL_SIZE} connections and {@value #WAIT_QUEUE} waiting requests per host); at most
 * {@value #MAX_OUTSTANDING} deliveries are pending at once, more are given up at once. {@link #reset()} drops
 * everything still pending (deliveries of before a reset never arrive).
 */
public final class Deliverer {

    private static final Logger LOG = Logger.getLogger(Deliverer.class);
    static final int MAX_ATTEMPTS = 10;
    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 10_000;
    private static final int POOL_SIZE = 8;
    private static final int WAIT_QUEUE = 1_000;
    private static final int MAX_OUTSTANDING = 50_000;
    /** The User-Agent Google's push senders (Calendar channels, Pub/Sub push) use. */
    static final String GOOGLE_AGENT = "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)";

    /** One POST to a receiver. {@code body} null = an empty body (Calendar's notifications carry only headers). */
    public record Request(PushKind kind, String url, Map<String, String> headers, String body, long timeoutMs) {
    }

    /** A receiver's answer. */
    public record Answer(int status, String body) {
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final PushControl control;
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicInteger outstanding = new AtomicInteger();

    Deliverer(Vertx vertx, PushControl control) {
        this.vertx = vertx;
        this.control = control;
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(POOL_SIZE)
                .setMaxWaitQueueSize(WAIT_QUEUE).setConnectTimeout(5_000).setKeepAlive(true));
    }

    /** Schedules a delivery (delay, duplication, retries); returns at once. */
    void deliver(Request request) {
        int copies = control.duplicate(request.kind()) ? 2 : 1;
        long delay = control.delayMs();
        int gen = generation.get();
        for (int i = 0; i < copies; i++) {
            if (outstanding.incrementAndGet() > MAX_OUTSTANDING) {
                outstanding.decrementAndGet();
                control.count(request.kind(), "givenUp");
                LOG.warnf("push: more than %d deliveries pending; one %s delivery given up", MAX_OUTSTANDING,
                        request.kind().key());
                continue;
            }
            later(delay, () -> attempt(request, 1, gen));
        }
    }

    private void later(long delayMs, Runnable action) {
        vertx.setTimer(Math.max(1, delayMs), id -> action.run());
    }

    private void attempt(Request request, int attempt, int gen) {
        if (gen != generation.get()) {
            outstanding.decrementAndGet();
            return;
        }
        send(request.url(), request.headers(), request.body(), request.timeoutMs()).onComplete(done -> {
            if (gen != generation.get()) {
                outstanding.decrementAndGet();
                return;
            }
            if (done.succeeded() && done.result().status() / 100 == 2) {
                control.count(request.kind(), "sent");
                outstanding.decrementAndGet();
                return;
            }
            control.count(request.kind(), "failedAttempts");
            if (attempt >= MAX_ATTEMPTS) {
                control.count(request.kind(), "givenUp");
                outstanding.decrementAndGet();
                LOG.debugf("push: %s delivery given up after %d attempts", request.kind().key(), attempt);
                return;
            }
            later(backoff(attempt), () -> attempt(request, attempt + 1, gen));
        });
    }

    /** The wait after failed attempt {@code attempt} (1-based): 100 ms, 200 ms, … up to 10 s. */
    static long backoff(int attempt) {
        return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(attempt - 1, 20));
    }

    /** One POST, no retries (the Graph validation handshake uses it directly). Fails on connection errors or timeout. */
    Future<Answer> send(String url, Map<String, String> headers, String body, long timeoutMs) {
        RequestOptions options;
        try {
            options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setTimeout(timeoutMs);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        headers.forEach(options::putHeader);
        return client.request(options)
                .compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body, StandardCharsets.UTF_8.name())))
                .compose(response -> response.body().map(b -> new Answer(response.statusCode(), b.toString(StandardCharsets.UTF_8))));
    }

    /** An absolute http(s) URL with a host: what the emulator can deliver to (the real providers demand https). */
    public static boolean isHttpUrl(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            return uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Forgets every pending delivery: they are dropped when their timer or request completes. */
    void reset() {
        generation.incrementAndGet();
    }
}

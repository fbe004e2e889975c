package io.interactionsync.emulator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * The provider emulator as an embeddable server. Tests start it in their own JVM on a free port
 * ({@code ProviderEmulator.start(0)}); the local stack runs {@link EmulatorMain} on port 8090.
 *
 * <p>Each real host is served under a path prefix named after it (SPEC §3.5), e.g.
 * {@code baseUrl() + "/gmail.googleapis.com/gmail/v1/users/me/messages"}.
 */
public final class ProviderEmulator implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;

    private ProviderEmulator(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** Starts on {@code port} (0 = any free port) bound to 127.0.0.1 and returns once listening. */
    public static ProviderEmulator start(int port) {
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        // Routes are added here by the emulator's API modules.
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(router)
                    .listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new ProviderEmulator(vertx, server);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("provider emulator could not listen on port " + port, e);
        }
    }

    public int port() {
        return server.actualPort();
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("provider emulator did not stop cleanly", e);
        }
    }
}

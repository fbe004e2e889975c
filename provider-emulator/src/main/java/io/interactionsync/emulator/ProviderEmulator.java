package io.interactionsync.emulator;

import io.interactionsync.emulator.control.ControlRoutes;
import io.interactionsync.emulator.faults.FaultInjector;
import io.interactionsync.emulator.google.calendar.CalendarRoutes;
import io.interactionsync.emulator.google.gmail.GmailRoutes;
import io.interactionsync.emulator.google.oauth.GoogleOAuthRoutes;
import io.interactionsync.emulator.http.BadRequestException;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.idp.IdpRoutes;
import io.interactionsync.emulator.microsoft.graph.GraphRoutes;
import io.interactionsync.emulator.microsoft.identity.MicrosoftIdentityRoutes;
import io.interactionsync.emulator.push.PushService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The provider emulator as an embeddable server. Tests start it in their own JVM on a free port
 * ({@code ProviderEmulator.start(0)}); the local stack runs {@link EmulatorMain} on port 8090.
 *
 * <p>Each real host is served under a path prefix named after it (SPEC §3.5), e.g.
 * {@code baseUrl() + "/gmail.googleapis.com/gmail/v1/users/me/messages"}.
 */
public final class ProviderEmulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProviderEmulator.class);
    private static final long MAX_BODY_BYTES = 256L * 1024 * 1024;

    private final Vertx vertx;
    private final HttpServer server;
    private final EmulatorContext context;

    private ProviderEmulator(Vertx vertx, HttpServer server, EmulatorContext context) {
        this.vertx = vertx;
        this.server = server;
        this.context = context;
    }

    /** Starts on {@code port} (0 = any free port) bound to 127.0.0.1 and returns once listening. */
    public static ProviderEmulator start(int port) {
        return start(port, "127.0.0.1", null);
    }

    /**
     * Starts on {@code host:port}; {@code publicBaseUrl} (null = {@code http://127.0.0.1:<port>}) is the URL the
     * emulator names itself by (IdP issuer, links).
     */
    public static ProviderEmulator start(int port, String host, String publicBaseUrl) {
        Vertx vertx = Vertx.vertx();
        EmulatorContext context = new EmulatorContext();
        Router router = routes(vertx, context);
        try {
            // Google's client libraries gzip request bodies (Content-Encoding: gzip); Google accepts them.
            HttpServer server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions()
                            .setDecompressionSupported(true)).requestHandler(router)
                    .listen(port, host).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            context.localPort(server.actualPort());
            context.baseUrl(publicBaseUrl != null ? stripSlash(publicBaseUrl) : "http://127.0.0.1:" + server.actualPort());
            LOG.infof("provider emulator listening on %s", context.baseUrl());
            return new ProviderEmulator(vertx, server, context);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("provider emulator could not listen on port " + port, e);
        }
    }

    private static Router routes(Vertx vertx, EmulatorContext context) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        FaultInjector faults = new FaultInjector(context, vertx);
        context.faults(faults);
        context.push(new PushService(context, vertx));
        router.route("/idp/*").handler(IdpRoutes::cors);
        router.route().handler(faults::handle);
        GoogleOAuthRoutes googleOAuth = new GoogleOAuthRoutes(context);
        router.route("/idp*").subRouter(new IdpRoutes(context).router(vertx));
        router.route("/accounts.google.com*").subRouter(googleOAuth.accountsRouter(vertx));
        router.route("/oauth2.googleapis.com*").subRouter(googleOAuth.tokenRouter(vertx));
        GmailRoutes gmail = new GmailRoutes(context, vertx);
        router.route("/gmail.googleapis.com*").subRouter(gmail.router(vertx));
        router.get("/www.googleapis.com/oauth2/v3/certs").handler(googleOAuth::certs);
        router.post("/www.googleapis.com/batch/gmail/v1").handler(gmail.batch()::handle);
        router.route("/www.googleapis.com/calendar/v3*").subRouter(new CalendarRoutes(context).router(vertx));
        router.route("/login.microsoftonline.com*").subRouter(new MicrosoftIdentityRoutes(context).router(vertx));
        router.route("/graph.microsoft.com*").subRouter(new GraphRoutes(context).router(vertx));
        router.route("/_emulator*").subRouter(new ControlRoutes(context).router(vertx));
        router.route().last().handler(rc -> Responses.json(rc, 404, Json.object().put("error", "not_found")
                .put("message", "the emulator serves no " + rc.request().method() + " " + rc.request().path())));
        router.route().failureHandler(rc -> {
            Throwable failure = rc.failure();
            if (failure instanceof BadRequestException bad) {
                Responses.json(rc, bad.status(), Json.object().put("error", "bad_request").put("message", bad.getMessage()));
                return;
            }
            int status = rc.statusCode() > 0 ? rc.statusCode() : 500;
            if (status >= 500) {
                LOG.errorf(failure, "emulator failure on %s %s", rc.request().method(), rc.request().path());
            }
            Responses.json(rc, status, Json.object().put("error", status >= 500 ? "internal_error" : "bad_request")
                    .put("message", failure == null ? "status " + status : failure.toString()));
        });
        return router;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public int port() {
        return server.actualPort();
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String baseUrl() {
        return context.baseUrl();
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

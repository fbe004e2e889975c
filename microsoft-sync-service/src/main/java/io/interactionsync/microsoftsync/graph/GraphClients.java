package io.interactionsync.microsoftsync.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.core.requests.options.GraphClientOption;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.authentication.AnonymousAuthenticationProvider;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.model.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * The official Graph SDK client, shared by all jobs: one OkHttp client with the SDK's default middleware minus its
 * retry handler (this service honours Retry-After per mailbox itself) and minus redirects (a redirect could carry
 * the token to another host). No authentication provider: each request carries the job's token, added by
 * {@link GraphGateway} only after the URL passed {@link GraphLinks}.
 */
@ApplicationScoped
public class GraphClients {

    private static final HashMap<String, ParsableFactory<? extends Parsable>> ERRORS = new HashMap<>();

    static {
        ERRORS.put("XXX", ODataError::createFromDiscriminatorValue);
    }

    /** Kiota middleware left out (by name: the OkHttp module is only a runtime dependency of the SDK). */
    private static final java.util.Set<String> DROPPED = java.util.Set.of(
            "com.microsoft.kiota.http.middleware.RetryHandler", "com.microsoft.kiota.http.middleware.RedirectHandler");

    private final OkHttpClient http;
    private final GraphServiceClient graph;
    private final GraphLinks links;

    public GraphClients(MicrosoftSyncConfig config) {
        Interceptor[] defaults = GraphClientFactory.createDefaultGraphInterceptors(new GraphClientOption());
        List<Interceptor> kept = Arrays.stream(defaults)
                .filter(i -> !DROPPED.contains(i.getClass().getName())).toList();
        this.http = GraphClientFactory.create(new GraphClientOption(), kept)
                .followRedirects(false).followSslRedirects(false)
                .connectTimeout(config.graph().connectTimeout())
                .readTimeout(config.graph().readTimeout())
                .build();
        this.links = new GraphLinks(config.graph().baseUrl());
        this.graph = client(links);
    }

    /** The SDK client against the configured base URL. */
    public GraphServiceClient graph() {
        return graph;
    }

    public GraphLinks links() {
        return links;
    }

    /** A client against another base URL (tests; a sovereign cloud), sharing the HTTP client. */
    public GraphServiceClient client(GraphLinks base) {
        GraphServiceClient client = new GraphServiceClient(new AnonymousAuthenticationProvider(), http);
        client.getRequestAdapter().setBaseUrl(base.baseUrl());
        return client;
    }

    /** Sends a prepared request through the SDK's adapter and reads the body as the API returned it. */
    public static JsonNode send(GraphServiceClient client, RequestInformation request) {
        return send(client, request, true);
    }

    /**
     * @param bodyExpected false for calls answered 204 (DELETE, reauthorize): no body reads as an empty object; else
     *                     a missing body is an I/O failure
     */
    public static JsonNode send(GraphServiceClient client, RequestInformation request, boolean bodyExpected) {
        try (InputStream in = client.getRequestAdapter().sendPrimitive(request, ERRORS, InputStream.class)) {
            if (in == null && !bodyExpected) {
                return Json.mapper().createObjectNode();
            }
            if (in == null) {
                throw new UncheckedIOException(new IOException("Graph answered without a body"));
            }
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

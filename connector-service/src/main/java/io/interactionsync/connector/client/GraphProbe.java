package io.interactionsync.connector.client;

import io.interactionsync.connector.config.ConnectorConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/** Probes a mailbox through Microsoft Graph with a delegated access token. */
@ApplicationScoped
public class GraphProbe {

    public enum Outcome { ALLOWED, ACCESS_DENIED, NOT_FOUND, TOKEN_REJECTED, UNAVAILABLE }

    private final GraphProbeApi api;

    public GraphProbe(ConnectorConfig config) {
        long timeout = config.microsoft().timeout().toMillis();
        this.api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.microsoft().graphUrl()))
                .connectTimeout(timeout, TimeUnit.MILLISECONDS)
                .readTimeout(timeout, TimeUnit.MILLISECONDS)
                .build(GraphProbeApi.class);
    }

    public Outcome probe(String address, String accessToken) {
        int status;
        try (Response response = api.inboxDelta(address, "id", "Bearer " + accessToken, "odata.maxpagesize=1")) {
            status = response.getStatus();
        } catch (WebApplicationException e) {
            status = e.getResponse().getStatus();
        } catch (ProcessingException e) {
            return Outcome.UNAVAILABLE;
        }
        if (status >= 200 && status < 300) {
            return Outcome.ALLOWED;
        }
        return switch (status) {
            case 401 -> Outcome.TOKEN_REJECTED;
            case 403 -> Outcome.ACCESS_DENIED;
            case 404 -> Outcome.NOT_FOUND;
            default -> Outcome.UNAVAILABLE;
        };
    }
}

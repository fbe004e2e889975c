package io.interactionsync.sync.audit;

import io.quarkus.oidc.client.filter.OidcClientFilter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The event-normalizer's internal API (raw client, rest client config key {@code normalizer}): which published
 * records it processed, never saw, or dead-lettered. Authenticated with this service's client-credentials JWT, like the connector's API.
 */
@RegisterRestClient(configKey = "normalizer")
@OidcClientFilter
@Path("/internal/v1/accounts")
public interface NormalizerRestClient {

    /** At most {@link IngestedClient#BATCH} ids per call. */
    @POST
    @Path("/{id}/ingested")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    IngestedResponse ingested(@PathParam("id") String accountId, IngestedRequest request);

    /** @param source the wire name ({@code gmail}, {@code outlook_mail}, …) */
    record IngestedRequest(String source, List<String> remoteIds) {
    }

    /**
     * @param missing      the ids the normalizer never saw for that account and source
     * @param deadLettered the ids whose record it dead-lettered and never processed since (null from a normalizer
     *                     that predates the field: none)
     */
    record IngestedResponse(int checked, List<String> missing, List<DeadLettered> deadLettered) {
    }

    /** An id the normalizer dead-lettered: the dead letter's code ({@code unparseable_payload}, …) and a short reason. */
    record DeadLettered(String remoteId, String code, String reason) {
    }
}

package io.interactionsync.normalizer.client;

import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The connector's data keys by id ({@code GET /internal/v1/data-keys/{kid}} → {@code {kid, owner, key}}; 410
 * {@code erased}, 404), with this service's client-credentials JWT ({@link OidcClientFilter}, client id
 * {@code event-normalizer}). Raw client: errors surface as {@code WebApplicationException}; {@code DataKeyCache} maps them.
 */
@RegisterRestClient(configKey = "connector")
@OidcClientFilter
@Path("/internal/v1/data-keys")
public interface DataKeyRestClient {

    @GET
    @Path("/{kid}")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<DataKeyResponse> key(@PathParam("kid") String kid);

    /** @param key 32 bytes, Base64 */
    record DataKeyResponse(String kid, String owner, String key) {
        @Override
        public String toString() {
            return "DataKeyResponse[" + kid + ", " + owner + ", key=***]";
        }
    }
}

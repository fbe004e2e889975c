package io.interactionsync.sync.connector;

import io.quarkus.oidc.client.filter.OidcClientFilter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The connector's internal data-key API (raw client; same configuration key and service JWT as
 * {@link ConnectorRestClient}). {@link DataKeyClient} maps its errors.
 */
@RegisterRestClient(configKey = "connector")
@OidcClientFilter
@Path("/internal/v1/data-keys")
public interface DataKeyRestClient {

    /** The owner's data key ({@code account:<id>} or {@code mailbox:<address>}), created by the connector on first use. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    DataKeyResponse dataKey(DataKeyRequest request);

    record DataKeyRequest(String owner) {
    }

    /** @param key 32 bytes, Base64 */
    record DataKeyResponse(String kid, String key) {
        @Override
        public String toString() {
            return "DataKeyResponse[kid=" + kid + ", key=***]";
        }
    }
}

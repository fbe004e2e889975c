package io.interactionsync.sync.connector;

import io.quarkus.oidc.client.filter.OidcClientFilter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The connector's internal API (raw client): access tokens and the data keys that seal raw records. Authenticated with
 * this service's client-credentials JWT from the portal IdP ({@link OidcClientFilter}). Errors surface as
 * {@code WebApplicationException}; {@link ConnectorClient} maps them.
 */
@RegisterRestClient(configKey = "connector")
@OidcClientFilter
@Path("/internal/v1")
public interface ConnectorRestClient {

    @POST
    @Path("/accounts/{id}/access-token")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    AccessTokenResponse accessToken(@PathParam("id") String accountId, AccessTokenRequest request);

    /** The owner's data key ({@code account:<id>} or {@code mailbox:<address>}), created by the connector on first use. */
    @POST
    @Path("/data-keys")
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

    /** @param rejectedAccessToken a token the provider answered 401 to (forces a refresh), or null */
    record AccessTokenRequest(String rejectedAccessToken) {
        @Override
        public String toString() {
            return "AccessTokenRequest[rejectedAccessToken=" + (rejectedAccessToken == null ? "null" : "***") + "]";
        }
    }

    record AccessTokenResponse(String accountId, String userId, String provider, String email, String accessToken,
                               java.time.Instant expiresAt, java.util.List<String> scopes) {
        @Override
        public String toString() {
            return "AccessTokenResponse[accountId=" + accountId + ", userId=" + userId + ", provider=" + provider
                    + ", email=" + email + ", accessToken=***, expiresAt=" + expiresAt + ", scopes=" + scopes + "]";
        }
    }
}

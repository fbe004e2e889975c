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
 * The connector's internal token API (raw client). Authenticated with this service's client-credentials
 * JWT from the portal IdP ({@link OidcClientFilter}). Errors surface as {@code WebApplicationException};
 * {@link ConnectorClient} maps them.
 */
@RegisterRestClient(configKey = "connector")
@OidcClientFilter
@Path("/internal/v1/accounts")
public interface ConnectorRestClient {

    @POST
    @Path("/{id}/access-token")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    AccessTokenResponse accessToken(@PathParam("id") String accountId, AccessTokenRequest request);

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

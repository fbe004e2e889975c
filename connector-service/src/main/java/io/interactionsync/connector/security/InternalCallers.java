package io.interactionsync.connector.security;

import io.interactionsync.connector.rest.problem.ApiException;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The one check every internal endpoint makes: the caller must be an allow-listed service client with the internal
 * audience ({@link ServiceClients}); then the endpoint asks the returned {@link ServiceCaller} for its own grant
 * ({@link ServiceCaller#requireProvider}, {@link ServiceCaller#requireDataKeyReader}). {@code /internal/**} is also
 * closed to every other bearer by an HTTP policy ({@link CallerPolicies}), so an endpoint that forgets this call is
 * still closed to users; the call is what gives it the caller's identity and grants.
 */
@RequestScoped
public class InternalCallers {

    private final JsonWebToken jwt;
    private final ServiceClients clients;

    public InternalCallers(JsonWebToken jwt, ServiceClients clients) {
        this.jwt = jwt;
        this.clients = clients;
    }

    /** The calling service client; 403 ({@code service_client_required} / {@code client_not_allowed}) otherwise. */
    public ServiceCaller require() {
        return switch (clients.classify(jwt)) {
            case ServiceClients.Caller.Service service -> service.caller();
            case ServiceClients.Caller.User user -> throw serviceClientRequired();
            case ServiceClients.Caller.RejectedClient rejected -> throw clientNotAllowed(rejected.reason());
        };
    }

    static ApiException serviceClientRequired() {
        return new ApiException(403, "service_client_required", "The internal API accepts only client-credentials "
                + "tokens of allow-listed service clients; user tokens are refused whatever their roles.");
    }

    static ApiException clientNotAllowed(String reason) {
        return new ApiException(403, "client_not_allowed", "This service token is not accepted: " + reason + ".");
    }
}

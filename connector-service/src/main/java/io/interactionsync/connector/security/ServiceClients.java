package io.interactionsync.connector.security;

import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.model.Provider;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who a validated portal-IdP JWT (signature, issuer, expiry already checked by smallrye-jwt) speaks for. A token
 * with a {@code client_id} claim is a client-credentials token: it is a {@link Caller.Service} only when
 * {@code sub} = {@code client_id} (and {@code azp}, when present), its {@code aud} holds the internal audience and
 * the client id is on the allow-list ({@code connector.internal.clients}); any other token with a
 * {@code client_id} is {@link Caller.RejectedClient}. A token without {@code client_id} is a portal
 * {@link Caller.User}, whatever roles it carries. Roles never make a service.
 */
@ApplicationScoped
public class ServiceClients {

    public static final String CLIENT_ID = "client_id";

    /** The kinds of bearer. */
    public sealed interface Caller {
        /** A portal user: may use {@code /api/**}, never {@code /internal/**}. */
        record User() implements Caller {
        }

        /** An allow-listed service client: may use {@code /internal/**} (within its grants), never {@code /api/**}. */
        record Service(ServiceCaller caller) implements Caller {
        }

        /** A client-credentials token that is not acceptable here; {@code reason} is safe to show. */
        record RejectedClient(String clientId, String reason) implements Caller {
        }
    }

    private final String audience;
    private final Map<String, ServiceCaller> allowed = new HashMap<>();

    public ServiceClients(ConnectorConfig config) {
        this.audience = config.internal().audience();
        config.internal().clients().forEach((clientId, client) -> {
            Set<Provider> providers = EnumSet.noneOf(Provider.class);
            client.providers().orElse(Set.of()).forEach(p -> providers.add(provider(clientId, p)));
            allowed.put(clientId, new ServiceCaller(clientId, Set.copyOf(providers), client.readDataKeys()));
        });
    }

    private static Provider provider(String clientId, String name) {
        try {
            return Provider.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("connector.internal.clients.\"" + clientId + "\".providers: unknown "
                    + "provider '" + name + "' (google, microsoft)");
        }
    }

    public Caller classify(JsonWebToken jwt) {
        Object clientIdClaim = jwt.getClaim(CLIENT_ID);
        if (clientIdClaim == null) {
            return new Caller.User();
        }
        String clientId = String.valueOf(clientIdClaim instanceof jakarta.json.JsonString js ? js.getString() : clientIdClaim);
        if (!clientId.equals(jwt.getSubject())) {
            return new Caller.RejectedClient(clientId, "the token's sub is not its client_id");
        }
        Object azp = jwt.getClaim("azp");
        if (azp != null && !clientId.equals(azp instanceof jakarta.json.JsonString js ? js.getString() : String.valueOf(azp))) {
            return new Caller.RejectedClient(clientId, "the token's azp is not its client_id");
        }
        Set<String> audiences = jwt.getAudience();
        if (audiences == null || !audiences.contains(audience)) {
            return new Caller.RejectedClient(clientId, "the token's audience is not " + audience);
        }
        ServiceCaller caller = allowed.get(clientId);
        if (caller == null) {
            return new Caller.RejectedClient(clientId, "client " + clientId + " is not allowed on the internal API");
        }
        return new Caller.Service(caller);
    }
}

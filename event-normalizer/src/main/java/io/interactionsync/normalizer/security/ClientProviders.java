package io.interactionsync.normalizer.security;

import io.interactionsync.model.Provider;
import io.interactionsync.normalizer.config.NormalizerConfig;
import io.interactionsync.normalizer.rest.Problem;
import io.interactionsync.normalizer.rest.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which provider's accounts each internal client may ask about ({@code normalizer.internal.providers}), as the
 * connector's {@code ServiceCaller#requireProvider} grants them: google-sync-service only Google accounts and sources,
 * microsoft-sync-service only Microsoft ones. {@link CallerPolicies} has already admitted the client (allow-list,
 * audience); this is the per-request grant on top. An unknown provider name fails the start.
 */
@ApplicationScoped
public class ClientProviders {

    private final Map<String, Set<Provider>> grants = new HashMap<>();

    public ClientProviders(NormalizerConfig config) {
        config.internal().providers().forEach((clientId, names) -> {
            Set<Provider> providers = EnumSet.noneOf(Provider.class);
            for (String name : names.split(",")) {
                if (!name.isBlank()) {
                    providers.add(provider(clientId, name));
                }
            }
            grants.put(clientId, Set.copyOf(providers));
        });
    }

    private static Provider provider(String clientId, String name) {
        try {
            return Provider.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("normalizer.internal.providers.\"" + clientId + "\": unknown provider '"
                    + name + "' (google, microsoft)");
        }
    }

    /** 403 {@code provider_not_allowed} unless {@code clientId} may ask about {@code provider}'s accounts. */
    public void require(String clientId, Provider provider) {
        if (!grants.getOrDefault(clientId, Set.of()).contains(provider)) {
            throw new ProblemException(new Problem("about:blank", "Forbidden", 403, "Service client " + clientId
                    + " may not ask about " + provider.name().toLowerCase(Locale.ROOT) + " accounts.",
                    "provider_not_allowed"));
        }
    }
}

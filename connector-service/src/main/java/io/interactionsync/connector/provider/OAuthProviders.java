package io.interactionsync.connector.provider;

import io.interactionsync.model.Provider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.EnumMap;
import java.util.Map;

/** The provider implementations by {@link Provider}. */
@ApplicationScoped
public class OAuthProviders {

    private final Map<Provider, OAuthProvider> byProvider = new EnumMap<>(Provider.class);

    public OAuthProviders(Instance<OAuthProvider> providers) {
        providers.forEach(p -> byProvider.put(p.provider(), p));
    }

    public OAuthProvider get(Provider provider) {
        OAuthProvider p = byProvider.get(provider);
        if (p == null) {
            throw new IllegalStateException("no OAuth provider implementation for " + provider);
        }
        return p;
    }
}

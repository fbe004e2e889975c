package io.interactionsync.connector.security;

import io.interactionsync.connector.rest.problem.ApiException;
import io.interactionsync.model.Provider;
import java.util.Locale;
import java.util.Set;

/**
 * A verified service client of the internal API: an allow-listed client id whose client-credentials token carried
 * the internal audience, with what its configuration lets it do ({@code connector.internal.clients."<id>".*}).
 *
 * @param providers    whose accounts' access tokens (and data keys) it may get
 * @param readDataKeys whether it may read any data key by key id (the normalizer)
 */
public record ServiceCaller(String clientId, Set<Provider> providers, boolean readDataKeys) {

    /** 403 {@code provider_not_allowed} unless this client may act for accounts of {@code provider}. */
    public void requireProvider(Provider provider) {
        if (!providers.contains(provider)) {
            throw new ApiException(403, "provider_not_allowed", "Service client " + clientId + " may not act for "
                    + provider.name().toLowerCase(Locale.ROOT) + " accounts.");
        }
    }

    /** 403 {@code data_keys_not_allowed} unless this client may read data keys by key id. */
    public void requireDataKeyReader() {
        if (!readDataKeys) {
            throw new ApiException(403, "data_keys_not_allowed", "Service client " + clientId
                    + " may not read data keys.");
        }
    }
}

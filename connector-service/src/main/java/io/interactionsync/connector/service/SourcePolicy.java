package io.interactionsync.connector.service;

import io.interactionsync.connector.Account;
import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.connector.provider.OAuthProviders;
import io.interactionsync.model.Source;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Which sources of an account are synced: allowed by its granted scopes and switched on by the feature flags. */
@ApplicationScoped
public class SourcePolicy {

    private final ConnectorConfig.Features features;
    private final OAuthProviders providers;

    public SourcePolicy(ConnectorConfig config, OAuthProviders providers) {
        this.features = config.features();
        this.providers = providers;
    }

    public List<Source> enabledSources(Account account) {
        return enabledSources(account.provider, account.scopeList());
    }

    public List<Source> enabledSources(io.interactionsync.model.Provider provider, Collection<String> grantedScopes) {
        Set<Source> allowed = providers.get(provider).sourcesAllowedBy(grantedScopes);
        return providers.get(provider).sources().stream()
                .filter(allowed::contains)
                .filter(this::switchedOn)
                .toList();
    }

    public boolean switchedOn(Source source) {
        return switch (source) {
            case GMAIL -> features.gmailMetadataSync();
            case GOOGLE_CALENDAR -> features.googleCalendarMetadataSync();
            case OUTLOOK_MAIL, OUTLOOK_CALENDAR -> features.microsoftSync();
        };
    }
}

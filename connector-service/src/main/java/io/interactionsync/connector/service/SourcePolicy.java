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

    public static final String GMAIL_METADATA_SYNC = "gmail_metadata_sync";
    public static final String GOOGLE_CALENDAR_METADATA_SYNC = "google_calendar_metadata_sync";
    public static final String MICROSOFT_SYNC = "microsoft_sync";
    /** The flags, in display order. */
    public static final List<String> FLAGS = List.of(GMAIL_METADATA_SYNC, GOOGLE_CALENDAR_METADATA_SYNC, MICROSOFT_SYNC);

    private final ConnectorConfig.Features features;
    private final OAuthProviders providers;

    public SourcePolicy(ConnectorConfig config, OAuthProviders providers) {
        this.features = config.features();
        this.providers = providers;
    }

    /** Sources allowed by the account's scopes whose flag is on globally and not switched off for the account. */
    public List<Source> enabledSources(Account account) {
        Set<String> off = account.disabledFeatureSet();
        return enabledSources(account.provider, account.scopeList()).stream()
                .filter(s -> !off.contains(flagOf(s)))
                .toList();
    }

    /** The feature flag (wire name) that governs a source. */
    public static String flagOf(Source source) {
        return switch (source) {
            case GMAIL -> GMAIL_METADATA_SYNC;
            case GOOGLE_CALENDAR -> GOOGLE_CALENDAR_METADATA_SYNC;
            case OUTLOOK_MAIL, OUTLOOK_CALENDAR -> MICROSOFT_SYNC;
        };
    }

    /** Whether a flag (wire name) is on globally. */
    public boolean globallyOn(String flag) {
        return switch (flag) {
            case GMAIL_METADATA_SYNC -> features.gmailMetadataSync();
            case GOOGLE_CALENDAR_METADATA_SYNC -> features.googleCalendarMetadataSync();
            case MICROSOFT_SYNC -> features.microsoftSync();
            default -> throw new IllegalArgumentException(flag);
        };
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

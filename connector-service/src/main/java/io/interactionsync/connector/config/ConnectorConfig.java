package io.interactionsync.connector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** All connector settings ({@code connector.*}). Provider URLs default to the real endpoints. */
@ConfigMapping(prefix = "connector")
public interface ConnectorConfig {

    TokenEncryption tokenEncryption();

    Google google();

    Microsoft microsoft();

    OAuth oauth();

    Features features();

    SyncSchedule syncSchedule();

    AccessTokens accessTokens();

    Retention retention();

    interface TokenEncryption {
        /**
         * {@code kid:base64key[,kid:base64key…]}: AES-256 keys (32 bytes each, standard Base64). The first is
         * active for new writes; the others only decrypt rows written before a rotation. Required.
         */
        Optional<String> keyring();

        /**
         * How often rows sealed with an older key are re-sealed with the active one (a scheduler period such
         * as {@code 1h}; {@code off} disables).
         */
        @WithDefault("1h")
        String reencryptEvery();
    }

    interface Google {
        /** OAuth client id; Google connect answers 503 {@code provider_not_configured} without it. */
        Optional<String> clientId();

        /** OAuth client secret. */
        Optional<String> clientSecret();

        @WithDefault("https://accounts.google.com/o/oauth2/v2/auth")
        String authorizeUrl();

        @WithDefault("https://oauth2.googleapis.com/token")
        String tokenUrl();

        @WithDefault("https://oauth2.googleapis.com/revoke")
        String revokeUrl();

        /** Connect and read timeout of calls to Google's OAuth endpoints. */
        @WithDefault("10s")
        Duration timeout();
    }

    interface Microsoft {
        /** Application (client) id; Microsoft connect answers 503 {@code provider_not_configured} without it. */
        Optional<String> clientId();

        /** Client secret (client_secret_post). */
        Optional<String> clientSecret();

        /** Identity platform authority, without tenant: {@code <authority>/{tenant}/oauth2/v2.0/authorize|token}. */
        @WithDefault("https://login.microsoftonline.com")
        String authorityUrl();

        /** Tenant audience: {@code organizations} (work/school accounts of any tenant), a tenant id, or {@code common}. */
        @WithDefault("organizations")
        String tenant();

        /** Microsoft Graph base URL (shared-mailbox probe). */
        @WithDefault("https://graph.microsoft.com/v1.0")
        String graphUrl();

        /** Connect and read timeout of calls to the identity platform and Graph. */
        @WithDefault("10s")
        Duration timeout();

        /** Shared mailboxes one Microsoft account may add. */
        @WithDefault("50")
        int maxSharedMailboxes();
    }

    interface OAuth {
        /** Redirect URIs a client may use (exact match); {@code postmessage} enables Google's popup flow. */
        Optional<List<String>> redirectUris();

        /** How long an authorize-url {@code state} (and its PKCE verifier) stays usable. */
        @WithDefault("10m")
        Duration stateTtl();
    }

    /** Global source switches (SPEC §4 feature flags). */
    interface Features {
        @WithDefault("true")
        boolean gmailMetadataSync();

        @WithDefault("true")
        boolean googleCalendarMetadataSync();

        @WithDefault("true")
        boolean microsoftSync();
    }

    interface SyncSchedule {
        /** Quartz-style cron (UTC) of the daily fan-out; {@code off} disables it. */
        @WithDefault("0 0 6 * * ?")
        String cron();
    }

    interface AccessTokens {
        /** A stored access token closer than this to its expiry is refreshed before it is handed out. */
        @WithDefault("5m")
        Duration refreshSkew();
    }

    /** Global retention defaults; a team collection's policy ({@code PUT /api/v1/collections/{id}/retention}) overrides them. */
    interface Retention {
        /**
         * What {@code DELETE …-accounts/{id}} does with the account's data when neither the request ({@code ?purge=})
         * nor a team policy says: {@code purge} (erase events and raw data for good) or {@code keep}.
         */
        @WithDefault("purge")
        OnDisconnect onDisconnect();

        /**
         * The global retention window shown in the account JSON and a collection's defaults for users without a team
         * window (months; 0: none). The normalizer enforces its own {@code normalizer.retention.event-months} (also 36
         * by default): set both to the same value.
         */
        @WithDefault("36")
        int eventMonths();
    }

    /** Configured as {@code purge} / {@code keep}. */
    enum OnDisconnect {
        PURGE, KEEP
    }
}

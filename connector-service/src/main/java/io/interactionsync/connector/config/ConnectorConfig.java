package io.interactionsync.connector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    Internal internal();

    RateLimits rateLimits();

    Outbox outbox();

    Disconnect disconnect();

    interface Disconnect {
        /**
         * How long a disconnect waits, after announcing {@code disconnecting}, before it revokes the grant: the sync
         * services stop the account's push channels (Gmail watch, Calendar channels, Graph subscriptions) with its
         * still valid token meanwhile. Only when a source reported live push; {@code 0s} does not wait.
         */
        @WithDefault("2s")
        Duration pushStopGrace();
    }

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

        /** Google's signing keys for id_tokens (JWKS). */
        @WithDefault("https://www.googleapis.com/oauth2/v3/certs")
        String jwksUrl();

        /** Accepted id_token issuers (Google documents both forms). */
        @WithDefault("https://accounts.google.com,accounts.google.com")
        List<String> idTokenIssuers();

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

        /**
         * Signing keys for id_tokens (JWKS); default {@code <authority-url>/<tenant>/discovery/v2.0/keys}
         * (e.g. {@code https://login.microsoftonline.com/organizations/discovery/v2.0/keys}).
         */
        Optional<String> jwksUrl();

        /**
         * The id_token issuer, {@code {tenantid}} standing for the token's {@code tid} (Microsoft's multi-tenant
         * issuer template; it names the real host even when the authority is an emulator).
         */
        @WithDefault("https://login.microsoftonline.com/{tenantid}/v2.0")
        String idTokenIssuer();

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

        /**
         * Unused, unexpired states one user may hold; a new authorize-url beyond it drops that user's oldest, so the
         * table stays bounded whatever a client does.
         */
        @WithDefault("10")
        int maxPendingStates();
    }

    /** Who may call {@code /internal/v1/**}: client-credentials tokens of allow-listed service clients. */
    interface Internal {
        /** The audience ({@code aud}) a service token must carry. */
        @WithDefault("interaction-sync-internal")
        String audience();

        /**
         * Allow-listed client ids ({@code client_id} = {@code sub} = {@code azp} of the token) and what each may do,
         * e.g. {@code connector.internal.clients."google-sync-service".providers=google}. A client not listed here,
         * or a user token whatever its roles, gets 403.
         */
        Map<String, InternalClient> clients();
    }

    interface InternalClient {
        /** Providers ({@code google}, {@code microsoft}) whose accounts' access tokens and data keys it may get. */
        Optional<Set<String>> providers();

        /** Whether it may read any data key by key id (the normalizer, which opens sealed raw records). */
        @WithDefault("false")
        boolean readDataKeys();
    }

    /**
     * Per-user limits, {@code <requests>/<period>} (e.g. {@code 20/10m}) or {@code off}; counted in PostgreSQL, so
     * they hold across replicas. Over the limit → 429 {@code rate_limited} with {@code Retry-After}.
     */
    interface RateLimits {
        /** {@code GET /api/v1/{google,microsoft}/authorize-url} (each call creates a state row). */
        @WithDefault("20/10m")
        String authorizeUrl();

        /** {@code POST /api/v1/accounts/{id}/sync}. */
        @WithDefault("10/1h")
        String sync();

        /** {@code POST /api/v1/accounts/{id}/audit}. */
        @WithDefault("4/1h")
        String audit();
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

    /** The relay of {@code event_outbox} to Kafka (account-events and sync-requests). */
    interface Outbox {
        /** How often the relay looks for rows besides being woken by a commit (rows of other replicas, retries). */
        @WithDefault("1s")
        Duration pollInterval();

        /** Rows sent per round (one transaction; acks awaited together). */
        @WithDefault("100")
        int batchSize();

        /** Longest wait for a round's acks; the producer's delivery timeout (20 s) ends every send before it. */
        @WithDefault("25s")
        Duration ackTimeout();

        /**
         * How long an API request waits, after its commit, for its records to be published before it answers (its
         * records stay in the outbox and are sent later when the broker is slow or down; {@code 0s} does not wait).
         */
        @WithDefault("5s")
        Duration awaitPublish();

        /** Longest wait for the relay's round in flight at shutdown. */
        @WithDefault("30s")
        Duration drainTimeout();
    }
}

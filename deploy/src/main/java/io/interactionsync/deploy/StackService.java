package io.interactionsync.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The five services and the configuration each one gets from the stack, as environment variables —
 * exactly what the Kubernetes manifests set from ConfigMaps and Secrets in production.
 */
public enum StackService {
    CONNECTOR("connector-service"),
    GOOGLE_SYNC("google-sync-service"),
    MICROSOFT_SYNC("microsoft-sync-service"),
    NORMALIZER("event-normalizer"),
    /** The first downstream consumer: reads only the public topics (interaction-events-state, account-events). */
    RELATIONSHIP("relationship-service");

    /** The emulator's service-client secret (SPEC §6 local values; never a production secret). */
    static final String LOCAL_SERVICE_SECRET = "local-service-secret";
    static final List<String> LOCAL_REDIRECT_URIS = List.of("postmessage",
            "http://localhost:3000/auth/google/callback", "http://localhost:3000/auth/microsoft/callback");

    /**
     * Replica k of a replicated service listens {@code k × 100} above replica 0, API and management port alike (locally
     * google-sync-1 on 8182 and 9182).
     */
    public static final int REPLICA_PORT_STEP = 100;

    private final String artifact;

    StackService(String artifact) {
        this.artifact = artifact;
    }

    public String artifact() {
        return artifact;
    }

    /** The services that turn mailboxes into InteractionEvents: every one but the downstream relationship-service. */
    public static List<StackService> pipeline() {
        return List.of(CONNECTOR, GOOGLE_SYNC, MICROSOFT_SYNC, NORMALIZER);
    }

    /** The instance-id stem: the artifact without {@code -service} ({@code google-sync} → {@code google-sync-0}). */
    public String instanceName() {
        return artifact.endsWith("-service") ? artifact.substring(0, artifact.length() - "-service".length()) : artifact;
    }

    /**
     * Whether the local stack runs several of it ({@code run.sh --replicas N}): the services a backfill scales. The
     * connector and relationship-service stay one (in Kubernetes both scale on CPU).
     */
    public boolean replicated() {
        return this != CONNECTOR && this != RELATIONSHIP;
    }

    /** The process (and log file) name of replica {@code k}: the artifact for replica 0, {@code <artifact>-<k>} after. */
    public String processName(int replica) {
        return replica == 0 ? artifact : artifact + "-" + replica;
    }

    /** The instance id of replica {@code k}: {@code google-sync-0}, {@code google-sync-1}, … */
    public String instanceId(int replica) {
        return instanceName() + "-" + replica;
    }

    /** The Quarkus fast-jar built by {@code mvn package}. */
    public Path jar(Path repoRoot) {
        return repoRoot.resolve(artifact).resolve("target/quarkus-app/quarkus-run.jar");
    }

    public int port(StackEndpoints e) {
        return switch (this) {
            case CONNECTOR -> e.connectorPort();
            case GOOGLE_SYNC -> e.googleSyncPort();
            case MICROSOFT_SYNC -> e.microsoftSyncPort();
            case NORMALIZER -> e.normalizerPort();
            case RELATIONSHIP -> e.relationshipPort();
        };
    }

    /** Replica {@code k}'s API port. */
    public int port(StackEndpoints e, int replica) {
        return port(e) + offset(replica);
    }

    /** Replica {@code k}'s management port. */
    public int managementPort(StackEndpoints e, int replica) {
        return e.managementPort(this) + offset(replica);
    }

    private int offset(int replica) {
        if (replica < 0 || replica > 0 && !replicated()) {
            throw new IllegalArgumentException(artifact + " has no replica " + replica);
        }
        return replica * REPLICA_PORT_STEP;
    }

    /** The readiness check, on the management interface (the API port answers 404 there). */
    public String healthUrl(StackEndpoints e) {
        return healthUrl(e, 0);
    }

    public String healthUrl(StackEndpoints e, int replica) {
        return managementUrl(e, replica) + "/q/health/ready";
    }

    /** The management interface: {@code /q/health}, {@code /q/metrics} (and the connector's {@code /q/openapi}). */
    public String managementUrl(StackEndpoints e) {
        return managementUrl(e, 0);
    }

    public String managementUrl(StackEndpoints e, int replica) {
        return "http://127.0.0.1:" + managementPort(e, replica);
    }

    public Map<String, String> environment(StackEndpoints e) {
        return environment(e, 0);
    }

    /**
     * Replica {@code k}'s environment: its own ports; the connector and normalizer URLs it calls stay replica 0's
     * (the normalizer's internal API answers from the shared database, so any replica will do; in Kubernetes the
     * Service picks one).
     */
    public Map<String, String> environment(StackEndpoints e, int replica) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port(e, replica)));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort(e, replica)));
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false"); // production logs JSON; people read these
        env.put("KAFKA_BOOTSTRAP_SERVERS", e.kafkaBootstrap());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", e.database().jdbcUrl());
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", e.database().reactiveUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", e.database().user());
        env.put("QUARKUS_DATASOURCE_PASSWORD", "");
        String emulator = e.emulatorUrl();
        switch (this) {
            case CONNECTOR -> {
                portalJwt(env, e);
                env.put("CONNECTOR_GOOGLE_CLIENT_ID", "local-google-client");
                env.put("CONNECTOR_GOOGLE_CLIENT_SECRET", "local-google-secret");
                env.put("CONNECTOR_GOOGLE_AUTHORIZE_URL", emulator + "/accounts.google.com/o/oauth2/v2/auth");
                env.put("CONNECTOR_GOOGLE_TOKEN_URL", emulator + "/oauth2.googleapis.com/token");
                env.put("CONNECTOR_GOOGLE_REVOKE_URL", emulator + "/oauth2.googleapis.com/revoke");
                env.put("CONNECTOR_GOOGLE_JWKS_URL", emulator + "/www.googleapis.com/oauth2/v3/certs");
                env.put("CONNECTOR_MICROSOFT_CLIENT_ID", "local-ms-client");
                env.put("CONNECTOR_MICROSOFT_CLIENT_SECRET", "local-ms-secret");
                env.put("CONNECTOR_MICROSOFT_AUTHORITY_URL", emulator + "/login.microsoftonline.com");
                env.put("CONNECTOR_MICROSOFT_TENANT", "organizations");
                env.put("CONNECTOR_MICROSOFT_GRAPH_URL", emulator + "/graph.microsoft.com/v1.0");
                // The console is its own OAuth callback: the providers send the browser back to /console/.
                env.put("CONNECTOR_OAUTH_REDIRECT_URIS", String.join(",", LOCAL_REDIRECT_URIS) + "," + consoleUrl(e));
                env.put("CONSOLE_NORMALIZER_URL", e.normalizerUrl());
                env.put("CONNECTOR_TOKEN_ENCRYPTION_KEYRING", e.tokenKeyring());
            }
            case GOOGLE_SYNC -> {
                serviceClient(env, e);
                env.put("GOOGLE_SYNC_GMAIL_ROOT_URL", emulator + "/gmail.googleapis.com/");
                env.put("GOOGLE_SYNC_CALENDAR_ROOT_URL", emulator + "/www.googleapis.com/");
                // Push: the emulator delivers Gmail's Pub/Sub pushes and Calendar's channel notifications here (replica
                // 0, as an ingress would pick one), signing Pub/Sub's OIDC tokens with its Google key.
                env.put("GOOGLE_SYNC_PUSH_PUBLIC_BASE_URL", pushBaseUrl(e));
                env.put("GOOGLE_SYNC_PUSH_GOOGLE_JWKS_URL", emulator + "/www.googleapis.com/oauth2/v3/certs");
            }
            case MICROSOFT_SYNC -> {
                serviceClient(env, e);
                env.put("MICROSOFT_SYNC_GRAPH_BASE_URL", emulator + "/graph.microsoft.com/v1.0");
                env.put("MICROSOFT_SYNC_PUSH_PUBLIC_BASE_URL", pushBaseUrl(e));
            }
            case NORMALIZER -> {
                portalJwt(env, e);
                // CORS for the console (served by the connector): replays on the team page.
                env.put("NORMALIZER_CONSOLE_ORIGINS", e.connectorUrl());
                serviceClient(env, e); // reads raw-record data keys from the connector as client event-normalizer
            }
            case RELATIONSHIP -> {
                portalJwt(env, e);
                env.put("RELATIONSHIP_CONSOLE_ORIGINS", e.connectorUrl()); // CORS for pages on the console's origin
            }
        }
        return env;
    }

    /** The web console, served by the connector (also the OAuth redirect URI of its connections and sign-in). */
    public static String consoleUrl(StackEndpoints e) {
        return e.connectorUrl() + "/console/";
    }

    /** Where the providers deliver this sync service's notifications locally: replica 0's API port. */
    public String pushBaseUrl(StackEndpoints e) {
        return "http://127.0.0.1:" + port(e);
    }

    private static void portalJwt(Map<String, String> env, StackEndpoints e) {
        env.put("MP_JWT_VERIFY_ISSUER", e.idpUrl());
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", e.idpUrl() + "/jwks");
    }

    private void serviceClient(Map<String, String> env, StackEndpoints e) {
        env.put("QUARKUS_OIDC_CLIENT_AUTH_SERVER_URL", e.idpUrl());
        env.put("QUARKUS_OIDC_CLIENT_CLIENT_ID", artifact);
        env.put("QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET", LOCAL_SERVICE_SECRET);
        env.put("QUARKUS_REST_CLIENT_CONNECTOR_URL", e.connectorUrl());
        env.put("QUARKUS_REST_CLIENT_NORMALIZER_URL", e.normalizerUrl());
    }
}

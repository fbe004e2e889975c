package io.interactionsync.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four services and the configuration each one gets from the stack, as environment variables —
 * exactly what the Kubernetes manifests set from ConfigMaps and Secrets in production.
 */
public enum StackService {
    CONNECTOR("connector-service"),
    GOOGLE_SYNC("google-sync-service"),
    MICROSOFT_SYNC("microsoft-sync-service"),
    NORMALIZER("event-normalizer");

    /** The emulator's service-client secret (SPEC §6 local values; never a production secret). */
    static final String LOCAL_SERVICE_SECRET = "local-service-secret";
    static final List<String> LOCAL_REDIRECT_URIS = List.of("postmessage",
            "http://localhost:3000/auth/google/callback", "http://localhost:3000/auth/microsoft/callback");

    private final String artifact;

    StackService(String artifact) {
        this.artifact = artifact;
    }

    public String artifact() {
        return artifact;
    }

    /** The instance-id stem: the artifact without {@code -service} ({@code google-sync} → {@code google-sync-0}). */
    public String instanceName() {
        return artifact.endsWith("-service") ? artifact.substring(0, artifact.length() - "-service".length()) : artifact;
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
        };
    }

    /** The readiness check, on the management interface (the API port answers 404 there). */
    public String healthUrl(StackEndpoints e) {
        return managementUrl(e) + "/q/health/ready";
    }

    /** The management interface: {@code /q/health}, {@code /q/metrics} (and the connector's {@code /q/openapi}). */
    public String managementUrl(StackEndpoints e) {
        return "http://127.0.0.1:" + e.managementPort(this);
    }

    public Map<String, String> environment(StackEndpoints e) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port(e)));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(e.managementPort(this)));
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
                env.put("CONNECTOR_OAUTH_REDIRECT_URIS", String.join(",", LOCAL_REDIRECT_URIS));
                env.put("CONNECTOR_TOKEN_ENCRYPTION_KEYRING", e.tokenKeyring());
            }
            case GOOGLE_SYNC -> {
                serviceClient(env, e);
                env.put("GOOGLE_SYNC_GMAIL_ROOT_URL", emulator + "/gmail.googleapis.com/");
                env.put("GOOGLE_SYNC_CALENDAR_ROOT_URL", emulator + "/www.googleapis.com/");
            }
            case MICROSOFT_SYNC -> {
                serviceClient(env, e);
                env.put("MICROSOFT_SYNC_GRAPH_BASE_URL", emulator + "/graph.microsoft.com/v1.0");
            }
            case NORMALIZER -> {
                portalJwt(env, e);
                serviceClient(env, e); // reads raw-record data keys from the connector as client event-normalizer
            }
        }
        return env;
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

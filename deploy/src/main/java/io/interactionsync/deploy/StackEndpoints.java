package io.interactionsync.deploy;

/**
 * Where the parts of one stack listen. {@link #local} is the contract of SPEC §6; the end-to-end test
 * uses free ports, its own broker and its own database.
 *
 * @param tokenKeyring the connector's token-encryption keyring ({@code kid:base64key}); a secret, passed
 *                     to the connector in its environment only
 */
public record StackEndpoints(
        String kafkaBootstrap,
        String emulatorUrl,
        LocalDatabase database,
        int connectorPort,
        int googleSyncPort,
        int microsoftSyncPort,
        int normalizerPort,
        String tokenKeyring) {

    public static final int EMULATOR_PORT = 8090;
    public static final int KAFKA_PORT = 9092;
    public static final int KAFKA_CONTROLLER_PORT = 9093;

    public static StackEndpoints local(String tokenKeyring) {
        return new StackEndpoints("127.0.0.1:" + KAFKA_PORT, "http://127.0.0.1:" + EMULATOR_PORT,
                new LocalDatabase("127.0.0.1", 5432, "postgres", "interaction_sync"),
                8081, 8082, 8083, 8084, tokenKeyring);
    }

    /** The same stack with the connector on another port: a second connector replica. */
    public StackEndpoints withConnectorPort(int port) {
        return new StackEndpoints(kafkaBootstrap, emulatorUrl, database, port, googleSyncPort, microsoftSyncPort,
                normalizerPort, tokenKeyring);
    }

    public String connectorUrl() {
        return "http://127.0.0.1:" + connectorPort;
    }

    public String normalizerUrl() {
        return "http://127.0.0.1:" + normalizerPort;
    }

    public String idpUrl() {
        return emulatorUrl + "/idp";
    }
}

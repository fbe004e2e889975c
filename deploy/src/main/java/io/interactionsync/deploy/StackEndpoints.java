package io.interactionsync.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where the parts of one stack listen. {@link #local} is the contract of SPEC §6; the end-to-end test
 * uses free ports, its own broker and its own database.
 *
 * @param tokenKeyring    the connector's token-encryption keyring ({@code kid:base64key}); a secret, passed
 *                        to the connector in its environment only
 * @param managementPorts each service's management interface ({@code /q/health}, {@code /q/metrics}), which
 *                        answers on its own port only (locally API port + 1000: 9081–9085)
 */
public record StackEndpoints(
        String kafkaBootstrap,
        String emulatorUrl,
        LocalDatabase database,
        int connectorPort,
        int googleSyncPort,
        int microsoftSyncPort,
        int normalizerPort,
        int relationshipPort,
        String tokenKeyring,
        Map<StackService, Integer> managementPorts) {

    public static final int EMULATOR_PORT = 8090;
    public static final int KAFKA_PORT = 9092;
    public static final int KAFKA_CONTROLLER_PORT = 9093;

    public StackEndpoints {
        managementPorts = Map.copyOf(managementPorts);
    }

    /** A stack on these API ports whose services started here (port ≠ 0) get free management ports. */
    public StackEndpoints(String kafkaBootstrap, String emulatorUrl, LocalDatabase database, int connectorPort,
                          int googleSyncPort, int microsoftSyncPort, int normalizerPort, int relationshipPort,
                          String tokenKeyring) {
        this(kafkaBootstrap, emulatorUrl, database, connectorPort, googleSyncPort, microsoftSyncPort, normalizerPort,
                relationshipPort, tokenKeyring,
                freeManagementPorts(connectorPort, googleSyncPort, microsoftSyncPort, normalizerPort, relationshipPort));
    }

    public static StackEndpoints local(String tokenKeyring) {
        return new StackEndpoints("127.0.0.1:" + KAFKA_PORT, "http://127.0.0.1:" + EMULATOR_PORT,
                new LocalDatabase("127.0.0.1", 5432, "postgres", "interaction_sync"),
                8081, 8082, 8083, 8084, 8085, tokenKeyring, Map.of(StackService.CONNECTOR, 9081,
                        StackService.GOOGLE_SYNC, 9082, StackService.MICROSOFT_SYNC, 9083, StackService.NORMALIZER, 9084,
                        StackService.RELATIONSHIP, 9085));
    }

    /** The same stack with the connector on another port (and another management port): a second connector replica. */
    public StackEndpoints withConnectorPort(int port) {
        Map<StackService, Integer> management = new EnumMap<>(managementPorts);
        management.put(StackService.CONNECTOR, freePort());
        return new StackEndpoints(kafkaBootstrap, emulatorUrl, database, port, googleSyncPort, microsoftSyncPort,
                normalizerPort, relationshipPort, tokenKeyring, management);
    }

    public int managementPort(StackService service) {
        return managementPorts.getOrDefault(service, 0);
    }

    private static Map<StackService, Integer> freeManagementPorts(int... apiPorts) {
        Map<StackService, Integer> ports = new EnumMap<>(StackService.class);
        StackService[] services = StackService.values();
        for (int i = 0; i < services.length; i++) {
            ports.put(services[i], apiPorts[i] == 0 ? 0 : freePort());
        }
        return ports;
    }

    private static int freePort() {
        try {
            return LocalFiles.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String connectorUrl() {
        return "http://127.0.0.1:" + connectorPort;
    }

    public String normalizerUrl() {
        return "http://127.0.0.1:" + normalizerPort;
    }

    public String relationshipUrl() {
        return "http://127.0.0.1:" + relationshipPort;
    }

    public String idpUrl() {
        return emulatorUrl + "/idp";
    }
}

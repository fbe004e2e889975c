package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every service of a stack gets a management port of its own: health checks and metrics answer only there. */
class StackEndpointsTests {

    @Test
    void shouldGiveTheLocalStackManagementPorts9081To9084() {
        StackEndpoints local = StackEndpoints.local("k:key");

        assertThat(List.of(StackService.values())).extracting(local::managementPort).containsExactly(9081, 9082, 9083, 9084, 9085);
        assertThat(StackService.CONNECTOR.healthUrl(local)).isEqualTo("http://127.0.0.1:9081/q/health/ready");
        assertThat(StackService.NORMALIZER.environment(local)).containsEntry("QUARKUS_HTTP_PORT", "8084")
                .containsEntry("QUARKUS_MANAGEMENT_PORT", "9084");
    }

    @Test
    void shouldPickFreeDistinctManagementPortsForAStackOnFreePorts() throws Exception {
        StackEndpoints e = new StackEndpoints("127.0.0.1:1", "http://127.0.0.1:2",
                new LocalDatabase("127.0.0.1", 5432, "postgres", "unused"), LocalFiles.freePort(),
                LocalFiles.freePort(), LocalFiles.freePort(), LocalFiles.freePort(), LocalFiles.freePort(), "k:key");
        Set<Integer> ports = new HashSet<>();
        for (StackService s : StackService.values()) {
            ports.add(s.port(e));
            ports.add(e.managementPort(s));
            assertThat(s.environment(e)).containsEntry("QUARKUS_MANAGEMENT_PORT", Integer.toString(e.managementPort(s)));
            assertThat(s.healthUrl(e)).isEqualTo("http://127.0.0.1:" + e.managementPort(s) + "/q/health/ready");
        }
        assertThat(ports).hasSize(10).doesNotContain(0);

        StackEndpoints replica = e.withConnectorPort(LocalFiles.freePort());
        assertThat(replica.managementPort(StackService.CONNECTOR)).isNotEqualTo(e.managementPort(StackService.CONNECTOR));
        assertThat(replica.managementPort(StackService.NORMALIZER)).isEqualTo(e.managementPort(StackService.NORMALIZER));
    }

    @Test
    void shouldStartNoManagementPortForAServiceTheStackDoesNotRun() {
        StackEndpoints connectorOnly = new StackEndpoints("b", "e", null, 18081, 0, 0, 0, 0, "k:key");

        assertThat(connectorOnly.managementPort(StackService.CONNECTOR)).isPositive();
        assertThat(connectorOnly.managementPort(StackService.GOOGLE_SYNC)).isZero();
    }

    @Test
    void shouldPutReplicaKOfAReplicatedService100PortsPerReplicaUpWithItsOwnNameAndInstanceId() {
        StackEndpoints local = StackEndpoints.local("k:key");

        assertThat(StackService.GOOGLE_SYNC.port(local, 1)).isEqualTo(8182);
        assertThat(StackService.GOOGLE_SYNC.managementPort(local, 1)).isEqualTo(9182);
        assertThat(StackService.NORMALIZER.healthUrl(local, 2)).isEqualTo("http://127.0.0.1:9284/q/health/ready");
        // its own ports; the connector and the normalizer it calls are replica 0's
        assertThat(StackService.MICROSOFT_SYNC.environment(local, 1)).containsEntry("QUARKUS_HTTP_PORT", "8183")
                .containsEntry("QUARKUS_MANAGEMENT_PORT", "9183")
                .containsEntry("QUARKUS_REST_CLIENT_CONNECTOR_URL", "http://127.0.0.1:8081")
                .containsEntry("QUARKUS_REST_CLIENT_NORMALIZER_URL", "http://127.0.0.1:8084");
        assertThat(StackService.GOOGLE_SYNC.environment(local, 0)).isEqualTo(StackService.GOOGLE_SYNC.environment(local));
        assertThat(StackService.GOOGLE_SYNC.processName(0)).isEqualTo("google-sync-service");
        assertThat(StackService.GOOGLE_SYNC.processName(1)).isEqualTo("google-sync-service-1");
        assertThat(StackService.NORMALIZER.instanceId(1)).isEqualTo("event-normalizer-1");
        assertThat(Stack.replicasOf(StackService.CONNECTOR, 3)).isEqualTo(1);
        assertThat(Stack.replicasOf(StackService.NORMALIZER, 3)).isEqualTo(3);
        assertThatThrownBy(() -> StackService.CONNECTOR.port(local, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldTakeTheReplicasOptionOfRunSh() {
        assertThat(LocalStack.Options.parse(new String[0]).replicas()).isEqualTo(1);
        assertThat(LocalStack.Options.parse(new String[] {"--replicas", "2"}).replicas()).isEqualTo(2);
        assertThat(LocalStack.Options.parse(new String[] {"--replicas", "2"}).arguments()).endsWith(" --replicas 2");
        assertThatThrownBy(() -> LocalStack.Options.parse(new String[] {"--replicas", "0"}))
                .hasMessageContaining("--replicas must be 1 to 9");
        assertThatThrownBy(() -> LocalStack.Options.parse(new String[] {"--replicas", "10"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

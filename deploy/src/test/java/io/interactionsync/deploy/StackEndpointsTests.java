package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every service of a stack gets a management port of its own: health checks and metrics answer only there. */
class StackEndpointsTests {

    @Test
    void shouldGiveTheLocalStackManagementPorts9081To9084() {
        StackEndpoints local = StackEndpoints.local("k:key");

        assertThat(List.of(StackService.values())).extracting(local::managementPort).containsExactly(9081, 9082, 9083, 9084);
        assertThat(StackService.CONNECTOR.healthUrl(local)).isEqualTo("http://127.0.0.1:9081/q/health/ready");
        assertThat(StackService.NORMALIZER.environment(local)).containsEntry("QUARKUS_HTTP_PORT", "8084")
                .containsEntry("QUARKUS_MANAGEMENT_PORT", "9084");
    }

    @Test
    void shouldPickFreeDistinctManagementPortsForAStackOnFreePorts() throws Exception {
        StackEndpoints e = new StackEndpoints("127.0.0.1:1", "http://127.0.0.1:2",
                new LocalDatabase("127.0.0.1", 5432, "postgres", "unused"), LocalFiles.freePort(),
                LocalFiles.freePort(), LocalFiles.freePort(), LocalFiles.freePort(), "k:key");
        Set<Integer> ports = new HashSet<>();
        for (StackService s : StackService.values()) {
            ports.add(s.port(e));
            ports.add(e.managementPort(s));
            assertThat(s.environment(e)).containsEntry("QUARKUS_MANAGEMENT_PORT", Integer.toString(e.managementPort(s)));
            assertThat(s.healthUrl(e)).isEqualTo("http://127.0.0.1:" + e.managementPort(s) + "/q/health/ready");
        }
        assertThat(ports).hasSize(8).doesNotContain(0);

        StackEndpoints replica = e.withConnectorPort(LocalFiles.freePort());
        assertThat(replica.managementPort(StackService.CONNECTOR)).isNotEqualTo(e.managementPort(StackService.CONNECTOR));
        assertThat(replica.managementPort(StackService.NORMALIZER)).isEqualTo(e.managementPort(StackService.NORMALIZER));
    }

    @Test
    void shouldStartNoManagementPortForAServiceTheStackDoesNotRun() {
        StackEndpoints connectorOnly = new StackEndpoints("b", "e", null, 18081, 0, 0, 0, "k:key");

        assertThat(connectorOnly.managementPort(StackService.CONNECTOR)).isPositive();
        assertThat(connectorOnly.managementPort(StackService.GOOGLE_SYNC)).isZero();
    }
}

package io.interactionsync.normalizer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.InternalTls;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The internal APIs over TLS exactly as Kubernetes configures them: the {@code server.properties} of ConfigMap
 * {@code interaction-sync-tls} with a certificate in PEM files as cert-manager mounts them. The API answers over HTTPS
 * with that certificate, plain HTTP is not served, and the management interface (probes, metrics) stays plain HTTP.
 */
@QuarkusTest
@TestProfile(InternalTlsIT.KubernetesTls.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class InternalTlsIT {

    static final Path CERTIFICATE = Path.of("target/internal-tls");

    @TestHTTPResource(value = "/api/v1/interaction-events", tls = true)
    URL https;

    @Test
    void shouldServeTheApiOverHttpsWithTheMountedCertificateAndKeepManagementOnPlainHttp() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(InternalTls.trusting(CERTIFICATE))
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI api = URI.create(https.toString().replace("127.0.0.1", "localhost"));
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(api).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("no token: refused, but over TLS").isEqualTo(401);
        assertThat(answer.sslSession()).get().satisfies(s -> assertThat(s.getPeerCertificates()[0])
                .isEqualTo(InternalTls.certificate(CERTIFICATE)));

        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ManagementInterface.url("/q/health/ready"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);

        // Plain HTTP on the TLS port is no API either.
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create(api.toString().replace("https://", "http://")))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    /** The ConfigMap's server settings, the certificate files under target/ instead of /etc/interaction-sync/tls. */
    public static class KubernetesTls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(InternalTls.kubernetesSettings("server.properties",
                    InternalTls.writeCertificate(CERTIFICATE)));
            overrides.put("quarkus.http.test-ssl-port", "0");
            return overrides;
        }
    }
}

package io.interactionsync.normalizer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The internal APIs over TLS exactly as Kubernetes configures them: the {@code server.properties} of ConfigMap
 * {@code interaction-sync-tls} (deploy/k8s/base/internal-tls.yaml), with a certificate in PEM files as cert-manager
 * mounts them. The API answers over HTTPS with that certificate, plain HTTP is not served, and the management
 * interface (probes, metrics) stays plain HTTP.
 */
@QuarkusTest
@TestProfile(InternalTlsIT.KubernetesTls.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class InternalTlsIT {

    static final Path DIR = Path.of("target/internal-tls");
    static final String PASSWORD = "changeit";

    @TestHTTPResource(value = "/api/v1/interaction-events", tls = true)
    URL https;

    @Test
    void shouldServeTheApiOverHttpsWithTheMountedCertificateAndKeepManagementOnPlainHttp() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(DIR.resolve("trust.p12")))
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> api = client.send(HttpRequest.newBuilder(URI.create(https.toString().replace("127.0.0.1",
                "localhost"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).as("no token: refused, but over TLS").isEqualTo(401);
        assertThat(api.sslSession()).get().satisfies(s -> assertThat(s.getPeerCertificates()[0])
                .isEqualTo(certificate()));

        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ManagementInterface.url("/q/health/ready"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);

        // Plain HTTP on the TLS port is no API either.
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create(https.toString()
                .replace("https://", "http://"))).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    private static Certificate certificate() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(DIR.resolve("server.p12"))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks.getCertificate("server");
    }

    private static SSLContext trusting(Path p12) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** The ConfigMap's server settings, the certificate files under target/ instead of /etc/interaction-sync/tls. */
    public static class KubernetesTls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                writeCertificate();
                Properties server = new Properties();
                server.load(new StringReader(configMapEntry("interaction-sync-tls", "server.properties")));
                Map<String, String> overrides = new HashMap<>();
                server.forEach((k, v) -> overrides.put((String) k, ((String) v).replace("/etc/interaction-sync/tls/",
                        DIR.toAbsolutePath() + "/")));
                assertThat(overrides).containsKeys("quarkus.http.insecure-requests", "quarkus.http.tls-configuration-name");
                overrides.put("quarkus.http.test-ssl-port", "0");
                return overrides;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static String configMapEntry(String name, String key) throws IOException {
            Path manifest = Path.of("../deploy/k8s/base/internal-tls.yaml");
            try (MappingIterator<JsonNode> docs = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                    .readValues(manifest.toFile())) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    if (doc.path("kind").asText().equals("ConfigMap") && doc.at("/metadata/name").asText().equals(name)) {
                        return doc.at("/data/" + key).asText();
                    }
                }
            }
            throw new IllegalStateException("no ConfigMap " + name + " in " + manifest);
        }

        /** A self-signed certificate for localhost, written as cert-manager's Secret holds it: tls.crt, tls.key. */
        private static void writeCertificate() throws Exception {
            Files.createDirectories(DIR);
            Path p12 = DIR.resolve("server.p12");
            Files.deleteIfExists(p12);
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=event-normalizer", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                    "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD)
                    .redirectErrorStream(true).start();
            String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            Files.writeString(DIR.resolve("tls.crt"), pem("CERTIFICATE", ks.getCertificate("server").getEncoded()));
            Files.writeString(DIR.resolve("tls.key"), pem("PRIVATE KEY",
                    ks.getKey("server", PASSWORD.toCharArray()).getEncoded())); // PKCS#8
        }

        private static String pem(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(der) + "\n-----END " + type + "-----\n";
        }
    }
}

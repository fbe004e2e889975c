package io.interactionsync.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The internal APIs' TLS as Kubernetes sets it up (deploy/k8s/base/internal-tls.yaml), for a test application: a
 * certificate written the way cert-manager's Secret holds it ({@code tls.crt}, {@code tls.key}, {@code ca.crt}; here
 * self-signed for localhost, so it is its own CA) and the Quarkus settings of ConfigMap {@code interaction-sync-tls},
 * read from the manifest itself with the mount path replaced by the certificate's directory.
 */
public final class InternalTls {

    static final Path MANIFEST = Path.of("../deploy/k8s/base/internal-tls.yaml");
    static final String MOUNT = "/etc/interaction-sync/tls/";
    private static final String PASSWORD = "changeit";

    private InternalTls() {
    }

    /** Writes a new self-signed certificate for localhost / 127.0.0.1 into {@code dir}; idempotent per directory. */
    public static synchronized Path writeCertificate(Path dir) {
        try {
            Files.createDirectories(dir);
            Path p12 = dir.resolve("server.p12");
            if (!Files.exists(dir.resolve("ca.crt"))) {
                Files.deleteIfExists(p12);
                Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                        "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                        "-dname", "CN=interaction-sync-test", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                        "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD)
                        .redirectErrorStream(true).start();
                String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                    throw new IllegalStateException("keytool failed: " + out);
                }
                KeyStore ks = load(p12);
                String cert = pem("CERTIFICATE", ks.getCertificate("server").getEncoded());
                Files.writeString(dir.resolve("tls.crt"), cert);
                Files.writeString(dir.resolve("tls.key"), pem("PRIVATE KEY",
                        ks.getKey("server", PASSWORD.toCharArray()).getEncoded())); // PKCS#8, as cert-manager writes it
                Files.writeString(dir.resolve("ca.crt"), cert);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate {@link #writeCertificate} wrote into {@code dir}. */
    public static X509Certificate certificate(Path dir) {
        try {
            return (X509Certificate) load(dir.resolve("server.p12")).getCertificate("server");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An SSL context that trusts only the certificate in {@code dir}. */
    public static SSLContext trusting(Path dir) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", certificate(dir));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The settings of entry {@code key} ({@code server.properties}, {@code client.properties}) of ConfigMap
     * {@code interaction-sync-tls}, with the certificate files in {@code certificateDir}.
     */
    public static Map<String, String> kubernetesSettings(String key, Path certificateDir) {
        try (MappingIterator<JsonNode> docs = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                .readValues(MANIFEST.toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc.path("kind").asText().equals("ConfigMap")
                        && doc.at("/metadata/name").asText().equals("interaction-sync-tls")) {
                    Properties p = new Properties();
                    p.load(new StringReader(doc.at("/data/" + key).asText()));
                    Map<String, String> settings = new LinkedHashMap<>();
                    String dir = certificateDir.toAbsolutePath() + "/";
                    p.stringPropertyNames().forEach(n -> settings.put(n, p.getProperty(n).replace(MOUNT, dir)));
                    if (settings.isEmpty()) {
                        throw new IllegalStateException("no " + key + " in ConfigMap interaction-sync-tls");
                    }
                    return settings;
                }
            }
            throw new IllegalStateException("no ConfigMap interaction-sync-tls in " + MANIFEST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyStore load(Path p12) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}

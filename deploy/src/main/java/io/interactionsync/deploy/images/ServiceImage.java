package io.interactionsync.deploy.images;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The five service images: which fast-jar goes in, under which name, and the ports they expose. */
public enum ServiceImage {
    CONNECTOR("connector-service", 8443, ImageConventions.MANAGEMENT_PORT),
    GOOGLE_SYNC("google-sync-service", ImageConventions.MANAGEMENT_PORT),
    MICROSOFT_SYNC("microsoft-sync-service", ImageConventions.MANAGEMENT_PORT),
    NORMALIZER("event-normalizer", 8443, ImageConventions.MANAGEMENT_PORT),
    RELATIONSHIP("relationship-service", 8443, ImageConventions.MANAGEMENT_PORT);

    private final String artifact;
    private final List<Integer> ports;

    ServiceImage(String artifact, Integer... ports) {
        this.artifact = artifact;
        this.ports = List.of(ports);
    }

    public String artifact() {
        return artifact;
    }

    /** Exposed ports: the management interface (9000) and, for the API services, HTTPS 8443. */
    public List<Integer> ports() {
        return ports;
    }

    /** The Quarkus fast-jar directory built by {@code ./mvnw package -pl <artifact>}. */
    public Path quarkusApp(Path repoRoot) {
        return repoRoot.resolve(artifact).resolve("target/quarkus-app");
    }

    /** {@code <registry>/<artifact>:<tag>}. */
    public String reference(String registry, String tag) {
        return registry + "/" + artifact + ":" + tag;
    }

    public static ServiceImage byArtifact(String artifact) {
        for (ServiceImage s : values()) {
            if (s.artifact.equals(artifact)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown service " + artifact + " (one of "
                + Arrays.stream(values()).map(ServiceImage::artifact).toList() + ")");
    }
}

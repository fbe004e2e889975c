package io.interactionsync.deploy.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What the images and the Kubernetes manifests must agree on (checked by {@code ImageManifestsTests}): registry, tag,
 * the non-root user, where the application and the Java runtime live.
 */
public final class ImageConventions {
    /** Where the manifests' {@code image:} fields point; {@code --push} may name another registry. */
    public static final String REGISTRY = "ghcr.io/interactionsync";
    /** The distroless "nonroot" user: the pods' {@code runAsUser}, {@code runAsGroup} and {@code fsGroup}. */
    public static final int UID = 65532;
    public static final int GID = 65532;
    public static final String USER_NAME = "nonroot";
    public static final String APP_DIR = "/deployments";
    public static final String JAVA_HOME = "/opt/java";
    public static final int MANAGEMENT_PORT = 9000;

    private ImageConventions() {
    }

    /** The image tag: the Maven project version (filtered into the deploy module's resources). */
    public static String tag() {
        Properties p = new Properties();
        try (InputStream in = ServiceImage.class.getResourceAsStream("/interaction-sync-images.properties")) {
            if (in == null) {
                throw new IllegalStateException("interaction-sync-images.properties missing: build deploy first");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = p.getProperty("version", "");
        if (version.isBlank() || version.contains("${")) {
            throw new IllegalStateException("the image tag was not filtered from the pom: " + version);
        }
        return version;
    }
}

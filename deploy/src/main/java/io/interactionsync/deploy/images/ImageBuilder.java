package io.interactionsync.deploy.images;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import com.google.cloud.tools.jib.api.buildplan.Port;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Builds a service image with Jib, without a Docker daemon: on our own distroless-style base ({@link DebianRootfs} +
 * {@link JavaRuntime}) or on a pinned public base image ({@code --base}), into an OCI tarball or a registry.
 */
public final class ImageBuilder {

    /** What the service layers go on. */
    public sealed interface Base permits OwnBase, RegistryBase {
    }

    /** Our base: Debian packages and a jlinked runtime, built here; no registry needed. */
    public record OwnBase(DebianRootfs.Rootfs rootfs, JavaRuntime.Runtime java) implements Base {
        public List<String> packages() {
            return rootfs.packages().stream().map(DebianRootfs.DebPackage::toString).toList();
        }
    }

    /** A public JRE image from a registry, best by digest (e.g. {@code eclipse-temurin:21-jre@sha256:…}). */
    public record RegistryBase(String reference) implements Base {
    }

    /** One built image: where it went and its manifest digest (the same for the tarball and a push). */
    public record BuiltImage(ServiceImage service, String reference, String digest, Path tarball) {
    }

    private final Path repoRoot;
    private final Path cacheDir;
    private final Path jibCacheDir;
    private final Consumer<String> log;
    private boolean allowInsecureRegistries;

    /**
     * @param cacheDir    downloaded packages and the linked runtime ({@code .local/images})
     * @param jibCacheDir Jib's compressed layers, reused when their files did not change
     */
    public ImageBuilder(Path repoRoot, Path cacheDir, Path jibCacheDir, Consumer<String> log) {
        this.repoRoot = repoRoot;
        this.cacheDir = cacheDir;
        this.jibCacheDir = jibCacheDir;
        this.log = log;
    }

    /** For a registry on plain HTTP (a local test registry); never for a real one. */
    public ImageBuilder allowInsecureRegistries(boolean allow) {
        this.allowInsecureRegistries = allow;
        return this;
    }

    /** Makes our base (cached after the first time). */
    public OwnBase ownBase() {
        return new OwnBase(new DebianRootfs(cacheDir, log).prepare(), new JavaRuntime(cacheDir, log).prepare());
    }

    /** Writes {@code service}'s image as an OCI image-layout tarball. */
    public BuiltImage toTarball(ServiceImage service, Base base, String tag, Path tarball) {
        String reference = service.reference(ImageConventions.REGISTRY, tag);
        try {
            Files.createDirectories(tarball.getParent());
            JibContainer c = container(service, base, tag).containerize(
                    containerizer(Containerizer.to(TarImage.at(tarball).named(reference))));
            return new BuiltImage(service, reference, c.getDigest().toString(), tarball);
        } catch (IOException | InvalidImageReferenceException | InterruptedException | RegistryException
                 | CacheDirectoryCreationException | ExecutionException e) {
            throw failure(service, e);
        }
    }

    /**
     * Pushes {@code service}'s image to {@code <registry>/<artifact>:<tag>}. Credentials: {@code REGISTRY_USERNAME} and
     * {@code REGISTRY_PASSWORD}, else the Docker config ({@code $DOCKER_CONFIG/config.json} or {@code
     * ~/.docker/config.json}, with its credential helpers) and the well-known helpers (gcloud, ECR, ACR…).
     */
    public BuiltImage push(ServiceImage service, Base base, String tag, String registry) {
        String reference = service.reference(registry, tag);
        try {
            JibContainer c = container(service, base, tag).containerize(
                    containerizer(Containerizer.to(registryImage(reference))));
            return new BuiltImage(service, reference, c.getDigest().toString(), null);
        } catch (IOException | InvalidImageReferenceException | InterruptedException | RegistryException
                 | CacheDirectoryCreationException | ExecutionException e) {
            throw failure(service, e);
        }
    }

    JibContainerBuilder container(ServiceImage service, Base base, String tag)
            throws InvalidImageReferenceException {
        JibContainerBuilder b;
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        String java;
        switch (base) {
            case OwnBase own -> {
                b = Jib.fromScratch()
                        .setPlatforms(Set.of(new Platform(own.rootfs().architecture(), "linux")))
                        .addFileEntriesLayer(ImageLayers.rootfs(own.rootfs().dir()))
                        .addFileEntriesLayer(ImageLayers.javaRuntime(own.java().dir()));
                java = ImageConventions.JAVA_HOME + "/bin/java";
                env.put("JAVA_HOME", ImageConventions.JAVA_HOME);
                env.put("PATH", ImageConventions.JAVA_HOME + "/bin:/usr/bin:/bin");
                labels.put("io.interactionsync.image.base.packages", String.join(" ", own.packages()));
                labels.put("io.interactionsync.image.java", own.java().version());
            }
            case RegistryBase registry -> {
                b = Jib.from(registryImage(registry.reference()));
                java = "java"; // the base's PATH and JAVA_HOME
                labels.put("org.opencontainers.image.base.name", registry.reference());
            }
        }
        env.put("LANG", "C.UTF-8");
        labels.put("org.opencontainers.image.title", service.artifact());
        labels.put("org.opencontainers.image.version", tag);
        gitRevision().ifPresent(r -> labels.put("org.opencontainers.image.revision", r));
        gitSource().ifPresent(s -> labels.put("org.opencontainers.image.source", s));
        ImageLayers.quarkusApp(requireFastJar(service)).forEach(b::addFileEntriesLayer);
        return b.setFormat(ImageFormat.OCI)
                .setUser(ImageConventions.UID + ":" + ImageConventions.GID)
                .setWorkingDirectory(AbsoluteUnixPath.get(ImageConventions.APP_DIR))
                // JVM options come from JAVA_TOOL_OPTIONS in the Deployment, not from the image.
                .setEntrypoint(java, "-jar", ImageConventions.APP_DIR + "/quarkus-run.jar")
                .setEnvironment(env)
                .setExposedPorts(service.ports().stream().map(Port::tcp).collect(Collectors.toSet()))
                .setLabels(labels);
    }

    private Containerizer containerizer(Containerizer c) {
        return c.setApplicationLayersCache(jibCacheDir.resolve("application"))
                .setBaseImageLayersCache(jibCacheDir.resolve("base"))
                .setAllowInsecureRegistries(allowInsecureRegistries)
                .setToolName("interaction-sync-images")
                .addEventHandler(LogEvent.class, e -> {
                    if (e.getLevel() == LogEvent.Level.ERROR || e.getLevel() == LogEvent.Level.WARN) {
                        log.accept("jib: " + e.getMessage());
                    }
                });
    }

    private RegistryImage registryImage(String reference) throws InvalidImageReferenceException {
        ImageReference parsed = ImageReference.parse(reference);
        RegistryImage image = RegistryImage.named(parsed);
        String user = System.getenv("REGISTRY_USERNAME");
        String password = System.getenv("REGISTRY_PASSWORD");
        if (user != null && password != null) {
            return image.addCredential(user, password);
        }
        CredentialRetrieverFactory f = CredentialRetrieverFactory.forImage(parsed, e -> { });
        String dockerConfig = System.getenv("DOCKER_CONFIG"); // as the docker CLI reads it
        return image.addCredentialRetriever(dockerConfig == null
                        ? f.dockerConfig() : f.dockerConfig(Path.of(dockerConfig, "config.json")))
                .addCredentialRetriever(f.wellKnownCredentialHelpers());
    }

    private Path requireFastJar(ServiceImage service) {
        Path app = service.quarkusApp(repoRoot);
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(app.resolve("quarkus-run.jar") + " is missing: build it first ("
                    + "./mvnw -B -DskipTests package -pl " + service.artifact() + " -am, or deploy/images.sh without "
                    + "--no-build)");
        }
        return app;
    }

    /** The commit the images are built from; nothing outside a git checkout. */
    private Optional<String> gitRevision() {
        try {
            return Optional.of(Commands.run(repoRoot, List.of("git", "rev-parse", "HEAD")).strip());
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** The origin remote as a browsable https URL, without any credentials it may carry. */
    private Optional<String> gitSource() {
        try {
            return httpsUrl(Commands.run(repoRoot, List.of("git", "remote", "get-url", "origin")).strip());
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    static Optional<String> httpsUrl(String remote) {
        String url = remote.endsWith(".git") ? remote.substring(0, remote.length() - 4) : remote;
        if (url.matches("git@[^:/]+:.+")) {
            return Optional.of("https://" + url.substring(4).replaceFirst(":", "/"));
        }
        if (url.matches("(https?|ssh)://.+")) {
            return Optional.of("https://" + url.replaceFirst("^[a-z]+://([^@/]*@)?", ""));
        }
        return Optional.empty();
    }

    private static IllegalStateException failure(ServiceImage service, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String hint = cause instanceof RegistryUnauthorizedException
                ? " (set REGISTRY_USERNAME and REGISTRY_PASSWORD, or log in so that the Docker config or a credential "
                + "helper has them)" : "";
        return new IllegalStateException("building the " + service.artifact() + " image failed: " + cause + hint, cause);
    }
}

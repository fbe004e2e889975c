package io.interactionsync.deploy.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.deploy.LocalDatabase;
import io.interactionsync.deploy.LocalFiles;
import io.interactionsync.deploy.ManagedProcess;
import io.interactionsync.deploy.Stack;
import io.interactionsync.deploy.StackEndpoints;
import io.interactionsync.deploy.StackService;
import io.interactionsync.deploy.StackTopics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The image path without Docker, in every CI run: builds google-sync-service's image (one of the two smallest) twice
 * from scratch — the same digest and the same bytes —, reads the OCI tarball as a runtime does, unpacks it and runs
 * it: {@code java} as the non-root user, then the service itself from the read-only image root against the test
 * JVM's Kafka broker, emulator and PostgreSQL, until it is ready. The base comes from {@code .local/images} (made on
 * first use: Debian packages through apt, jlink).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceImageIT {

    /** google-sync-service in CI; {@code -Dimage.it.service=<artifact>} checks another image the same way. */
    static final ServiceImage SERVICE = ServiceImage.byArtifact(
            System.getProperty("image.it.service", ServiceImage.GOOGLE_SYNC.artifact()));
    static final StackService STACK_SERVICE = Arrays.stream(StackService.values())
            .filter(s -> s.artifact().equals(SERVICE.artifact())).findFirst().orElseThrow();

    final Path repoRoot = Path.of("..").toAbsolutePath().normalize();
    final Path work = Path.of("target/image-it").toAbsolutePath();
    ImageBuilder.BuiltImage first;
    ImageBuilder.BuiltImage second;
    OciImage image;
    Path rootfs;

    @BeforeAll
    void buildTwiceAndUnpack() throws Exception {
        if (Files.exists(work)) {
            ContainerRun.requireNotMounted(work);
            LocalFiles.deleteRecursively(work);
        }
        Path cache = repoRoot.resolve(".local/images");
        String tag = ImageConventions.tag();
        long start = System.nanoTime();
        // Each build with an empty Jib cache of its own: the layers are compressed twice, not reused.
        ImageBuilder builder = new ImageBuilder(repoRoot, cache, work.resolve("jib-1"), System.out::println);
        ImageBuilder.OwnBase base = builder.ownBase();
        long baseReady = System.nanoTime();
        first = builder.toTarball(SERVICE, base, tag, work.resolve("1/" + SERVICE.artifact() + ".tar"));
        long firstBuilt = System.nanoTime();
        second = new ImageBuilder(repoRoot, cache, work.resolve("jib-2"), System.out::println)
                .toTarball(SERVICE, base, tag, work.resolve("2/" + SERVICE.artifact() + ".tar"));
        System.out.printf("image: base %.1f s, build %.1f s, rebuild %.1f s, %d bytes, %s%n",
                (baseReady - start) / 1e9, (firstBuilt - baseReady) / 1e9, (System.nanoTime() - firstBuilt) / 1e9,
                Files.size(first.tarball()), first.digest());
        image = OciImage.open(first.tarball(), work.resolve("layout"));
        rootfs = work.resolve("rootfs");
        image.unpack(rootfs);
    }

    @Test
    void shouldBuildTheSameImageTwice() throws IOException {
        assertThat(second.digest()).isEqualTo(first.digest());
        assertThat(Files.mismatch(first.tarball(), second.tarball())).isEqualTo(-1L);
        assertThat(first.reference()).isEqualTo("ghcr.io/interactionsync/" + SERVICE.artifact() + ":"
                + ImageConventions.tag());
    }

    @Test
    void shouldWriteAnOciImageThatRunsJavaAsTheNonRootUser() {
        assertThat(image.index().at("/manifests/0/digest").asText()).isEqualTo(first.digest());
        assertThat(image.index().at("/manifests/0/annotations/org.opencontainers.image.ref.name").asText())
                .isEqualTo(first.reference());
        assertThat(image.manifest().get("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        JsonNode config = image.config().get("config");
        assertThat(config.get("User").asText()).isEqualTo("65532:65532");
        assertThat(config.get("WorkingDir").asText()).isEqualTo("/deployments");
        assertThat(texts(config.get("Entrypoint"))).containsExactly("/opt/java/bin/java", "-jar",
                "/deployments/quarkus-run.jar");
        assertThat(texts(config.get("Env"))).contains("JAVA_HOME=/opt/java", "LANG=C.UTF-8");
        assertThat(config.get("ExposedPorts").has("9000/tcp")).isTrue();
        assertThat(config.at("/Labels/org.opencontainers.image.version").asText()).isEqualTo(ImageConventions.tag());
        assertThat(config.at("/Labels/io.interactionsync.image.base.packages").asText()).contains("libc6=");
        assertThat(image.config().get("created").asText()).isEqualTo("1970-01-01T00:00:00Z");
    }

    /** Least often changed first: a code change rebuilds and pushes only the top layers. */
    @Test
    void shouldLayerTheBaseTheDependenciesAndTheApplicationApart() throws Exception {
        assertThat(image.layerNames()).containsExactly("debian", "java-runtime", "dependencies", "project-libraries",
                "quarkus", "application");
        assertThat(image.layerPaths(0)).contains("etc/passwd", "lib/x86_64-linux-gnu/libc.so.6",
                "home/nonroot/", "var/lib/dpkg/status.d/libc6");
        assertThat(image.layerPaths(1)).contains("opt/java/bin/java", "opt/java/lib/modules");
        assertThat(image.layerPaths(2)).anyMatch(p -> p.startsWith("deployments/lib/boot/"))
                .noneMatch(p -> p.contains("/io.interactionsync."));
        assertThat(image.layerPaths(3)).filteredOn(p -> p.endsWith(".jar"))
                .isNotEmpty().allMatch(p -> p.startsWith("deployments/lib/main/io.interactionsync."));
        assertThat(image.layerPaths(4)).contains("deployments/quarkus/quarkus-application.dat");
        assertThat(image.layerPaths(5)).contains("deployments/quarkus-run.jar",
                "deployments/app/" + SERVICE.artifact() + "-" + ImageConventions.tag() + ".jar");
    }

    @Test
    void shouldRunJavaAsTheNonRootUserWithUtf8() throws Exception {
        assertThat(Files.readString(rootfs.resolve("etc/passwd"))).contains("nonroot:x:65532:65532:");
        assertThat(unreadableByOthers(rootfs.resolve("deployments"))).isEmpty();
        assertThat(unreadableByOthers(rootfs.resolve("opt/java"))).isEmpty();
        String settings = OciImage.run(ContainerRun.command(rootfs, image.config(), Map.of(),
                List.of("/opt/java/bin/java", "-XshowSettings:properties", "-version")));
        assertThat(settings).contains("user.name = nonroot", "user.home = /home/nonroot", "user.dir = /deployments",
                "java.home = /opt/java", "native.encoding = UTF-8",
                "java.runtime.version = " + System.getProperty("java.runtime.version"));
    }

    /** The entrypoint as the Deployment runs it: read-only root, /tmp an empty volume, JVM options from the env. */
    @Test
    void shouldStartTheServiceFromTheImage() throws Exception {
        int[] apiPorts = new int[StackService.values().length]; // 0: not started here
        apiPorts[STACK_SERVICE.ordinal()] = LocalFiles.freePort();
        StackEndpoints endpoints = new StackEndpoints(KafkaTestResource.bootstrapServers(),
                EmulatorTestResource.baseUrl(), new LocalDatabase("127.0.0.1", 5432, "postgres", "interaction_sync_image"),
                apiPorts[0], apiPorts[1], apiPorts[2], apiPorts[3], apiPorts[4],
                "image:" + Base64.getEncoder().encodeToString(new byte[32]));
        endpoints.database().recreate();
        StackTopics.ensure(endpoints.kafkaBootstrap());
        Map<String, String> env = new HashMap<>(STACK_SERVICE.environment(endpoints));
        env.put(Stack.INSTANCE_ID_ENV, STACK_SERVICE.instanceName() + "-image-0");
        env.put("JAVA_TOOL_OPTIONS", "-Xmx256m -XX:+UseSerialGC");
        try (ManagedProcess service = ManagedProcess.start(SERVICE.artifact(),
                ContainerRun.command(rootfs, image.config(), env, List.of()), Map.of(),
                work.resolve("logs/" + SERVICE.artifact() + ".log"))) {
            service.awaitHttpOk(URI.create(STACK_SERVICE.managementUrl(endpoints) + "/q/health/live"),
                    Duration.ofSeconds(90));
            service.awaitHttpOk(URI.create(STACK_SERVICE.healthUrl(endpoints)), Duration.ofSeconds(60));
            // The exec chain (unshare, sh, env, unshare) ends in the JVM itself: its uid and root are the image's.
            assertThat(Files.readAllLines(Path.of("/proc/" + service.pid() + "/status")))
                    .contains("Uid:\t65532\t65532\t65532\t65532", "Gid:\t65532\t65532\t65532\t65532");
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + service.pid() + "/root"))).isEqualTo(rootfs);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Files (and directories) the non-root user could not read (or enter). */
    private static List<Path> unreadableByOthers(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> {
                try {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                    return !perms.contains(PosixFilePermission.OTHERS_READ)
                            || Files.isDirectory(p) && !perms.contains(PosixFilePermission.OTHERS_EXECUTE);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}

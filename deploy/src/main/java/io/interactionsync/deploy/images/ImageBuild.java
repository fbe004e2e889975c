package io.interactionsync.deploy.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code deploy/images.sh}: the five service images as OCI tarballs in {@code deploy/target/images/}, with no Docker
 * daemon, optionally pushed to a registry and pinned by digest into overlays. Prints each image's digest and writes
 * {@code images.json} (service → reference, digest; the base's package and Java versions).
 */
public final class ImageBuild {

    static final String USAGE = """
            Usage: deploy/images.sh [--no-build] [--service NAME]... [--push REGISTRY] [--base IMAGE] [--pin OVERLAY_DIR]...
                                    [--output DIR] [--allow-insecure-registry]
              --service NAME   only this service (repeatable; default all five)
              --no-build       use the service jars as they are (default: ./mvnw -DskipTests package first)
              --push REGISTRY  also push <REGISTRY>/<service>:<tag> (credentials: REGISTRY_USERNAME/REGISTRY_PASSWORD,
                               else $DOCKER_CONFIG or ~/.docker/config.json and its credential helpers)
              --base IMAGE     build on a public JRE image (pin it by digest, e.g. eclipse-temurin:21-jre@sha256:...)
                               instead of the Debian + jlink base made here (needs that registry)
              --pin DIR        rewrite DIR/kustomization.yaml's images: entries to the built digests
              --output DIR     where the tarballs and images.json go (default deploy/target/images)
              --allow-insecure-registry  a registry on plain HTTP (a local test registry only)
            Cache: .local/images (Debian packages, the linked Java runtime, Jib's layers); delete it to start over.""";

    private ImageBuild() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static void run(String[] args) {
        Path repoRoot = Path.of("").toAbsolutePath();
        List<ServiceImage> services = new ArrayList<>();
        List<Path> pins = new ArrayList<>();
        String push = null;
        String baseImage = null;
        boolean insecure = false;
        Path output = repoRoot.resolve("deploy/target/images");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--service" -> services.add(ServiceImage.byArtifact(value(args, ++i)));
                case "--push" -> push = value(args, ++i).replaceAll("/+$", "");
                case "--base" -> baseImage = value(args, ++i);
                case "--pin" -> pins.add(Path.of(value(args, ++i)));
                case "--output" -> output = Path.of(value(args, ++i)).toAbsolutePath();
                case "--allow-insecure-registry" -> insecure = true;
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            }
        }
        if (services.isEmpty()) {
            services.addAll(Arrays.asList(ServiceImage.values()));
        }
        String tag = ImageConventions.tag();
        Path cache = repoRoot.resolve(".local/images");
        ImageBuilder builder = new ImageBuilder(repoRoot, cache, cache.resolve("jib"), m -> System.out.println("   " + m))
                .allowInsecureRegistries(insecure);

        long start = System.nanoTime();
        ImageBuilder.Base base;
        if (baseImage != null) {
            base = new ImageBuilder.RegistryBase(baseImage);
            System.out.println("==> base: " + baseImage);
        } else {
            ImageBuilder.OwnBase own = builder.ownBase();
            base = own;
            System.out.printf(Locale.ROOT, "==> base: %s; Java %s (%.1f s)%n", String.join(" ", own.packages()),
                    own.java().version(), seconds(start));
        }
        Map<ServiceImage, ImageBuilder.BuiltImage> built = new EnumMap<>(ServiceImage.class);
        Map<ServiceImage, String> pushed = new EnumMap<>(ServiceImage.class);
        for (ServiceImage service : services) {
            long t = System.nanoTime();
            ImageBuilder.BuiltImage image = builder.toTarball(service, base, tag,
                    output.resolve(service.artifact() + ".tar"));
            built.put(service, image);
            System.out.printf(Locale.ROOT, "==> %-22s %s  %s  %.0f MiB  (%.1f s)%n", service.artifact(),
                    image.reference(), image.digest(), size(image.tarball()) / 1048576.0, seconds(t));
            if (push != null) {
                ImageBuilder.BuiltImage p = builder.push(service, base, tag, push);
                if (!p.digest().equals(image.digest())) {
                    throw new IllegalStateException("pushed digest " + p.digest() + " differs from the tarball's "
                            + image.digest());
                }
                pushed.put(service, p.reference());
                System.out.println("    pushed " + p.reference() + "@" + p.digest());
            }
        }
        writeIndex(output.resolve("images.json"), tag, base, built, pushed);
        Map<ServiceImage, String> digests = new EnumMap<>(ServiceImage.class);
        built.forEach((s, i) -> digests.put(s, i.digest()));
        for (Path overlay : pins) {
            OverlayPins.pin(overlay, digests, push);
            System.out.println("==> pinned " + overlay.resolve("kustomization.yaml"));
        }
        System.out.printf(Locale.ROOT, "==> %d image(s) in %s (%.1f s)%n", built.size(), output, seconds(start));
    }

    static void writeIndex(Path file, String tag, ImageBuilder.Base base, Map<ServiceImage, ImageBuilder.BuiltImage> built,
                           Map<ServiceImage, String> pushed) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode().put("tag", tag);
        ObjectNode b = root.putObject("base");
        switch (base) {
            case ImageBuilder.OwnBase own -> {
                b.putPOJO("debianPackages", own.packages());
                b.put("java", own.java().version());
                b.putPOJO("javaModules", own.java().modules());
            }
            case ImageBuilder.RegistryBase r -> b.put("image", r.reference());
        }
        ObjectNode images = root.putObject("images");
        built.forEach((service, image) -> {
            ObjectNode i = images.putObject(service.artifact())
                    .put("reference", image.reference())
                    .put("digest", image.digest())
                    .put("tarball", file.getParent().relativize(image.tarball()).toString())
                    .put("bytes", size(image.tarball()));
            if (pushed.containsKey(service)) {
                i.put("pushed", pushed.get(service));
            }
        });
        try {
            Files.createDirectories(file.getParent());
            json.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}

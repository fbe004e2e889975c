package io.interactionsync.deploy.images;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The layers, least often changed first, as Quarkus' own Jib extension splits a fast-jar: a code change rebuilds
 * and pushes only the small top layers. Entries are in path order with Jib's fixed time stamp, owned by root
 * (the image's user only reads them), so the same inputs give the same layer digests on any machine.
 */
final class ImageLayers {

    /** The project's own modules in {@code lib/main} ({@code <groupId>.<artifactId>-<version>.jar}). */
    static final String PROJECT_GROUP_PREFIX = "io.interactionsync.";

    private ImageLayers() {
    }

    /** The operating-system files as unpacked (their modes come from the packages); the user's home is its own. */
    static FileEntriesLayer rootfs(Path rootfs) {
        String home = "/home/" + ImageConventions.USER_NAME;
        String owner = ImageConventions.UID + ":" + ImageConventions.GID;
        return tree("debian", rootfs, "/", ImageLayers::ownPermissions, dest -> dest.equals(home) ? owner : "");
    }

    static FileEntriesLayer javaRuntime(Path runtime) {
        return tree("java-runtime", runtime, ImageConventions.JAVA_HOME, ImageLayers::readablePermissions, dest -> "");
    }

    /**
     * The fast-jar's layers: third-party dependencies; the project's own libraries; Quarkus' generated and transformed
     * classes; the application jar with the launcher. Everything of {@code quarkus-app} lands in exactly one of them.
     */
    static List<FileEntriesLayer> quarkusApp(Path quarkusApp) {
        Function<Path, String> layerOf = p -> {
            String rel = quarkusApp.relativize(p).toString();
            if (rel.startsWith("lib/main/" + PROJECT_GROUP_PREFIX)) {
                return "project-libraries";
            } else if (rel.equals("lib") || rel.startsWith("lib/")) {
                return "dependencies";
            } else if (rel.equals("quarkus") || rel.startsWith("quarkus/")) {
                return "quarkus";
            }
            return "application";
        };
        Map<String, FileEntriesLayer.Builder> layers = new LinkedHashMap<>();
        for (String name : List.of("dependencies", "project-libraries", "quarkus", "application")) {
            layers.put(name, FileEntriesLayer.builder().setName(name));
        }
        add(layers, quarkusApp, ImageConventions.APP_DIR, layerOf, ImageLayers::readablePermissions, dest -> "");
        return layers.values().stream().map(FileEntriesLayer.Builder::build).toList();
    }

    private static FileEntriesLayer tree(String name, Path source, String target,
                                         Function<Path, FilePermissions> permissions,
                                         Function<String, String> ownership) {
        Map<String, FileEntriesLayer.Builder> layers = Map.of(name, FileEntriesLayer.builder().setName(name));
        add(layers, source, target, p -> name, permissions, ownership);
        return layers.get(name).build();
    }

    private static void add(Map<String, FileEntriesLayer.Builder> layers, Path source, String target,
                            Function<Path, String> layerOf, Function<Path, FilePermissions> permissions,
                            Function<String, String> ownership) {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(source)) {
            paths = walk.filter(p -> !p.equals(source)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path p : paths) {
            if (Files.isSymbolicLink(p)) {
                throw new IllegalStateException("symlink in an image tree: " + p);
            }
            String dest = (target.equals("/") ? "" : target) + "/" + source.relativize(p).toString();
            layers.get(layerOf.apply(p)).addEntry(p, AbsoluteUnixPath.get(dest), permissions.apply(p),
                    FileEntriesLayer.DEFAULT_MODIFICATION_TIME, ownership.apply(dest));
        }
    }

    /** The mode the file has (packages set them; e.g. /root is 700); Jib keeps rwx bits only, no sticky bit. */
    private static FilePermissions ownPermissions(Path p) {
        try {
            return FilePermissions.fromPosixFilePermissions(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 755 for directories and executables, 644 otherwise: readable by the non-root user whatever the build umask. */
    private static FilePermissions readablePermissions(Path p) {
        try {
            boolean executable = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || Files.getPosixFilePermissions(p,
                    LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
            return FilePermissions.fromOctalString(executable ? "755" : "644");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

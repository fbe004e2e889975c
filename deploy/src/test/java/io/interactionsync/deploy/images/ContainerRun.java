package io.interactionsync.deploy.images;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a command of an unpacked image the way a pod runs its container, without a container runtime: in a private
 * mount namespace the root is the image (read-only, as {@code readOnlyRootFilesystem}), with {@code /proc}, {@code
 * /dev}, an empty writable {@code /tmp} (the pods' emptyDir) and the host's {@code /etc/hosts} and {@code resolv.conf};
 * the config's user, working directory and environment only (the host's is cleared). Needs root (CI runs as root).
 */
final class ContainerRun {

    /** $1 = rootfs; the rest is the command. The mounts vanish with the namespace when the process ends. */
    private static final String SETUP = """
            set -eu
            R=$1; shift
            mount --bind "$R" "$R"
            mount -o remount,bind,ro "$R"
            mount -t proc proc "$R/proc"
            mount --rbind /dev "$R/dev"
            mount -t tmpfs -o mode=1777,size=256m tmpfs "$R/tmp"
            mount --bind /etc/hosts "$R/etc/hosts"
            mount --bind /etc/resolv.conf "$R/etc/resolv.conf"
            exec "$@"
            """;

    private ContainerRun() {
    }

    /**
     * The host command that runs {@code args} (default: the image's entrypoint) in {@code rootfs} per {@code config}
     * with {@code env} added to the image's environment.
     */
    static List<String> command(Path rootfs, JsonNode config, Map<String, String> env, List<String> args)
            throws IOException {
        requireRoot();
        // Mount points, as a runtime creates them in the container's root.
        for (String file : List.of("etc/hosts", "etc/resolv.conf")) {
            if (!Files.exists(rootfs.resolve(file))) {
                Files.createFile(rootfs.resolve(file));
            }
        }
        JsonNode c = config.get("config");
        String[] user = c.get("User").asText().split(":");
        Map<String, String> environment = new LinkedHashMap<>();
        c.get("Env").forEach(e -> environment.put(e.asText().substring(0, e.asText().indexOf('=')),
                e.asText().substring(e.asText().indexOf('=') + 1)));
        environment.putAll(env);

        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                "sh", "-c", SETUP, "container", rootfs.toString(), "env", "-i"));
        environment.forEach((k, v) -> command.add(k + "=" + v));
        command.addAll(List.of("/usr/bin/unshare", "--root=" + rootfs, "--wd=" + c.get("WorkingDir").asText(),
                "--setgid", user[1], "--setuid", user[0], "--"));
        if (args.isEmpty()) {
            c.get("Entrypoint").forEach(a -> command.add(a.asText()));
        } else {
            command.addAll(args);
        }
        return command;
    }

    private static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("running an image without a container runtime needs root (mount "
                    + "namespace, chroot, setuid); CI and these machines run as root");
        }
    }

    /** Nothing of {@code dir} is mounted in this (the host's) namespace: safe to delete recursively. */
    static void requireNotMounted(Path dir) throws IOException {
        String absolute = dir.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mountPoint = line.split(" ")[4];
            if (mountPoint.startsWith(absolute)) {
                throw new IllegalStateException(mountPoint + " is still mounted; unmount it before deleting " + dir);
            }
        }
    }
}

package io.interactionsync.deploy.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Jib writes layer entries from regular files and directories only (a symlink would be followed on the build host),
 * so the few links of the base (glibc's loader in /lib64, libstdc++'s soname, os-release, the JDK's legal notices)
 * become copies of their targets, resolved inside the image's root as the container would resolve them.
 */
final class Symlinks {

    /** Part of the cache keys: a change of this rule must not reuse trees made by the old one. */
    static final String RULE = "symlinks-copied-v1";

    private Symlinks() {
    }

    static void materialize(Path root) throws IOException {
        List<Path> links;
        try (Stream<Path> walk = Files.walk(root)) {
            links = walk.filter(Files::isSymbolicLink).toList();
        }
        for (Path link : links) {
            Path target = resolveInside(root, link);
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException("unsupported symlink " + root.relativize(link) + " → "
                        + Files.readSymbolicLink(link) + " (not a regular file inside the image)");
            }
            Files.delete(link);
            Files.copy(target, link, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** Follows {@code link} (absolute targets from {@code root}, relative ones from the link's directory). */
    static Path resolveInside(Path root, Path link) throws IOException {
        Path current = link;
        for (int hops = 0; hops < 40 && Files.isSymbolicLink(current); hops++) {
            Path target = Files.readSymbolicLink(current);
            Path next = target.isAbsolute()
                    ? root.resolve(target.toString().substring(1))
                    : current.getParent().resolve(target);
            current = next.normalize();
            if (!current.startsWith(root)) {
                throw new IllegalStateException("symlink " + root.relativize(link) + " leaves the image");
            }
        }
        return current;
    }
}

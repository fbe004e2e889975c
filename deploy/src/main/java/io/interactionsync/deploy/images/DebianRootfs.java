package io.interactionsync.deploy.images;

import io.interactionsync.deploy.LocalFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The base image's operating-system files, distroless-style: the few Debian packages a JVM needs, fetched with
 * {@code apt-get download} (cached by name and version) and unpacked with {@code dpkg-deb -x} — no package manager, no
 * shell, no maintainer scripts — plus the non-root user and the {@code /var/lib/dpkg/status.d} entries that image
 * scanners read to know which package versions are inside.
 */
final class DebianRootfs {

    /**
     * glibc for the JVM; libgcc_s and libstdc++ for brotli4j's native library (in every service through Quarkus'
     * HTTP compression); apt adds their dependencies (gcc-NN-base: the GCC runtime's copyright).
     */
    static final List<String> LIBRARIES = List.of("libc6", "libgcc-s1", "libstdc++6");
    /** {@code /etc/os-release} (scanners identify the distribution by it) and the FHS directories; its awk
     * pre-dependency only serves maintainer scripts, which never run here. */
    static final String BASE_FILES = "base-files";
    /**
     * Packages of which only some files are taken: glibc's C.UTF-8 locale, without which {@code LANG=C.UTF-8} falls
     * back to ASCII and the JVM's native encoding (file names, {@code System.out}) with it.
     */
    static final Map<String, Pattern> PARTIAL = Map.of(
            "libc-bin", Pattern.compile("usr/lib/locale/C\\.utf8(/.*)?|usr/share/doc/libc-bin/copyright"));
    /** Nothing a JVM reads: documentation (each package's copyright kept), glibc's iconv modules (Java has its own
     * charsets), debugger and lintian data. */
    static final Pattern PRUNED = Pattern.compile(
            "usr/share/(doc|man|info|lintian|gdb|gcc)(/.*)?|usr/lib/[^/]+/gconv(/.*)?");
    static final Pattern KEPT = Pattern.compile("usr/share/doc/[^/]+/copyright");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");

    /** One package as it is in the image. */
    record DebPackage(String name, String version, String architecture) {
        /** The file name apt-get download writes (an epoch's colon as %3a). */
        String fileName() {
            return name + "_" + version.replace(":", "%3a") + "_" + architecture + ".deb";
        }

        @Override
        public String toString() {
            return name + "=" + version;
        }
    }

    /** The unpacked root file system (cached, never modified once made) and what it holds. */
    record Rootfs(Path dir, List<DebPackage> packages) {
        /** Debian and OCI name amd64 and arm64 alike. */
        String architecture() {
            return packages.getFirst().architecture();
        }
    }

    private final Path cacheDir;
    private final Consumer<String> log;

    DebianRootfs(Path cacheDir, Consumer<String> log) {
        this.cacheDir = cacheDir;
        this.log = log;
    }

    /** The root file system for the current candidate versions of the packages, made on first use. */
    Rootfs prepare() {
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        requireTool("apt-cache");
        List<DebPackage> packages;
        List<Path> debs;
        try {
            packages = resolve();
            debs = download(packages);
        } catch (IllegalStateException e) {
            // No package lists yet, or old ones naming versions the mirror no longer has: refresh once, try again.
            updateIndexes(e);
            packages = resolve();
            debs = download(packages);
        }
        Map<String, String> generated = generatedFiles();
        Path dir = cacheDir.resolve("rootfs").resolve(key(packages, generated));
        if (Files.isDirectory(dir)) {
            return new Rootfs(dir, packages);
        }
        try {
            Files.createDirectories(dir.getParent());
            Path work = Files.createTempDirectory(dir.getParent(), "work-");
            for (int i = 0; i < debs.size(); i++) {
                unpack(debs.get(i), packages.get(i).name(), work);
                write(work, work.resolve("var/lib/dpkg/status.d").resolve(packages.get(i).name()),
                        Commands.run(work, List.of("dpkg-deb", "-f", debs.get(i).toString())));
            }
            prune(work);
            Symlinks.materialize(work);
            for (Map.Entry<String, String> f : generated.entrySet()) {
                write(work, work.resolve(f.getKey()), f.getValue());
            }
            directories(work, work.resolve("home").resolve(ImageConventions.USER_NAME));
            Files.setPosixFilePermissions(work, DIRECTORY);
            try {
                Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                LocalFiles.deleteRecursively(work); // another build made the same one meanwhile
                if (!Files.isDirectory(dir)) {
                    throw raced;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Rootfs(dir, packages);
    }

    /** {@code dpkg-deb -x}; of a {@link #PARTIAL} package only the files its pattern names. */
    private static void unpack(Path deb, String name, Path root) throws IOException {
        Pattern only = PARTIAL.get(name);
        if (only == null) {
            Commands.run(root, List.of("dpkg-deb", "-x", deb.toString(), "."));
            return;
        }
        Path all = Files.createTempDirectory(root.getParent(), "partial-");
        try {
            Commands.run(all, List.of("dpkg-deb", "-x", deb.toString(), "."));
            List<Path> files;
            try (Stream<Path> walk = Files.walk(all)) {
                files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        && only.matcher(all.relativize(p).toString()).matches()).toList();
            }
            for (Path f : files) {
                Path target = root.resolve(all.relativize(f).toString());
                directories(root, target.getParent());
                Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        } finally {
            LocalFiles.deleteRecursively(all);
        }
    }

    /** The libraries with their dependencies (apt's resolution) and base-files, at their candidate versions. */
    private List<DebPackage> resolve() {
        List<String> depends = new ArrayList<>(List.of("apt-cache", "depends", "--recurse", "--no-recommends",
                "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"));
        depends.addAll(LIBRARIES);
        TreeSet<String> names = new TreeSet<>(packageNames(Commands.run(cacheDir, depends)));
        names.add(BASE_FILES);
        names.addAll(PARTIAL.keySet());
        List<String> show = new ArrayList<>(List.of("apt-cache", "show", "--no-all-versions"));
        show.addAll(names);
        List<DebPackage> packages = parseRecords(Commands.run(cacheDir, show));
        if (packages.size() != names.size()) {
            throw new IllegalStateException("apt knows " + packages + " of " + names);
        }
        return packages;
    }

    /** {@code apt-cache depends --recurse} prints each package unindented; {@code <virtual>} ones are skipped. */
    static List<String> packageNames(String dependsOutput) {
        return dependsOutput.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))
                && !l.startsWith("<")).map(String::strip).distinct().toList();
    }

    static List<DebPackage> parseRecords(String showOutput) {
        List<DebPackage> packages = new ArrayList<>();
        for (String record : showOutput.split("\n\n")) {
            Map<String, String> fields = new LinkedHashMap<>();
            record.lines().filter(l -> !l.isEmpty() && !Character.isWhitespace(l.charAt(0)) && l.contains(":"))
                    .forEach(l -> fields.putIfAbsent(l.substring(0, l.indexOf(':')), l.substring(l.indexOf(':') + 1).strip()));
            if (fields.containsKey("Package")) {
                packages.add(new DebPackage(fields.get("Package"), fields.get("Version"), fields.get("Architecture")));
            }
        }
        packages.sort(Comparator.comparing(DebPackage::name));
        return packages;
    }

    private void updateIndexes(IllegalStateException cause) {
        log.accept("apt-get update (" + cause.getMessage().lines().findFirst().orElse("") + ")");
        try {
            Commands.run(cacheDir, List.of("apt-get", "update", "-q"));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("The base image needs Debian packages " + LIBRARIES + " from apt: "
                    + cause.getMessage() + "\nand apt-get update failed too: " + e.getMessage() + "\nRun `apt-get "
                    + "update` (as root) with the Debian mirror reachable, or build on a pinned public base with "
                    + "--base <image>.", e);
        }
    }

    private List<Path> download(List<DebPackage> packages) {
        List<Path> debs = new ArrayList<>();
        for (DebPackage p : packages) {
            debs.add(download(p));
        }
        return debs;
    }

    /** The cached .deb, downloaded first if missing (a new version = a new file; old ones stay until removed). */
    private Path download(DebPackage p) {
        Path debs = cacheDir.resolve("debs");
        Path deb = debs.resolve(p.fileName());
        if (Files.isRegularFile(deb)) {
            return deb;
        }
        requireTool("apt-get");
        try {
            Files.createDirectories(debs);
            Path tmp = Files.createTempDirectory(debs, "download-");
            try {
                // As root, apt drops to user _apt for downloads, which cannot write here; the sandbox adds nothing.
                Commands.run(tmp, List.of("apt-get", "download", "-q", "-o", "APT::Sandbox::User=root",
                        p.name() + "=" + p.version()));
                Files.move(tmp.resolve(p.fileName()), deb, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } finally {
                LocalFiles.deleteRecursively(tmp);
            }
        } catch (IllegalStateException e) {
            throw new IllegalStateException("could not download " + p + " with apt-get (cached packages: " + debs
                    + "): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log.accept("downloaded " + p.fileName());
        return deb;
    }

    private void requireTool(String tool) {
        try {
            Commands.run(cacheDir, List.of("sh", "-c", "command -v " + tool));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("The base image is made from Debian packages with apt and dpkg-deb, and "
                    + tool + " is missing: build on a Debian or Ubuntu machine, or on a pinned public base with "
                    + "--base <image>.");
        }
    }

    /** Deletes what {@link #PRUNED} names, except {@link #KEPT}, and the directories that leaves empty. */
    static void prune(Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            String rel = root.relativize(p).toString();
            if (!PRUNED.matcher(rel).matches() || KEPT.matcher(rel).matches()) {
                continue;
            }
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> left = Files.list(p)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(p);
                    }
                }
            } else {
                Files.delete(p);
            }
        }
    }

    /**
     * The user database (root and the non-root user of {@link ImageConventions}) and name lookup: {@code files}
     * before {@code dns}, so that a pod's own name in its {@code /etc/hosts} resolves without a DNS round trip.
     */
    static Map<String, String> generatedFiles() {
        String user = ImageConventions.USER_NAME;
        int uid = ImageConventions.UID;
        int gid = ImageConventions.GID;
        Map<String, String> files = new LinkedHashMap<>();
        files.put("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\n"
                + user + ":x:" + uid + ":" + gid + ":" + user + ":/home/" + user + ":/sbin/nologin\n");
        files.put("etc/group", "root:x:0:\n" + user + ":x:" + gid + ":\n");
        files.put("etc/nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n");
        return files;
    }

    private static String key(List<DebPackage> packages, Map<String, String> generated) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((packages + "\n" + PARTIAL + "\n" + PRUNED + "\n" + KEPT + "\n" + generated + "\n" + Symlinks.RULE)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code content} as 644 with a fixed time, so the layer does not depend on the umask or the clock. */
    private static void write(Path root, Path file, String content) throws IOException {
        directories(root, file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setLastModifiedTime(file, FileTime.fromMillis(0));
    }

    /** Creates the missing directories down to {@code dir} as 755 whatever the umask (the packages' own keep theirs). */
    private static void directories(Path root, Path dir) throws IOException {
        Path current = root;
        for (Path name : root.relativize(dir)) {
            current = current.resolve(name);
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(current);
                Files.setPosixFilePermissions(current, DIRECTORY);
            }
        }
    }
}

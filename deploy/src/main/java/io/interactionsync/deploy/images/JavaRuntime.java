package io.interactionsync.deploy.images;

import io.interactionsync.deploy.LocalFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.spi.ToolProvider;

/**
 * The images' Java runtime: {@code jlink} of the JDK that runs this tool (the services target Java 21 bytecode;
 * a JDK 25 runs them, as on the local stack), cached under the JDK's version and the module list.
 */
final class JavaRuntime {

    /**
     * The whole Java SE API ({@code java.se}) rather than a jdeps-derived list: Hibernate, PostgreSQL's driver and
     * Quarkus need java.beans (java.desktop), JDBC, JNDI, JMX, SASL and GSS; jdeps misses what is reached by reflection
     * or service loading, and a new dependency must not fail at run time for want of a module. On top of it:
     * sun.misc.Unsafe (Netty, Kafka), com.sun.management (Micrometer's process metrics), Netty's extended socket
     * options, the zip file system, the extended charsets of mail bodies and headers (ISO-2022-JP, Big5, GB18030…),
     * Flight Recorder and {@code jcmd}/{@code jstack} for {@code kubectl exec}. Not jdk.localedata: dates and numbers
     * are formatted in the root or English locale, which java.base has.
     */
    static final List<String> MODULES = List.of("java.se", "jdk.unsupported", "jdk.management", "jdk.net",
            "jdk.zipfs", "jdk.charsets", "jdk.jfr", "jdk.management.jfr", "jdk.jcmd",
            "jdk.crypto.ec"); // SunEC on JDK 21 (java.base has it from JDK 22 on; an empty module until removed)
    /** The default CDS archive for faster start; without the one for heaps over 32 GB (nocoops). */
    static final List<String> OPTIONS = List.of("--strip-debug", "--no-man-pages", "--no-header-files",
            "--generate-cds-archive");

    /** A linked runtime and the JDK it came from. */
    record Runtime(Path dir, String version, List<String> modules) {
    }

    private final Path cacheDir;
    private final Consumer<String> log;

    JavaRuntime(Path cacheDir, Consumer<String> log) {
        this.cacheDir = cacheDir;
        this.log = log;
    }

    Runtime prepare() {
        String version = System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version");
        List<String> modules = MODULES.stream().filter(m -> ModuleFinder.ofSystem().find(m).isPresent()).toList();
        Path dir = cacheDir.resolve("java").resolve(key(version, modules));
        if (Files.isDirectory(dir)) {
            return new Runtime(dir, version, modules);
        }
        ToolProvider jlink = ToolProvider.findFirst("jlink").orElseThrow(() -> new IllegalStateException(
                "jlink is missing: run the image build with a JDK (not a JRE), e.g. Temurin 21 or 25"));
        log.accept("linking the Java runtime (" + version + ", " + modules.size() + " modules)");
        try {
            Files.createDirectories(dir.getParent());
            Path work = Files.createTempDirectory(dir.getParent(), "work-");
            Path out = work.resolve("java");
            List<String> args = new ArrayList<>(List.of("--add-modules", String.join(",", modules)));
            args.addAll(OPTIONS);
            args.addAll(List.of("--output", out.toString()));
            ByteArrayOutputStream messages = new ByteArrayOutputStream();
            try (PrintStream print = new PrintStream(messages, true, StandardCharsets.UTF_8)) {
                if (jlink.run(print, print, args.toArray(String[]::new)) != 0) {
                    LocalFiles.deleteRecursively(work);
                    throw new IllegalStateException("jlink failed: " + messages.toString(StandardCharsets.UTF_8));
                }
            }
            Files.deleteIfExists(out.resolve("lib/server/classes_nocoops.jsa"));
            Symlinks.materialize(out);
            try {
                Files.move(out, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (!Files.isDirectory(dir)) {
                    throw raced;
                }
            } finally {
                LocalFiles.deleteRecursively(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Runtime(dir, version, modules);
    }

    private static String key(String version, List<String> modules) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((version + "\n" + System.getProperty("java.home") + "\n" + modules + "\n" + OPTIONS + "\n"
                    + Symlinks.RULE).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.interactionsync.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The services' own configuration as the manifests must match it: application.properties and @WithDefault values. */
final class ServiceSources {

    static final Path ROOT = Path.of("..");
    /** The modules whose main sources and configuration a sync service's process runs with. */
    static final List<String> SYNC_CORE = List.of("sync-core");

    private static final Pattern WITH_DEFAULT = Pattern.compile("@WithDefault\\(\"([^\"]*)\"\\)\\s+(?:[\\w.<>]+)\\s+(\\w+)\\(\\)");

    private ServiceSources() {
    }

    /** The default profile of {@code service}'s application.properties (the %test / %dev keys are left out). */
    static Properties applicationProperties(String service) {
        Properties all = new Properties();
        try (Reader r = Files.newBufferedReader(ROOT.resolve(service).resolve("src/main/resources/application.properties"))) {
            all.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties defaults = new Properties();
        all.stringPropertyNames().stream().filter(k -> !k.startsWith("%")).forEach(k -> defaults.setProperty(k, all.getProperty(k)));
        return defaults;
    }

    /** The value of {@code ${ENV:default}} without the environment (what runs when the variable is unset). */
    static String withoutEnvironment(String value) {
        Matcher m = Pattern.compile("\\$\\{[A-Z0-9_]+:([^}]*)}").matcher(value);
        return m.matches() ? m.group(1) : value;
    }

    /** The @WithDefault of config method {@code method()} in {@code javaFile} (relative to the repository root). */
    static String withDefault(String javaFile, String method) {
        Matcher m = WITH_DEFAULT.matcher(read(ROOT.resolve(javaFile)));
        while (m.find()) {
            if (m.group(2).equals(method)) {
                return m.group(1);
            }
        }
        throw new AssertionError("no @WithDefault on " + method + "() in " + javaFile);
    }

    /** Every @WithDefault value in the main sources of these modules. */
    static List<String> withDefaults(List<String> modules) {
        List<String> values = new ArrayList<>();
        for (String module : modules) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                    Matcher m = WITH_DEFAULT.matcher(read(f));
                    while (m.find()) {
                        values.add(m.group(1));
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return values;
    }

    /** A Quarkus duration ({@code 30s}, {@code 2m}, {@code PT30S}). */
    static Duration duration(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("pt")) {
            return Duration.parse(v.toUpperCase(Locale.ROOT));
        }
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        return Duration.parse("PT" + v.toUpperCase(Locale.ROOT));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.interactionsync.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code deploy/k8s} as a cluster would receive it: {@code kubectl kustomize <target>} (kubectl ships Kustomize; a CI
 * machine needs kubectl ≥ 1.27 on the PATH), split into its objects. Rendered once per target and JVM.
 */
final class Kustomize {

    static final Path K8S = Path.of("k8s");
    /** Everything that is applied: the base alone and each overlay. */
    static final List<String> TARGETS = List.of("base", "overlays/staging", "overlays/production");
    static final List<String> OVERLAYS = List.of("overlays/staging", "overlays/production");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** The objects of {@code target} (a directory under {@code deploy/k8s}), in Kustomize's output order. */
    static List<JsonNode> render(String target) {
        return RENDERED.computeIfAbsent(target, Kustomize::run);
    }

    /** The rendered objects of {@code target} of this kind. */
    static List<JsonNode> objects(String target, String kind) {
        return render(target).stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    /** The one rendered object of this kind and name. */
    static JsonNode object(String target, String kind, String name) {
        return objects(target, kind).stream().filter(o -> o.at("/metadata/name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(target + ": no " + kind + " " + name));
    }

    private static List<JsonNode> run(String target) {
        ProcessBuilder command = new ProcessBuilder("kubectl", "kustomize", K8S.resolve(target).toString())
                .redirectErrorStream(true);
        try {
            Process process = command.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + target + " failed:\n"
                        + new String(output, StandardCharsets.UTF_8));
            }
            List<JsonNode> objects = new ArrayList<>();
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(output)) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    if (doc != null && !doc.isEmpty()) {
                        objects.add(doc);
                    }
                }
            }
            return List.copyOf(objects);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("kubectl")) {
                throw new AssertionError("kubectl is not on the PATH: it renders deploy/k8s (deploy/README.md)", e);
            }
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while rendering " + target, e);
        }
    }
}

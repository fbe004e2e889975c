package io.interactionsync.deploy.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The manifests run what {@code deploy/images.sh} builds: every overlay names exactly the five images with the
 * builder's tag (the pom's version) or a pinned digest, and the pods run as the images' non-root user.
 */
class ImageManifestsTests {

    static final Path K8S = Path.of("k8s");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Set<String> IMAGE_NAMES = Arrays.stream(ServiceImage.values())
            .map(s -> ImageConventions.REGISTRY + "/" + s.artifact()).collect(Collectors.toSet());

    @Test
    void shouldTagTheFourImagesInEveryOverlayWithTheProjectVersion() throws IOException {
        String tag = ImageConventions.tag();
        assertThat(tag).matches("[0-9]+\\.[0-9]+\\.[0-9]+.*");
        for (Path overlay : overlays()) {
            JsonNode images = YAML.readTree(overlay.resolve("kustomization.yaml").toFile()).path("images");
            Map<String, JsonNode> byName = new HashMap<>();
            images.forEach(i -> byName.put(i.get("name").asText(), i));
            assertThat(byName.keySet()).as(overlay.toString()).isEqualTo(IMAGE_NAMES);
            byName.forEach((name, i) -> {
                if (i.has("digest")) { // pinned by deploy/images.sh --pin
                    assertThat(i.get("digest").asText()).as(name).matches("sha256:[0-9a-f]{64}");
                } else {
                    assertThat(i.path("newTag").asText()).as(overlay + " " + name).isEqualTo(tag);
                }
            });
            for (JsonNode d : rendered(overlay).get("Deployment")) {
                String image = d.at("/spec/template/spec/containers/0/image").asText();
                assertThat(image).as(overlay.toString()).matches(
                        "\\Q" + ImageConventions.REGISTRY + "/\\E[a-z-]+(:\\Q" + tag + "\\E|@sha256:[0-9a-f]{64})");
            }
        }
    }

    @Test
    void shouldRunEveryServicePodAsTheImagesNonRootUser() throws IOException {
        List<JsonNode> deployments = rendered(K8S.resolve("base")).get("Deployment");
        assertThat(deployments).hasSize(ServiceImage.values().length);
        for (JsonNode d : deployments) {
            String name = d.at("/metadata/name").asText();
            JsonNode pod = d.at("/spec/template/spec/securityContext");
            assertThat(pod.path("runAsNonRoot").asBoolean()).as(name).isTrue();
            assertThat(pod.path("runAsUser").asInt()).as(name).isEqualTo(ImageConventions.UID);
            assertThat(pod.path("runAsGroup").asInt()).as(name).isEqualTo(ImageConventions.GID);
            if (pod.has("fsGroup")) {
                assertThat(pod.get("fsGroup").asInt()).as(name).isEqualTo(ImageConventions.GID);
            }
            String image = d.at("/spec/template/spec/containers/0/image").asText();
            assertThat(image.substring(0, image.lastIndexOf(':'))).as(name)
                    .isEqualTo(ImageConventions.REGISTRY + "/" + name);
        }
    }

    @Test
    void shouldPinAnOverlayEntryToADigestAndKeepTheRestOfTheFile() {
        String yaml = """
                # comment stays
                images:
                  - {name: ghcr.io/interactionsync/connector-service, newTag: "1.2.3"}
                  - {name: ghcr.io/interactionsync/event-normalizer, newTag: "1.2.3"}
                replicas: []
                """;
        String digest = "sha256:" + "ab".repeat(32);
        String pinned = OverlayPins.pinOne(yaml, ServiceImage.CONNECTOR, digest, null, Path.of("k"));
        assertThat(pinned).isEqualTo(yaml.replace("connector-service, newTag: \"1.2.3\"}",
                "connector-service, digest: " + digest + "}"));
        String moved = OverlayPins.pinOne(yaml, ServiceImage.NORMALIZER, digest, "registry.example:5000/team", Path.of("k"));
        assertThat(moved).contains("  - {name: ghcr.io/interactionsync/event-normalizer, "
                + "newName: registry.example:5000/team/event-normalizer, digest: " + digest + "}\n");
    }

    @Test
    void shouldLabelTheSourceWithoutCredentials() {
        assertThat(ImageBuilder.httpsUrl("https://user:token@github.com/acme/interaction-sync.git"))
                .contains("https://github.com/acme/interaction-sync");
        assertThat(ImageBuilder.httpsUrl("git@github.com:acme/interaction-sync.git"))
                .contains("https://github.com/acme/interaction-sync");
        assertThat(ImageBuilder.httpsUrl("/srv/git/interaction-sync")).isEmpty();
    }

    @Test
    void shouldReadPackagesAndVersionsFromApt() {
        String depends = "libc6\n  Depends: libgcc-s1\nlibgcc-s1\n  Depends: gcc-12-base\n<awk>\ngcc-12-base\n";
        assertThat(DebianRootfs.packageNames(depends)).containsExactly("libc6", "libgcc-s1", "gcc-12-base");
        String show = "Package: libc6\nSource: glibc\nVersion: 2.36-9+deb12u14\nArchitecture: amd64\nDescription: x\n"
                + " GNU C Library: Version: not a field\n\nPackage: base-files\nVersion: 1:12.4\nArchitecture: amd64\n";
        assertThat(DebianRootfs.parseRecords(show)).containsExactly(
                new DebianRootfs.DebPackage("base-files", "1:12.4", "amd64"),
                new DebianRootfs.DebPackage("libc6", "2.36-9+deb12u14", "amd64"));
        assertThat(new DebianRootfs.DebPackage("base-files", "1:12.4", "amd64").fileName())
                .isEqualTo("base-files_1%3a12.4_amd64.deb");
    }

    private static List<Path> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            List<Path> all = dirs.filter(d -> Files.exists(d.resolve("kustomization.yaml"))).sorted().toList();
            assertThat(all).isNotEmpty();
            return all;
        }
    }

    /** {@code kubectl kustomize <dir>} by kind. */
    static Map<String, List<JsonNode>> rendered(Path dir) throws IOException {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            assertThat(p.waitFor()).as("kubectl kustomize " + dir + ":\n" + out).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Map<String, List<JsonNode>> byKind = new HashMap<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(out)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                byKind.computeIfAbsent(doc.path("kind").asText(), k -> new ArrayList<>()).add(doc);
            }
        }
        return byKind;
    }
}

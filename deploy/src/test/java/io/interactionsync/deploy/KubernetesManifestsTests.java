package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Validates {@code deploy/k8s} without a cluster: the Kustomize structure resolves, every service is
 * deployed with health probes, resources and a disruption budget, secrets come only from Secrets, and
 * the Kafka topics match the contract and the local stack's partition counts.
 */
class KubernetesManifestsTests {

    static final Path K8S = Path.of("k8s");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Set<String> SERVICES = Set.of("connector-service", "google-sync-service", "microsoft-sync-service",
            "event-normalizer");

    @Test
    void shouldListEveryBaseFileInTheKustomizationAndResolveOverlays() throws IOException {
        JsonNode base = single(K8S.resolve("base/kustomization.yaml"));
        Set<String> listed = new HashSet<>();
        base.get("resources").forEach(r -> listed.add(r.asText()));
        try (Stream<Path> files = Files.list(K8S.resolve("base"))) {
            Set<String> present = new HashSet<>(files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("kustomization.yaml")).toList());
            assertThat(listed).isEqualTo(present);
        }
        for (String overlay : List.of("production", "staging")) {
            JsonNode k = single(K8S.resolve("overlays/" + overlay + "/kustomization.yaml"));
            assertThat(k.get("namespace").asText()).isNotBlank();
            k.get("resources").forEach(r -> assertThat(K8S.resolve("overlays/" + overlay).resolve(r.asText())
                    .resolve("kustomization.yaml")).exists());
            k.path("replicas").forEach(r -> assertThat(SERVICES).contains(r.get("name").asText()));
        }
    }

    @Test
    void shouldDeployEveryServiceWithProbesResourcesAndADisruptionBudget() throws IOException {
        Map<String, List<JsonNode>> byKind = baseResources();
        Set<String> deployments = new HashSet<>();
        for (JsonNode d : byKind.get("Deployment")) {
            String name = d.at("/metadata/name").asText();
            deployments.add(name);
            JsonNode container = d.at("/spec/template/spec/containers/0");
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).as(name).isEqualTo("/q/health/ready");
            assertThat(container.at("/livenessProbe/httpGet/path").asText()).as(name).isEqualTo("/q/health/live");
            assertThat(container.at("/resources/requests/memory").asText()).as(name).isNotBlank();
            assertThat(container.at("/resources/limits/memory").asText()).as(name).isNotBlank();
            assertThat(d.at("/spec/selector/matchLabels")).isEqualTo(d.at("/spec/template/metadata/labels"));
        }
        assertThat(deployments).isEqualTo(SERVICES);
        assertThat(names(byKind.get("PodDisruptionBudget"))).isEqualTo(SERVICES);
        assertThat(names(byKind.get("Service"))).isEqualTo(SERVICES);
        byKind.get("HorizontalPodAutoscaler").forEach(h ->
                assertThat(deployments).contains(h.at("/spec/scaleTargetRef/name").asText()));
        assertThat(names(byKind.get("HorizontalPodAutoscaler")))
                .contains("google-sync-service", "microsoft-sync-service", "event-normalizer");
    }

    @Test
    void shouldTakeSecretsOnlyFromSecretReferences() throws IOException {
        for (JsonNode d : baseResources().get("Deployment")) {
            for (JsonNode env : d.at("/spec/template/spec/containers/0/env")) {
                String name = env.get("name").asText();
                if (name.matches(".*(SECRET|PASSWORD|KEYRING|TOKEN).*")) {
                    assertThat(env.has("value")).as(name + " in " + d.at("/metadata/name")).isFalse();
                    assertThat(env.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("interaction-sync-secrets");
                }
            }
        }
        JsonNode config = baseResources().get("ConfigMap").get(0);
        config.get("data").fieldNames().forEachRemaining(k -> assertThat(k).doesNotContainPattern("SECRET|PASSWORD|KEYRING"));
    }

    @Test
    void shouldDeclareTheContractTopicsWithTheLocalStacksPartitionCounts() throws IOException {
        Map<String, Integer> declared = new HashMap<>();
        for (JsonNode t : baseResources().get("KafkaTopic")) {
            declared.put(t.at("/metadata/name").asText(), t.at("/spec/partitions").asInt());
        }
        assertThat(declared).isEqualTo(StackTopics.PARTITIONS);
    }

    private static Map<String, List<JsonNode>> baseResources() throws IOException {
        Map<String, List<JsonNode>> byKind = new HashMap<>();
        for (JsonNode file : single(K8S.resolve("base/kustomization.yaml")).get("resources")) {
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class)
                    .readValues(K8S.resolve("base").resolve(file.asText()).toFile())) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    assertThat(doc.hasNonNull("apiVersion")).as(file.asText()).isTrue();
                    byKind.computeIfAbsent(doc.get("kind").asText(), k -> new ArrayList<>()).add(doc);
                }
            }
        }
        return byKind;
    }

    private static JsonNode single(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    private static Set<String> names(List<JsonNode> resources) {
        Set<String> names = new HashSet<>();
        resources.forEach(r -> names.add(r.at("/metadata/name").asText()));
        return names;
    }
}

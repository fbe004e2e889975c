package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every object {@code kubectl kustomize} renders from the base and from each overlay is valid against its schema
 * ({@link ManifestValidator}): no unknown field, no wrongly typed value, no kind without a schema. And the validator
 * does catch what it claims: an unknown field in a Deployment, a KafkaTopic, a ScaledObject and a PrometheusRule,
 * a string where an integer belongs, a Strimzi kind at an old API version.
 */
class RenderedManifestsTests {

    static final List<String> TARGETS = Kustomize.TARGETS;
    static ManifestValidator validator;

    @BeforeAll
    static void loadSchemas() {
        validator = new ManifestValidator();
    }

    @ParameterizedTest
    @FieldSource("TARGETS")
    void shouldRenderOnlyObjectsThatMatchTheirSchemas(String target) {
        List<JsonNode> objects = Kustomize.render(target);
        assertThat(objects).hasSizeGreaterThan(40);
        List<String> problems = new ArrayList<>();
        objects.forEach(o -> problems.addAll(validator.validate(o)));
        assertThat(problems).as(target).isEmpty();
    }

    @Test
    void shouldValidateEveryKindTheManifestsUse() {
        Set<String> kinds = new TreeSet<>();
        TARGETS.forEach(t -> Kustomize.render(t).forEach(o -> kinds.add(o.get("apiVersion").asText() + " " + o.get("kind").asText())));
        // The four schema sources are all exercised (a kind missing here would mean a schema nobody checks).
        assertThat(kinds).contains("apps/v1 Deployment", "kafka.strimzi.io/v1 KafkaTopic", "keda.sh/v1alpha1 ScaledObject",
                "monitoring.coreos.com/v1 PrometheusRule", "cert-manager.io/v1 Certificate");
        assertThat(kinds).allSatisfy(k -> assertThat(k).doesNotContain("v1beta"));
    }

    @Test
    void shouldRejectAnUnknownFieldInADeployment() {
        ObjectNode deployment = copy("Deployment", "event-normalizer");
        ((ObjectNode) deployment.at("/spec/template/spec/containers/0")).put("cpuLimit", "2");
        assertThat(validator.validate(deployment)).singleElement().asString()
                .contains("Deployment event-normalizer").contains(".spec.template.spec.containers[0].cpuLimit: unknown field");
    }

    @Test
    void shouldRejectAStringWhereTheSchemaWantsAnInteger() {
        ObjectNode deployment = copy("Deployment", "connector-service");
        ((ObjectNode) deployment.at("/spec/template/spec")).put("terminationGracePeriodSeconds", "45");
        assertThat(validator.validate(deployment)).singleElement().asString()
                .contains("Deployment connector-service").contains(".spec.template.spec.terminationGracePeriodSeconds: ");
    }

    @Test
    void shouldRejectAnUnknownFieldInAKafkaTopic() {
        ObjectNode topic = copy("KafkaTopic", "raw-records");
        ((ObjectNode) topic.get("spec")).put("partitionCount", 12);
        assertThat(validator.validate(topic)).singleElement().asString()
                .contains("KafkaTopic raw-records").contains(".spec.partitionCount: unknown field");
    }

    @Test
    void shouldRejectAStrimziKindAtAnOlderApiVersion() {
        ObjectNode topic = copy("KafkaTopic", "raw-records");
        topic.put("apiVersion", "kafka.strimzi.io/v1beta2");
        assertThat(validator.validate(topic)).singleElement().asString().contains("no schema for this kind and apiVersion");
    }

    @Test
    void shouldRejectAnUnknownFieldInAScaledObject() {
        ObjectNode scaled = copy("ScaledObject", "google-sync-service");
        ((ObjectNode) scaled.at("/spec/fallback")).put("replicaCount", 2);
        assertThat(validator.validate(scaled)).singleElement().asString()
                .contains("ScaledObject google-sync-service").contains(".spec.fallback.replicaCount: unknown field");
    }

    @Test
    void shouldRejectAnUnknownFieldInAPrometheusRule() {
        ObjectNode rules = copy("PrometheusRule", "interaction-sync");
        ((ObjectNode) rules.at("/spec/groups/0/rules/0")).put("severity", "warning");
        assertThat(validator.validate(rules)).singleElement().asString()
                .contains("PrometheusRule interaction-sync").contains(".spec.groups[0].rules[0].severity: unknown field");
    }

    @Test
    void shouldRejectAnUnknownFieldInACustomResourcesMetadata() {
        ObjectNode scaled = copy("ScaledObject", "event-normalizer");
        ((ObjectNode) scaled.get("metadata")).put("label", "x");
        assertThat(validator.validate(scaled)).singleElement().asString()
                .contains("ScaledObject event-normalizer").contains(".metadata.label: unknown field");
    }

    @Test
    void shouldRejectAKindWithoutASchema() {
        ObjectNode unknown = copy("ScaledObject", "event-normalizer");
        unknown.put("kind", "ScaledJob");
        assertThat(validator.validate(unknown)).singleElement().asString().contains("no schema for this kind");
        ObjectNode wrongType = copy("PrometheusRule", "interaction-sync");
        ((ArrayNode) wrongType.at("/spec/groups")).addObject().put("name", "x").put("rules", "none");
        assertThat(validator.validate(wrongType)).isNotEmpty();
    }

    private static ObjectNode copy(String kind, String name) {
        return Kustomize.object("overlays/production", kind, name).deepCopy();
    }
}

package io.interactionsync.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a rendered Kubernetes object against its schema as an API server with strict field validation would:
 * unknown fields and wrongly typed values are errors, and so is a kind with no schema here.
 * <ul>
 *   <li>Core and cert-manager kinds: fabric8's models; Strimzi kinds ({@code kafka.strimzi.io/v1} only):
 *       Strimzi's own API model. Both keep unknown fields in {@code additionalProperties} instead of failing, so the
 *       deserialized object graph is walked and every non-empty {@code additionalProperties} is an error; scalars are
 *       never coerced (a string for an integer fails, as it does in the API server).</li>
 *   <li>KEDA ({@code keda.sh}) and Prometheus Operator ({@code monitoring.coreos.com}) kinds: the {@code
 *       openAPIV3Schema} of their official CRDs (vendored under {@code src/test/resources/crds}), where every object
 *       schema with {@code properties} and without {@code additionalProperties} or {@code
 *       x-kubernetes-preserve-unknown-fields} gets {@code additionalProperties: false}, what the API server's
 *       structural pruning and strict validation do. Their {@code metadata} is checked as an {@code ObjectMeta}.</li>
 * </ul>
 */
final class ManifestValidator {

    /** The CRDs whose schemas validate their kinds: resource file → served version checked. */
    static final List<String> CRDS = List.of("keda.sh_scaledobjects.yaml", "keda.sh_triggerauthentications.yaml",
            "monitoring.coreos.com_servicemonitors.yaml", "monitoring.coreos.com_prometheusrules.yaml");
    static final String STRIMZI = "kafka.strimzi.io/v1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final KubernetesSerialization models;
    private final Map<String, JsonSchema> crdSchemas = new HashMap<>();

    ManifestValidator() {
        // The API server takes no "3" for an integer nor 3 for a string: neither does this mapper.
        ObjectMapper strict = new ObjectMapper();
        strict.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        strict.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        strict.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        strict.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        models = new KubernetesSerialization(strict, true);
        for (Class<? extends KubernetesResource> kind : List.of(Kafka.class, KafkaNodePool.class, KafkaTopic.class,
                KafkaUser.class)) {
            models.registerKubernetesResource(STRIMZI, kind.getSimpleName(), kind);
        }
        JsonMetaSchema openApi = JsonMetaSchema.builder(OpenApi30.getInstance().getIri(), OpenApi30.getInstance())
                .keywords(List.of("x-kubernetes-int-or-string", "x-kubernetes-list-type", "x-kubernetes-list-map-keys",
                        "x-kubernetes-map-type", "x-kubernetes-validations", "x-kubernetes-preserve-unknown-fields",
                        "x-kubernetes-embedded-resource").stream().map(NonValidationKeyword::new).toList())
                .build();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4,
                b -> b.metaSchema(openApi).defaultMetaSchemaIri(openApi.getIri()));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().nullableKeywordEnabled(true)
                .pathType(PathType.JSON_PATH).build();
        for (String file : CRDS) {
            JsonNode crd = resource("crds/" + file);
            String group = crd.at("/spec/group").asText();
            String kind = crd.at("/spec/names/kind").asText();
            for (JsonNode version : crd.at("/spec/versions")) {
                if (version.path("served").asBoolean()) {
                    ObjectNode schema = version.at("/schema/openAPIV3Schema").deepCopy();
                    closeObjects(schema);
                    crdSchemas.put(group + "/" + version.get("name").asText() + " " + kind, factory.getSchema(schema, config));
                }
            }
        }
    }

    /** Every problem of {@code object} (empty when it is valid), each naming the object and the path. */
    List<String> validate(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        String name = kind + " " + object.at("/metadata/name").asText() + " (" + apiVersion + ")";
        JsonSchema schema = crdSchemas.get(apiVersion + " " + kind);
        if (schema != null) {
            List<String> problems = new ArrayList<>();
            for (ValidationMessage m : schema.validate(object)) {
                String path = m.getInstanceLocation().toString().substring(1); // "$.spec.triggers[0]" → ".spec…"
                problems.add(name + ": " + ("additionalProperties".equals(m.getType())
                        ? path + "." + m.getProperty() + ": unknown field"
                        : path + ": " + m.getMessage().substring(m.getMessage().indexOf(": ") + 2)));
            }
            problems.addAll(checkModel(name, object.path("metadata"), ObjectMeta.class, ".metadata"));
            return problems;
        }
        Class<? extends KubernetesResource> model = models.getRegisteredKubernetesResource(apiVersion, kind);
        if (model == null || !HasMetadata.class.isAssignableFrom(model)) {
            return List.of(name + ": no schema for this kind and apiVersion");
        }
        return checkModel(name, object, model, "");
    }

    private List<String> checkModel(String name, JsonNode json, Class<?> model, String root) {
        Object value;
        try {
            value = models.unmarshal(JSON.writeValueAsString(json), model);
        } catch (IOException | RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof JsonMappingException mapping) { // a wrongly typed value, with its path
                    StringBuilder path = new StringBuilder(root);
                    mapping.getPath().forEach(r -> path.append(r.getFieldName() != null ? "." + r.getFieldName()
                            : "[" + r.getIndex() + "]"));
                    return List.of(name + ": " + path + ": " + mapping.getOriginalMessage());
                }
            }
            return List.of(name + ": " + e);
        }
        List<String> problems = new ArrayList<>();
        walk(value, root, name, problems, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        return problems;
    }

    /** Every non-empty additionalProperties in the model graph is a field the schema does not have. */
    private static void walk(Object value, String path, String name, List<String> problems, Set<Object> seen) {
        if (value == null || !seen.add(value)) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, name, problems, seen));
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", name, problems, seen);
            }
            return;
        }
        String type = value.getClass().getName();
        if (!type.startsWith("io.fabric8.") && !type.startsWith("io.strimzi.")) {
            return;
        }
        for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
                    continue;
                }
                Object fieldValue;
                try {
                    field.setAccessible(true);
                    fieldValue = field.get(value);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue; // a JDK type inside a model: nothing of ours below it
                }
                if (field.getName().equals("additionalProperties") && fieldValue instanceof Map<?, ?> unknown) {
                    unknown.keySet().forEach(k -> problems.add(name + ": " + path + "." + k + ": unknown field"));
                    continue;
                }
                JsonProperty property = field.getAnnotation(JsonProperty.class);
                String json = property != null && !property.value().isEmpty() ? property.value() : field.getName();
                walk(fieldValue, path + "." + json, name, problems, seen);
            }
        }
    }

    /** additionalProperties: false on every object schema that lists its properties and does not say otherwise. */
    static void closeObjects(JsonNode schema) {
        if (!(schema instanceof ObjectNode node)) {
            if (schema != null && schema.isArray()) {
                schema.forEach(ManifestValidator::closeObjects);
            }
            return;
        }
        if (node.has("properties") && !node.has("additionalProperties")
                && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
            node.put("additionalProperties", false);
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            switch (field.getKey()) {
                case "properties" -> field.getValue().forEach(ManifestValidator::closeObjects);
                case "items", "additionalProperties", "not" -> closeObjects(field.getValue());
                case "allOf", "anyOf", "oneOf" -> field.getValue().forEach(ManifestValidator::closeObjects);
                default -> {
                }
            }
        }
    }

    private static JsonNode resource(String path) {
        try (InputStream in = ManifestValidator.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

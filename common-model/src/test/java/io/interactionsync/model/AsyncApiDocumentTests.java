package io.interactionsync.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.interactionsync.model.ContractSchemas.Contract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The AsyncAPI document ({@code /asyncapi/interaction-sync.yaml}) is valid AsyncAPI 3.0.0, describes exactly the topics
 * of {@link Topics}, and its payloads are the schemas {@link ContractSchemas} ships — every one of them.
 *
 * <p>The official schema is vendored from npm {@code @asyncapi/specs} 6.11.1 ({@code schemas/3.0.0-without-$id.json},
 * Apache-2.0) as {@code src/test/resources/asyncapi/asyncapi-3.0.0-without-id.json}: the variant whose references are
 * local, so validation needs no network.
 */
class AsyncApiDocumentTests {

    static final String DOCUMENT = "/asyncapi/interaction-sync.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theDocumentIsValidAsyncApi300() {
        JsonNode asyncApiSchema = json("/asyncapi/asyncapi-3.0.0-without-id.json");
        Set<ValidationMessage> errors = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(asyncApiSchema).validate(document());
        assertThat(errors).isEmpty();
        assertThat(document().get("asyncapi").asText()).isEqualTo("3.0.0");
    }

    @Test
    void theValidationCatchesAnInvalidDocument() {
        ObjectNode broken = document().deepCopy();
        ((ObjectNode) broken.get("channels").get(Topics.INTERACTION_EVENTS_STATE).get("bindings").get("kafka"))
                .put("partitions", 0);
        ((ObjectNode) broken.get("operations").get("normalizerSendsDeadLetters")).put("action", "publish"); // AsyncAPI 2
        assertThat(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(json("/asyncapi/asyncapi-3.0.0-without-id.json")).validate(broken))
                .extracting(ValidationMessage::getMessage)
                .anySatisfy(m -> assertThat(m).contains("bindings.kafka.partitions: must have a minimum value of 1"))
                .anySatisfy(m -> assertThat(m).contains("normalizerSendsDeadLetters.action: does not have a value in "
                        + "the enumeration"));
    }

    @Test
    void everyTopicHasAChannelAndEveryChannelIsATopic() throws IllegalAccessException {
        Set<String> topics = new TreeSet<>();
        for (Field f : Topics.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                topics.add((String) f.get(null));
            }
        }
        Set<String> channels = new TreeSet<>(), addresses = new TreeSet<>();
        document().get("channels").fields().forEachRemaining(c -> {
            channels.add(c.getKey());
            addresses.add(c.getValue().get("address").asText());
        });
        assertThat(topics).hasSize(7);
        assertThat(addresses).isEqualTo(topics);
        assertThat(channels).as("channel ids are the topic names").isEqualTo(topics);
    }

    @Test
    void everyPayloadIsAShippedSchemaAndEveryShippedSchemaIsUsed() {
        Map<String, Contract> refs = payloadSchemas(document());
        assertThat(refs).as("messages with a payload $ref").hasSizeGreaterThanOrEqualTo(6);
        EnumSet<Contract> used = EnumSet.noneOf(Contract.class);
        refs.forEach((message, contract) -> {
            assertThat(contract).as("%s: payload $ref is not a schema ContractSchemas ships", message).isNotNull();
            used.add(contract);
        });
        assertThat(used).as("every contract is on a channel").containsExactlyInAnyOrder(Contract.values());
        // JSON-equal to what the validator loads: the $ref names the very resource ContractSchemas reads
        refs.values().forEach(c -> assertThat(json(c.resource())).isEqualTo(SchemaCompatibilityTests.current(c)));
    }

    @Test
    void aMistypedPayloadReferenceIsCaught() {
        ObjectNode typo = document().deepCopy();
        ((ObjectNode) typo.at("/components/messages/interactionEvent/payload/schema"))
                .put("$ref", "../schemas/interaction-evnt.v1.json");
        assertThat(payloadSchemas(typo)).containsEntry("interactionEvent", null);
    }

    @Test
    void everyInternalReferenceResolves() {
        JsonNode doc = document();
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        List<String> internal = refs.stream().filter(r -> r.startsWith("#/")).toList();
        assertThat(internal).hasSizeGreaterThan(30);
        assertThat(internal).allSatisfy(r -> assertThat(doc.at(r.substring(1)).isMissingNode())
                .as("%s resolves", r).isFalse());
        assertThat(refs).allSatisfy(r -> assertThat(r).matches("#/.*|\\.\\./schemas/[a-z-]+\\.v1\\.json"));
    }

    @Test
    void theStateTopicIsDescribedAsDeployed() {
        JsonNode kafka = document().at("/channels/" + Topics.INTERACTION_EVENTS_STATE + "/bindings/kafka");
        assertThat(kafka.get("partitions").asInt()).isEqualTo(Topics.STATE_TOPIC_PARTITIONS);
        Map<String, String> config = new HashMap<>();
        kafka.get("topicConfiguration").fields().forEachRemaining(e -> {
            List<String> values = new ArrayList<>(); // cleanup.policy is a list in the binding, comma-separated in Kafka
            (e.getValue().isArray() ? e.getValue() : List.of(e.getValue())).forEach(v -> values.add(v.asText()));
            config.put(e.getKey(), String.join(",", values));
        });
        assertThat(config).isEqualTo(Topics.STATE_TOPIC_CONFIG);
        assertThat(document().at("/channels/" + Topics.INTERACTION_EVENTS_STATE + "/messages").has("tombstone")).isTrue();
        assertThat(document().at("/components/messages/interactionEventState/headers/required").toString())
                .contains("userId");
    }

    /** Message name → the contract its payload $ref resolves to (null when it resolves to none). */
    private static Map<String, Contract> payloadSchemas(JsonNode doc) {
        Map<String, Contract> out = new HashMap<>();
        URI base = URI.create("classpath:" + DOCUMENT);
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.at("/components/messages").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            JsonNode ref = m.getValue().at("/payload/schema/$ref");
            if (ref.isMissingNode()) {
                continue; // the tombstone: payload type null
            }
            assertThat(m.getValue().at("/payload/schemaFormat").asText())
                    .isEqualTo("application/schema+json;version=draft-2020-12");
            String resource = base.resolve(ref.asText()).getSchemeSpecificPart();
            Contract contract = Stream.of(Contract.values()).filter(c -> c.resource().equals(resource))
                    .filter(c -> AsyncApiDocumentTests.class.getResource(resource) != null).findFirst().orElse(null);
            out.put(m.getKey(), contract);
        }
        return out;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if ("$ref".equals(e.getKey())) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }

    static JsonNode document() {
        try (InputStream in = AsyncApiDocumentTests.class.getResourceAsStream(DOCUMENT)) {
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(String resource) {
        return SchemaCompatibilityTests.read(resource);
    }
}

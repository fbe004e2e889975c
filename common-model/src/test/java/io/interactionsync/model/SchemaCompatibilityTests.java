package io.interactionsync.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.ContractSchemas.Contract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BACKWARD compatibility of the shipped schemas with the last release kept in the repository
 * ({@code src/test/resources/released/<version>/schemas}), by {@link SchemaCompatibility}'s rules; and the checker
 * itself on hand-made breaking and compatible changes of the real schemas.
 */
class SchemaCompatibilityTests {

    /** The previous released version; a release copies {@code src/main/resources/schemas} to a new folder. */
    static final String RELEASED = "0.1.0";

    @ParameterizedTest
    @EnumSource(Contract.class)
    void currentSchemaIsBackwardCompatibleWithTheRelease(Contract contract) {
        assertThat(SchemaCompatibility.check(file(contract), released(contract), current(contract)))
                .as("incompatible with release " + RELEASED).isEmpty();
    }

    @Test
    void everyReleasedSchemaIsStillShipped() throws Exception {
        try (Stream<Path> files = Files.list(Path.of(SchemaCompatibilityTests.class
                .getResource("/released/" + RELEASED + "/schemas").toURI()))) {
            List<String> shipped = Stream.of(Contract.values()).map(SchemaCompatibilityTests::file).toList();
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .as("released schemas without a current contract (removing one breaks its consumers)")
                    .containsExactlyInAnyOrderElementsOf(shipped);
        }
    }

    static Stream<Arguments> breakingChanges() {
        return Stream.of(
                breaking("a property removed", Contract.INTERACTION_EVENT,
                        s -> props(s).remove("contactName"),
                        "interaction-event.v1.json#/properties/contactName: property removed (or renamed)"),
                breaking("a property renamed", Contract.INTERACTION_EVENT,
                        s -> props(s).set("conversationId", props(s).remove("threadId")),
                        "interaction-event.v1.json#/properties/threadId: property removed (or renamed)"),
                breaking("a property newly required", Contract.INTERACTION_EVENT,
                        s -> ((ArrayNode) s.get("required")).add("threadId"),
                        "interaction-event.v1.json#/: newly required: [threadId]"),
                breaking("a required property made optional", Contract.RAW_RECORD,
                        s -> removeValue((ArrayNode) s.get("required"), "observedAt"),
                        "raw-record.v1.json#/: no longer required: [observedAt]"),
                breaking("a nested type changed", Contract.INTERACTION_EVENT,
                        s -> obj(props(s).get("meeting"), "properties", "attendeeCount").put("type", "string"),
                        "interaction-event.v1.json#/properties/meeting/properties/attendeeCount: type changed from "
                                + "[integer] to [string]"),
                breaking("an enum value removed", Contract.INTERACTION_EVENT,
                        s -> removeValue((ArrayNode) props(s).get("role").get("enum"), "bcc"),
                        "interaction-event.v1.json#/properties/role: enum values removed: [\"bcc\"]"),
                breaking("a value added to a closed enum", Contract.INTERACTION_EVENT,
                        s -> ((ArrayNode) props(s).get("classification").get("enum")).add("spam"),
                        "interaction-event.v1.json#/properties/classification: enum values added to a closed enum: "
                                + "[\"spam\"]"),
                breaking("a const changed", Contract.SYNC_STATUS,
                        s -> ((ObjectNode) props(s).get("schemaVersion")).put("const", 2),
                        "sync-status.v1.json#/properties/schemaVersion: const changed from 1 to 2"),
                breaking("additionalProperties tightened", Contract.SYNC_REQUEST,
                        s -> s.put("additionalProperties", false),
                        "sync-request.v1.json#/: additionalProperties tightened to false"),
                breaking("a pattern tightened", Contract.INTERACTION_EVENT,
                        s -> ((ObjectNode) props(s).get("contactEmail")).put("pattern", "^[a-z]+@[a-z.]+$"),
                        "interaction-event.v1.json#/properties/contactEmail: pattern changed from"),
                breaking("a minimum raised", Contract.SYNC_STATUS,
                        s -> obj(props(s).get("completeness"), "properties", "missing").put("minimum", 1),
                        "sync-status.v1.json#/properties/completeness/properties/missing: minimum raised from 0 to 1"),
                breaking("a maxLength added", Contract.ACCOUNT_EVENT,
                        s -> ((ObjectNode) props(s).get("accountId")).put("maxLength", 36),
                        "account-event.v1.json#/properties/accountId: maxLength added: 36"),
                breaking("a format added", Contract.INTERACTION_EVENT,
                        s -> ((ObjectNode) props(s).get("threadId")).put("format", "uuid"),
                        "interaction-event.v1.json#/properties/threadId: format added: \"uuid\""),
                breaking("an item's enum narrowed", Contract.SYNC_REQUEST,
                        s -> removeValue((ArrayNode) props(s).get("sources").get("items").get("enum"), "gmail"),
                        "sync-request.v1.json#/properties/sources/items: enum values removed: [\"gmail\"]"),
                breaking("a $defs value removed", Contract.ACCOUNT_EVENT,
                        s -> removeValue((ArrayNode) s.get("$defs").get("source").get("enum"), "outlook_mail"),
                        "account-event.v1.json#/$defs/source: enum values removed: [\"outlook_mail\"]"),
                breaking("a conditional requirement on existing values", Contract.INTERACTION_EVENT,
                        s -> ((ArrayNode) s.get("allOf")).add(json(
                                "{\"if\": {\"properties\": {\"kind\": {\"const\": \"email\"}}}, "
                                        + "\"then\": {\"required\": [\"threadId\"]}}")),
                        "interaction-event.v1.json#/allOf/1: allOf entry added: constrains values the released "
                                + "schema accepted"),
                breaking("a then clause tightened", Contract.INTERACTION_EVENT,
                        s -> ((ArrayNode) s.get("allOf").get(0).get("then").get("required")).add("endAt"),
                        "interaction-event.v1.json#/allOf/0/then: newly required: [endAt]"),
                breaking("a keyword the checker does not know", Contract.DEAD_LETTER,
                        s -> s.set("dependentRequired", json("{\"key\": [\"original\"]}")),
                        "dead-letter.v1.json#/: dependentRequired added (not understood by the checker"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakingChanges")
    void aBreakingChangeFailsNamingItsPlace(String change, Contract contract, Consumer<ObjectNode> mutation,
                                            String expected) {
        ObjectNode changed = current(contract).deepCopy();
        mutation.accept(changed);
        assertThat(SchemaCompatibility.check(file(contract), released(contract), changed))
                .as(change).anySatisfy(p -> assertThat(p).startsWith(expected));
    }

    static Stream<Arguments> compatibleChanges() {
        return Stream.of(
                compatible("a new optional property", Contract.INTERACTION_EVENT,
                        s -> props(s).set("subjectHash", json("{\"type\": \"string\"}"))),
                compatible("a new type of an extensible enum, with its own conditional requirement",
                        Contract.ACCOUNT_EVENT, s -> {
                            ((ArrayNode) props(s).get("type").get("enum")).add("team_renamed");
                            props(s).set("teamName", json("{\"type\": \"string\"}"));
                            ((ArrayNode) s.get("allOf")).add(json("{\"if\": {\"properties\": {\"type\": "
                                    + "{\"const\": \"team_renamed\"}}}, \"then\": {\"required\": [\"teamName\"]}}"));
                        }),
                compatible("annotations changed", Contract.RAW_RECORD, s -> {
                    s.put("$id", "urn:interaction-sync:schema:raw-record.v1.1").put("title", "RawRecord");
                    ((ObjectNode) props(s).get("op")).put("description", "what happened to the resource");
                }),
                compatible("constraints loosened", Contract.RAW_RECORD, s -> {
                    ObjectNode sealed = (ObjectNode) props(s).get("sealed").get("properties");
                    ((ObjectNode) sealed.get("kid")).put("maxLength", 400);
                    ((ObjectNode) sealed.get("ct")).put("minLength", 16);
                    ((ObjectNode) sealed.get("iv")).remove("pattern");
                }),
                compatible("a format dropped", Contract.SYNC_REQUEST,
                        s -> ((ObjectNode) props(s).get("requestedAt")).remove("format")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compatibleChanges")
    void aCompatibleChangePasses(String change, Contract contract, Consumer<ObjectNode> mutation) {
        ObjectNode changed = current(contract).deepCopy();
        mutation.accept(changed);
        assertThat(SchemaCompatibility.check(file(contract), released(contract), changed)).as(change).isEmpty();
    }

    private static Arguments breaking(String change, Contract contract, Consumer<ObjectNode> mutation, String expected) {
        return Arguments.of(change, contract, mutation, expected);
    }

    private static Arguments compatible(String change, Contract contract, Consumer<ObjectNode> mutation) {
        return Arguments.of(change, contract, mutation);
    }

    private static ObjectNode props(ObjectNode schema) {
        return (ObjectNode) schema.get("properties");
    }

    private static ObjectNode obj(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            n = n.get(p);
        }
        return (ObjectNode) n;
    }

    private static void removeValue(ArrayNode array, String value) {
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i).asText().equals(value)) {
                array.remove(i);
                return;
            }
        }
        throw new IllegalArgumentException(value + " not in " + array);
    }

    static String file(Contract contract) {
        return contract.resource().substring(contract.resource().lastIndexOf('/') + 1);
    }

    static ObjectNode current(Contract contract) {
        return (ObjectNode) read(contract.resource());
    }

    static JsonNode released(Contract contract) {
        return read("/released/" + RELEASED + "/schemas/" + file(contract));
    }

    static JsonNode read(String resource) {
        try (InputStream in = SchemaCompatibilityTests.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + resource);
            }
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

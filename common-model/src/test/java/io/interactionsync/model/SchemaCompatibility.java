package io.interactionsync.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * BACKWARD compatibility of a current JSON Schema (draft 2020-12, as common-model writes them) with a released one:
 * consumers built against the released schema keep working on values written under the current one, and values
 * written under the released one (kept forever on raw-records, account-events, the state topic) stay valid under the
 * current one. No maintained Java library does this (Apicurio's schema-util does not resolve from Maven Central here,
 * Confluent's client is not served), so this is a small, conservative one: whatever it does not understand is
 * incompatible.
 *
 * <p>Rules, applied to the two schemas side by side and recursively to {@code properties}, {@code items},
 * {@code additionalProperties} (as a schema), {@code $defs}/{@code definitions}, {@code then}/{@code else} and the
 * entries of {@code allOf}/{@code anyOf}/{@code oneOf} (by position). <b>Incompatible</b>:
 * <ul>
 *   <li>a property removed (a rename is a removal): released consumers read it;</li>
 *   <li>a property newly required, or a required one made optional (released consumers rely on its presence);</li>
 *   <li>{@code type} changed in any way (narrowed, widened or added): consumers' code is typed;</li>
 *   <li>{@code const} changed, added or removed;</li>
 *   <li>an {@code enum} value removed, or an enum added or removed; an enum value <b>added</b>, unless the released
 *       enum carries {@code "x-extensible-enum": true} — its consumers must ignore values they do not know (today:
 *       {@code AccountEvent.type}, SPEC §3.1 "types may grow");</li>
 *   <li>{@code additionalProperties} tightened (absent or {@code true} → {@code false} or a schema), or a property
 *       added where the released schema forbade additional ones;</li>
 *   <li>a tighter bound: {@code minimum}, {@code exclusiveMinimum}, {@code minLength}, {@code minItems},
 *       {@code minProperties} added or raised; the {@code max…} ones added or lowered; {@code multipleOf},
 *       {@code uniqueItems: true}, {@code format}, {@code pattern}, {@code contentEncoding},
 *       {@code contentMediaType}, {@code propertyNames}, {@code patternProperties}, {@code prefixItems},
 *       {@code contains}, {@code not}, {@code $ref} or an {@code if} condition added or changed;</li>
 *   <li>an {@code allOf}/{@code anyOf}/{@code oneOf} entry removed; an {@code anyOf}/{@code oneOf} added; a
 *       {@code oneOf} entry added (a value may match two); an {@code allOf} entry added, unless it is {@code if}/{@code then} whose {@code if} selects, by
 *       {@code const} or {@code enum} on a property, only values the released schema did not allow there (a
 *       condition that applies to new values only, as each new AccountEvent type brings);</li>
 *   <li>any other keyword added or changed (the checker does not understand it).</li>
 * </ul>
 * <b>Compatible</b>: new optional properties; new values of an extensible enum; one more {@code anyOf}
 * alternative; a looser bound ({@code format},
 * {@code pattern} or a bound removed, a minimum lowered, a maximum raised); {@code additionalProperties: false}
 * dropped; changes to annotations ({@code $schema}, {@code $id}, {@code title}, {@code description},
 * {@code $comment}, {@code examples}, {@code default}, {@code deprecated}, {@code x-…}).
 */
public final class SchemaCompatibility {

    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "title", "description", "$comment",
            "examples", "default", "deprecated", "readOnly", "writeOnly");
    /** Keywords handled by a dedicated rule below. */
    private static final Set<String> HANDLED = Set.of("type", "const", "enum", "required", "properties",
            "additionalProperties", "items", "$defs", "definitions", "allOf", "anyOf", "oneOf", "if", "then", "else",
            "minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "maximum", "exclusiveMaximum",
            "maxLength", "maxItems", "maxProperties", "uniqueItems", "format", "pattern");
    private static final Set<String> LOWER_BOUNDS = Set.of("minimum", "exclusiveMinimum", "minLength", "minItems",
            "minProperties");
    private static final Set<String> UPPER_BOUNDS = Set.of("maximum", "exclusiveMaximum", "maxLength", "maxItems",
            "maxProperties");
    static final String EXTENSIBLE_ENUM = "x-extensible-enum";

    private final List<String> problems = new ArrayList<>();
    private final String name;

    private SchemaCompatibility(String name) {
        this.name = name;
    }

    /** Every way {@code current} breaks consumers of {@code released}, each naming its place; empty if compatible. */
    public static List<String> check(String name, JsonNode released, JsonNode current) {
        SchemaCompatibility c = new SchemaCompatibility(name);
        c.compare("", released, current);
        return List.copyOf(c.problems);
    }

    private void problem(String path, String what) {
        problems.add(name + "#" + (path.isEmpty() ? "/" : path) + ": " + what);
    }

    private void compare(String path, JsonNode old, JsonNode now) {
        if (old.isBoolean() || now.isBoolean()) {
            boolean oldFalse = old.isBoolean() && !old.booleanValue();
            boolean tighter = now.isBoolean() ? !now.booleanValue() && !oldFalse : old.booleanValue();
            if (tighter) {
                problem(path, "schema tightened from " + old + " to " + (now.isBoolean() ? now : "a schema"));
            }
            return;
        }
        type(path, old, now);
        constant(path, old, now);
        enumeration(path, old, now);
        required(path, old, now);
        properties(path, old, now);
        additionalProperties(path, old, now);
        child(path, "items", old, now);
        definitions(path, "$defs", old, now);
        definitions(path, "definitions", old, now);
        combinations(path, old, now);
        conditional(path, old, now);
        bounds(path, old, now);
        for (String keyword : List.of("format", "pattern")) {
            if (now.has(keyword) && !now.get(keyword).equals(old.get(keyword))) {
                problem(path, keyword + (old.has(keyword) ? " changed from " + old.get(keyword) + " to " : " added: ")
                        + now.get(keyword));
            }
        }
        if (now.path("uniqueItems").asBoolean(false) && !old.path("uniqueItems").asBoolean(false)) {
            problem(path, "uniqueItems added");
        }
        for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
            String keyword = it.next();
            if (!HANDLED.contains(keyword) && !ANNOTATIONS.contains(keyword) && !keyword.startsWith("x-")
                    && !now.get(keyword).equals(old.get(keyword))) {
                problem(path, keyword + (old.has(keyword) ? " changed" : " added") + " (not understood by the checker: "
                        + "incompatible until reviewed)");
            }
        }
    }

    private void type(String path, JsonNode old, JsonNode now) {
        Set<String> before = types(old.get("type")), after = types(now.get("type"));
        if (!before.equals(after)) {
            problem(path, "type changed from " + (before.isEmpty() ? "any" : before) + " to "
                    + (after.isEmpty() ? "any" : after));
        }
    }

    private static Set<String> types(JsonNode type) {
        Set<String> out = new HashSet<>();
        if (type == null) {
            return out;
        }
        if (type.isArray()) {
            type.forEach(t -> out.add(t.asText()));
        } else {
            out.add(type.asText());
        }
        return out;
    }

    private void constant(String path, JsonNode old, JsonNode now) {
        if (old.has("const") || now.has("const")) {
            if (!old.path("const").equals(now.path("const"))) {
                problem(path, "const changed from " + (old.has("const") ? old.get("const") : "none") + " to "
                        + (now.has("const") ? now.get("const") : "none"));
            }
        }
    }

    private void enumeration(String path, JsonNode old, JsonNode now) {
        if (!old.has("enum") && !now.has("enum")) {
            return;
        }
        if (!old.has("enum")) {
            problem(path, "enum added: " + now.get("enum"));
            return;
        }
        if (!now.has("enum")) {
            problem(path, "enum removed (any value allowed now)");
            return;
        }
        Set<JsonNode> before = values(old.get("enum")), after = values(now.get("enum"));
        Set<JsonNode> removed = new LinkedHashSet<>(before);
        removed.removeAll(after);
        if (!removed.isEmpty()) {
            problem(path, "enum values removed: " + removed);
        }
        Set<JsonNode> added = new LinkedHashSet<>(after);
        added.removeAll(before);
        if (!added.isEmpty() && !old.path(EXTENSIBLE_ENUM).asBoolean(false)) {
            problem(path, "enum values added to a closed enum: " + added + " (released consumers reject them; mark the "
                    + "enum \"" + EXTENSIBLE_ENUM + "\": true in a release first if consumers must ignore new values)");
        }
    }

    private static Set<JsonNode> values(JsonNode array) {
        Set<JsonNode> out = new LinkedHashSet<>();
        array.forEach(out::add);
        return out;
    }

    private void required(String path, JsonNode old, JsonNode now) {
        Set<String> before = strings(old.get("required")), after = strings(now.get("required"));
        Set<String> added = new LinkedHashSet<>(after);
        added.removeAll(before);
        if (!added.isEmpty()) {
            problem(path, "newly required: " + added);
        }
        Set<String> dropped = new LinkedHashSet<>(before);
        dropped.removeAll(after);
        if (!dropped.isEmpty()) {
            problem(path, "no longer required: " + dropped + " (released consumers rely on their presence)");
        }
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        if (array != null) {
            array.forEach(s -> out.add(s.asText()));
        }
        return out;
    }

    private void properties(String path, JsonNode old, JsonNode now) {
        JsonNode before = old.path("properties"), after = now.path("properties");
        for (Iterator<String> it = before.fieldNames(); it.hasNext(); ) {
            String property = it.next();
            String at = path + "/properties/" + escape(property);
            if (!after.has(property)) {
                problem(at, "property removed (or renamed)");
            } else {
                compare(at, before.get(property), after.get(property));
            }
        }
        boolean closed = old.has("additionalProperties") && old.get("additionalProperties").isBoolean()
                && !old.get("additionalProperties").booleanValue();
        for (Iterator<String> it = after.fieldNames(); it.hasNext(); ) {
            String property = it.next();
            if (closed && !before.has(property)) {
                problem(path + "/properties/" + escape(property), "property added where the released schema forbids "
                        + "additional properties");
            }
        }
    }

    private void additionalProperties(String path, JsonNode old, JsonNode now) {
        JsonNode before = old.get("additionalProperties"), after = now.get("additionalProperties");
        if (after == null || after.equals(before)) {
            return;
        }
        if (before == null || before.isBoolean() && before.booleanValue()) {
            if (!(after.isBoolean() && after.booleanValue())) {
                problem(path, "additionalProperties tightened to " + after);
            }
        } else if (!before.isBoolean()) {
            compare(path + "/additionalProperties", before, after);
        }
    }

    private void child(String path, String keyword, JsonNode old, JsonNode now) {
        if (old.has(keyword) && now.has(keyword)) {
            compare(path + "/" + keyword, old.get(keyword), now.get(keyword));
        } else if (now.has(keyword)) {
            problem(path, keyword + " added: " + now.get(keyword));
        }
        // removed: any item allowed now — looser
    }

    private void definitions(String path, String keyword, JsonNode old, JsonNode now) {
        JsonNode before = old.path(keyword), after = now.path(keyword);
        for (Iterator<String> it = before.fieldNames(); it.hasNext(); ) {
            String def = it.next();
            String at = path + "/" + keyword + "/" + escape(def);
            if (!after.has(def)) {
                problem(at, "definition removed");
            } else {
                compare(at, before.get(def), after.get(def));
            }
        }
    }

    private void combinations(String path, JsonNode old, JsonNode now) {
        for (String keyword : List.of("allOf", "anyOf", "oneOf")) {
            JsonNode before = old.path(keyword), after = now.path(keyword);
            if (before.isMissingNode() && after.isMissingNode()) {
                continue;
            }
            if (before.isMissingNode() && !"allOf".equals(keyword)) {
                problem(path, keyword + " added");
                continue;
            }
            int common = Math.min(before.size(), after.size());
            for (int i = 0; i < common; i++) {
                compare(path + "/" + keyword + "/" + i, before.get(i), after.get(i));
            }
            for (int i = common; i < before.size(); i++) {
                problem(path + "/" + keyword + "/" + i, keyword + " entry removed");
            }
            for (int i = common; i < after.size(); i++) {
                // one more anyOf alternative is looser; one more allOf entry is a new constraint
                if ("oneOf".equals(keyword)) {
                    problem(path + "/oneOf/" + i, "oneOf entry added: a released value may now match two");
                } else if ("allOf".equals(keyword) && !appliesToNewValuesOnly(old, after.get(i))) {
                    problem(path + "/allOf/" + i, "allOf entry added: constrains values the released schema accepted");
                }
            }
        }
    }

    /** An {@code if}/{@code then} whose {@code if} matches only values of a property the released schema rejected. */
    private static boolean appliesToNewValuesOnly(JsonNode released, JsonNode entry) {
        JsonNode condition = entry.path("if").path("properties");
        if (!entry.has("if") || entry.has("else") || !condition.isObject() || condition.size() == 0) {
            return false;
        }
        for (Iterator<String> it = condition.fieldNames(); it.hasNext(); ) {
            String property = it.next();
            JsonNode selects = condition.get(property);
            JsonNode allowed = released.path("properties").path(property).path("enum");
            if (!allowed.isArray()) {
                continue;
            }
            ArrayNode values = selects.has("const") ? Json.mapper().createArrayNode().add(selects.get("const"))
                    : selects.path("enum").isArray() ? (ArrayNode) selects.get("enum") : null;
            if (values != null && values.size() > 0
                    && java.util.stream.StreamSupport.stream(values.spliterator(), false)
                    .noneMatch(v -> values(allowed).contains(v))) {
                return true;
            }
        }
        return false;
    }

    private void conditional(String path, JsonNode old, JsonNode now) {
        if (now.has("if") && !now.get("if").equals(old.get("if"))) {
            problem(path, "if " + (old.has("if") ? "changed" : "added") + ": " + now.get("if"));
            return;
        }
        if (old.has("if") && !now.has("if")) {
            problem(path, "if removed (its then/else no longer apply as released)");
            return;
        }
        child(path, "then", old, now);
        child(path, "else", old, now);
    }

    private void bounds(String path, JsonNode old, JsonNode now) {
        for (String keyword : LOWER_BOUNDS) {
            if (now.has(keyword) && (!old.has(keyword) || now.get(keyword).decimalValue()
                    .compareTo(old.get(keyword).decimalValue()) > 0)) {
                problem(path, keyword + (old.has(keyword) ? " raised from " + old.get(keyword) + " to " : " added: ")
                        + now.get(keyword));
            }
        }
        for (String keyword : UPPER_BOUNDS) {
            if (now.has(keyword) && (!old.has(keyword) || now.get(keyword).decimalValue()
                    .compareTo(old.get(keyword).decimalValue()) < 0)) {
                problem(path, keyword + (old.has(keyword) ? " lowered from " + old.get(keyword) + " to " : " added: ")
                        + now.get(keyword));
            }
        }
    }

    /** JSON Pointer escaping of one reference token. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}

package io.interactionsync.emulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Google's partial response ({@code fields} system parameter): {@code a,b/c,d(e,f),*} — a comma-separated selection
 * where {@code /} selects inside an object, parentheses select several fields inside one, {@code *} every field of a
 * level; arrays apply the selection to each element. Only successful responses are filtered (errors are answered
 * whole, as Google does).
 */
public final class PartialResponse {

    /** A selection level: field name → its sub-selection (null = the whole field). */
    private record Selection(Map<String, Selection> fields) {
    }

    private PartialResponse() {
    }

    /**
     * {@code body} filtered by the {@code fields} of {@code rc}'s query (unfiltered when absent); empty when the
     * selection does not parse (Google answers 400 "Invalid field selection").
     */
    public static Optional<JsonNode> apply(io.vertx.ext.web.RoutingContext rc, JsonNode body) {
        String fields = rc.request().getParam("fields");
        if (fields == null || fields.isBlank()) {
            return Optional.of(body);
        }
        Optional<Selection> selection = parse(fields);
        return selection.map(s -> filter(body, s));
    }

    static Optional<Selection> parse(String text) {
        Parser p = new Parser(text.replace(" ", ""));
        try {
            Selection s = p.list();
            return p.pos == p.text.length() && !s.fields().isEmpty() ? Optional.of(s) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static JsonNode filter(JsonNode node, Selection selection) {
        if (selection == null) {
            return node.deepCopy();
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = Json.array();
            array.forEach(e -> out.add(filter(e, selection)));
            return out;
        }
        if (!(node instanceof ObjectNode object)) {
            return node.deepCopy();
        }
        if (selection.fields().containsKey("*")) {
            return object.deepCopy();
        }
        ObjectNode out = Json.object();
        selection.fields().forEach((name, sub) -> {
            if (object.has(name)) {
                out.set(name, filter(object.get(name), sub));
            }
        });
        return out;
    }

    /** Recursive descent over {@code list := item (',' item)*; item := name ('/' item | '(' list ')')?}. */
    private static final class Parser {
        final String text;
        int pos;

        Parser(String text) {
            this.text = text;
        }

        Selection list() {
            Map<String, Selection> fields = new LinkedHashMap<>();
            item(fields);
            while (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                item(fields);
            }
            return new Selection(fields);
        }

        void item(Map<String, Selection> into) {
            String name = name();
            Selection sub = null;
            if (pos < text.length() && text.charAt(pos) == '/') {
                pos++;
                Map<String, Selection> inner = new LinkedHashMap<>();
                item(inner);
                sub = new Selection(inner);
            } else if (pos < text.length() && text.charAt(pos) == '(') {
                pos++;
                sub = list();
                if (pos >= text.length() || text.charAt(pos) != ')') {
                    throw new IllegalArgumentException("unbalanced parentheses");
                }
                pos++;
            }
            put(into, name, sub);
        }

        String name() {
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
                    || text.charAt(pos) == '*')) {
                pos++;
            }
            if (start == pos) {
                throw new IllegalArgumentException("field name expected at " + pos);
            }
            return text.substring(start, pos);
        }
    }

    /** {@code a/b,a/c} selects both: null (the whole field) absorbs any sub-selection. */
    private static Selection union(Selection a, Selection b) {
        if (a == null || b == null) {
            return null;
        }
        Map<String, Selection> merged = new LinkedHashMap<>(a.fields());
        b.fields().forEach((k, v) -> put(merged, k, v));
        return new Selection(merged);
    }

    /** Map.merge refuses null values (here: the whole field). */
    private static void put(Map<String, Selection> into, String name, Selection sub) {
        into.put(name, into.containsKey(name) ? union(into.get(name), sub) : sub);
    }
}

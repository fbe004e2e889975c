package io.interactionsync.normalizer.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Message headers by case-insensitive name, every occurrence kept in order. */
public final class Headers {

    private final Map<String, List<String>> byName = new LinkedHashMap<>();

    public Headers add(String name, String value) {
        if (name != null && value != null) {
            byName.computeIfAbsent(name.strip().toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value);
        }
        return this;
    }

    /** The first occurrence, or null. */
    public String first(String name) {
        List<String> values = byName.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every occurrence (a header may legally repeat, e.g. several To lines). */
    public List<String> all(String name) {
        return byName.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** Every occurrence joined with ", ", for address headers that repeat. */
    public String joined(String name) {
        List<String> values = all(name);
        return values.isEmpty() ? null : String.join(", ", values);
    }

    public boolean has(String name) {
        return !all(name).isEmpty();
    }
}

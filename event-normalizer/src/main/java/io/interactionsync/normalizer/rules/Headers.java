package io.interactionsync.normalizer.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Message headers by case-insensitive name, every occurrence kept in order. */
public final class Headers {

    /**
     * Lower-case forms of header names, shared: every message repeats the same few dozen names, and the rules look
     * them up by the same literals, so neither side lower-cases or re-hashes a name per message. Bounded, since
     * names also come from the data.
     */
    private static final Map<String, String> LOWER = new ConcurrentHashMap<>();
    private static final int LOWER_LIMIT = 4096;

    private final Map<String, List<String>> byName = new LinkedHashMap<>();

    private static String lower(String name) {
        String lower = LOWER.get(name);
        if (lower == null) {
            lower = name.strip().toLowerCase(Locale.ROOT);
            if (LOWER.size() < LOWER_LIMIT) {
                LOWER.putIfAbsent(name, lower);
            }
        }
        return lower;
    }

    public Headers add(String name, String value) {
        if (name != null && value != null) {
            byName.computeIfAbsent(lower(name), n -> new ArrayList<>(1)).add(value);
        }
        return this;
    }

    /** The first occurrence, or null. */
    public String first(String name) {
        List<String> values = byName.get(lower(name));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every occurrence (a header may legally repeat, e.g. several To lines). */
    public List<String> all(String name) {
        return byName.getOrDefault(lower(name), List.of());
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

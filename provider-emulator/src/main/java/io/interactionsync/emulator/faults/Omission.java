package io.interactionsync.emulator.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.interactionsync.emulator.http.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * A provider that silently loses changes: the items of one list, delta or history response, each dropped with the
 * matching fault rule's {@code omit} probability (drawn again for every response, from the injector's seeded random
 * source). Routes apply it to the page they answer and still move their page token, delta link or history id past
 * what was dropped, so the client never sees those items on that path again.
 */
public final class Omission {

    static final String KEY = "emulator.omission";
    /** Nothing dropped. */
    public static final Omission NONE = new Omission(0, () -> 1.0, () -> { });

    private final double probability;
    private final DoubleSupplier random;
    private final Runnable counter;

    /** Drops each item with {@code probability}, drawing from {@code random}; {@code onDrop} runs per dropped item. */
    public static Omission dropping(double probability, DoubleSupplier random, Runnable onDrop) {
        return new Omission(probability, random, onDrop);
    }

    private Omission(double probability, DoubleSupplier random, Runnable counter) {
        this.probability = probability;
        this.random = random;
        this.counter = counter;
    }

    /** The omission a fault rule attached to this request, or {@link #NONE}. */
    public static Omission of(RoutingContext rc) {
        Omission o = rc.get(KEY);
        return o == null ? NONE : o;
    }

    public boolean active() {
        return probability > 0;
    }

    /** The items that survive, in order. */
    public <T> List<T> filter(List<T> items) {
        if (!active()) {
            return items;
        }
        List<T> kept = new ArrayList<>(items.size());
        for (T item : items) {
            if (!drop()) {
                kept.add(item);
            }
        }
        return kept;
    }

    /** The array elements that survive, in order (a new array). */
    public ArrayNode filter(ArrayNode items) {
        if (!active()) {
            return items;
        }
        ArrayNode kept = Json.array();
        for (JsonNode item : items) {
            if (!drop()) {
                kept.add(item);
            }
        }
        return kept;
    }

    private boolean drop() {
        if (random.getAsDouble() < probability) {
            counter.run();
            return true;
        }
        return false;
    }
}

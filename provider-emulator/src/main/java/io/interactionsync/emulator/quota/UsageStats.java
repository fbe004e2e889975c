package io.interactionsync.emulator.quota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.http.Json;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests, quota units and throttled answers per user and per method, and the items an {@code omit} fault dropped
 * from the user's responses, for {@code GET /_emulator/stats}.
 */
public final class UsageStats {

    private static final class Counters {
        final LongAdder requests = new LongAdder();
        final LongAdder units = new LongAdder();
        final LongAdder throttled = new LongAdder();

        ObjectNode toJson() {
            ObjectNode out = Json.object();
            out.put("requests", requests.sum());
            out.put("quotaUnits", units.sum());
            out.put("throttled", throttled.sum());
            return out;
        }
    }

    private static final class UserCounters {
        final Counters total = new Counters();
        final LongAdder omitted = new LongAdder();
        final ConcurrentHashMap<String, Counters> methods = new ConcurrentHashMap<>();
    }

    private final ConcurrentHashMap<String, UserCounters> users = new ConcurrentHashMap<>();

    /** Records one request of {@code user} to {@code method} costing {@code units}; throttled when answered 403/429. */
    public void record(String user, String method, long units, boolean throttled) {
        UserCounters u = users.computeIfAbsent(user, k -> new UserCounters());
        Counters m = u.methods.computeIfAbsent(method, k -> new Counters());
        for (Counters c : new Counters[] {u.total, m}) {
            c.requests.increment();
            c.units.add(units);
            if (throttled) {
                c.throttled.increment();
            }
        }
    }

    /** One item dropped from a response to {@code user} by an {@code omit} fault (not a request). */
    public void recordOmitted(String user) {
        users.computeIfAbsent(user, k -> new UserCounters()).omitted.increment();
    }

    /** {@code {"users": {"<user>": {requests, quotaUnits, throttled, omitted, methods: {"<method>": {…}}}}}}. */
    public ObjectNode toJson() {
        ObjectNode root = Json.object();
        ObjectNode usersNode = root.putObject("users");
        Map<String, UserCounters> sorted = new TreeMap<>(users);
        sorted.forEach((user, counters) -> {
            ObjectNode u = counters.total.toJson();
            u.put("omitted", counters.omitted.sum());
            ObjectNode methods = u.putObject("methods");
            new TreeMap<>(counters.methods).forEach((method, c) -> methods.set(method, c.toJson()));
            usersNode.set(user, u);
        });
        return root;
    }

    public void clear() {
        users.clear();
    }
}

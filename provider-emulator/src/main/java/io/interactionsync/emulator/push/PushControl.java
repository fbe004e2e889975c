package io.interactionsync.emulator.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.http.BadRequestException;
import io.interactionsync.emulator.http.Json;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The push settings of {@code PUT /_emulator/push} ({@code delayMs}, {@code duplicate}, {@code lossRate},
 * {@code seed}) and the delivery counters per {@link PushKind}. The random source of loss and duplication is seeded
 * by {@code seed}, so a run repeats.
 */
public final class PushControl {

    static final long MAX_DELAY_MS = 600_000;

    private long delayMs;
    private double duplicate;
    private double lossRate;
    private Long seed;
    private Random random = new Random();
    private final Map<PushKind, Map<String, AtomicLong>> counters = new EnumMap<>(PushKind.class);

    public PushControl() {
        reset();
    }

    /** Defaults: no delay, no duplicates, no loss, counters at zero. */
    public synchronized void reset() {
        delayMs = 0;
        duplicate = 0;
        lossRate = 0;
        seed = null;
        random = new Random();
        for (PushKind kind : PushKind.values()) {
            counters.put(kind, new ConcurrentHashMap<>());
        }
    }

    /** A partial update; unknown keys or bad values → 400 and nothing changes. */
    public synchronized void update(JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw new BadRequestException("body must be {delayMs, duplicate, lossRate, seed}");
        }
        long newDelay = delayMs;
        double newDuplicate = duplicate;
        double newLoss = lossRate;
        Long newSeed = seed;
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode n = e.getValue();
            switch (e.getKey()) {
                case "delayMs" -> {
                    if (!n.isIntegralNumber() || n.asLong() < 0 || n.asLong() > MAX_DELAY_MS) {
                        throw new BadRequestException("delayMs must be an integer from 0 to " + MAX_DELAY_MS);
                    }
                    newDelay = n.asLong();
                }
                case "duplicate" -> {
                    if (n.isBoolean()) {
                        newDuplicate = n.asBoolean() ? 1 : 0;
                    } else {
                        newDuplicate = probability("duplicate", n);
                    }
                }
                case "lossRate" -> newLoss = probability("lossRate", n);
                case "seed" -> {
                    if (!n.isNull() && !n.isIntegralNumber()) {
                        throw new BadRequestException("seed must be an integer or null");
                    }
                    newSeed = n.isNull() ? null : n.asLong();
                }
                default -> throw new BadRequestException("unknown push setting: " + e.getKey()
                        + " (known: delayMs, duplicate, lossRate, seed)");
            }
        }
        delayMs = newDelay;
        duplicate = newDuplicate;
        lossRate = newLoss;
        if (patch.has("seed")) {
            seed = newSeed;
            random = newSeed == null ? new Random() : new Random(newSeed);
        }
    }

    private static double probability(String key, JsonNode n) {
        if (!n.isNumber() || n.asDouble() < 0 || n.asDouble() > 1) {
            throw new BadRequestException(key + " must be a number from 0 to 1");
        }
        return n.asDouble();
    }

    public synchronized long delayMs() {
        return delayMs;
    }

    /** Draws whether one notification of {@code kind} is silently not sent (counted as lost). */
    synchronized boolean lose(PushKind kind) {
        if (lossRate > 0 && (lossRate >= 1 || random.nextDouble() < lossRate)) {
            count(kind, "lost");
            return true;
        }
        return false;
    }

    /** Draws whether one delivery of {@code kind} goes out twice (counted as duplicated). */
    synchronized boolean duplicate(PushKind kind) {
        if (duplicate > 0 && (duplicate >= 1 || random.nextDouble() < duplicate)) {
            count(kind, "duplicated");
            return true;
        }
        return false;
    }

    void count(PushKind kind, String counter) {
        Map<String, AtomicLong> map;
        synchronized (this) {
            map = counters.get(kind);
        }
        map.computeIfAbsent(counter, k -> new AtomicLong()).incrementAndGet();
    }

    /** {@code {delayMs, duplicate, lossRate, seed}}. */
    public synchronized ObjectNode settingsJson() {
        ObjectNode out = Json.object();
        out.put("delayMs", delayMs);
        out.put("duplicate", duplicate);
        out.put("lossRate", lossRate);
        if (seed == null) {
            out.putNull("seed");
        } else {
            out.put("seed", seed);
        }
        return out;
    }

    /** {@code {gmail: {sent, lost, duplicated, failedAttempts, givenUp, …}, calendar: …, graph: …, lifecycle: …}}. */
    public synchronized ObjectNode countersJson() {
        ObjectNode out = Json.object();
        for (PushKind kind : PushKind.values()) {
            ObjectNode k = out.putObject(kind.key());
            Map<String, AtomicLong> map = counters.get(kind);
            for (String name : PushKind.COMMON) {
                k.put(name, map.getOrDefault(name, new AtomicLong()).get());
            }
            for (String name : kind.extraCounters()) {
                k.put(name, map.getOrDefault(name, new AtomicLong()).get());
            }
        }
        return out;
    }
}

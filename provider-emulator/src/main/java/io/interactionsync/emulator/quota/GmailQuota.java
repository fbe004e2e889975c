package io.interactionsync.emulator.quota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.http.Json;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Gmail quota: units per user per minute and per project per minute (sliding 60 s windows), plus concurrent
 * requests per user. A rejected request spends no units. Rejections are counted per verdict, and the project window's
 * peak is kept, for {@code GET /_emulator/stats} (a test of several replicas proves the project quota never bound
 * them into a rejection).
 */
public final class GmailQuota {

    /** Outcome of a quota check. */
    public enum Verdict { OK, USER_LIMIT, PROJECT_LIMIT, CONCURRENCY }

    private final ConcurrentHashMap<String, SlidingWindow> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private volatile SlidingWindow project = new SlidingWindow();
    private final Map<Verdict, LongAdder> rejected = new EnumMap<>(Map.of(Verdict.USER_LIMIT, new LongAdder(),
            Verdict.PROJECT_LIMIT, new LongAdder(), Verdict.CONCURRENCY, new LongAdder()));

    /** Spends {@code units} of {@code user} and of the project if both limits allow it. */
    public Verdict spend(String user, long units, long perUser, long perProject, long nowMillis) {
        SlidingWindow window = users.computeIfAbsent(user, k -> new SlidingWindow());
        synchronized (window) {
            if (!canAfford(window, units, perUser, nowMillis)) {
                return reject(Verdict.USER_LIMIT);
            }
            if (!project.tryAdd(units, perProject, nowMillis)) {
                return reject(Verdict.PROJECT_LIMIT);
            }
            window.tryAdd(units, perUser, nowMillis);
            return Verdict.OK;
        }
    }

    private Verdict reject(Verdict verdict) {
        rejected.get(verdict).increment();
        return verdict;
    }

    private static boolean canAfford(SlidingWindow window, long units, long limit, long nowMillis) {
        return window.retryAfterMillis(units, limit, nowMillis) <= nowMillis;
    }

    /** When the user could afford {@code units} again (epoch ms). */
    public long userRetryAt(String user, long units, long perUser, long nowMillis) {
        return users.computeIfAbsent(user, k -> new SlidingWindow()).retryAfterMillis(units, perUser, nowMillis);
    }

    /** Enters a request; false when the user already has {@code limit} requests in flight (then nothing to leave). */
    public boolean enter(String user, int limit) {
        AtomicInteger count = inFlight.computeIfAbsent(user, k -> new AtomicInteger());
        if (count.incrementAndGet() > limit) {
            count.decrementAndGet();
            reject(Verdict.CONCURRENCY);
            return false;
        }
        return true;
    }

    public void leave(String user) {
        AtomicInteger count = inFlight.get(user);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /**
     * {@code {userLimitRejections, projectLimitRejections, concurrencyRejections, projectUnitsPeakPerMinute}}: requests
     * refused per verdict since the last reset, and the most units the project's sliding minute held.
     */
    public ObjectNode toJson() {
        ObjectNode out = Json.object();
        out.put("userLimitRejections", rejected.get(Verdict.USER_LIMIT).sum());
        out.put("projectLimitRejections", rejected.get(Verdict.PROJECT_LIMIT).sum());
        out.put("concurrencyRejections", rejected.get(Verdict.CONCURRENCY).sum());
        out.put("projectUnitsPeakPerMinute", project.peak());
        return out;
    }

    public void clear() {
        users.clear();
        inFlight.clear();
        project = new SlidingWindow();
        rejected.values().forEach(LongAdder::reset);
    }
}

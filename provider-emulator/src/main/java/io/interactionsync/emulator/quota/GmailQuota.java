package io.interactionsync.emulator.quota;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gmail quota: units per user per minute and per project per minute (sliding 60 s windows), plus concurrent
 * requests per user. A rejected request spends no units.
 */
public final class GmailQuota {

    /** Outcome of a quota check. */
    public enum Verdict { OK, USER_LIMIT, PROJECT_LIMIT, CONCURRENCY }

    private final ConcurrentHashMap<String, SlidingWindow> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private volatile SlidingWindow project = new SlidingWindow();

    /** Spends {@code units} of {@code user} and of the project if both limits allow it. */
    public Verdict spend(String user, long units, long perUser, long perProject, long nowMillis) {
        SlidingWindow window = users.computeIfAbsent(user, k -> new SlidingWindow());
        synchronized (window) {
            if (!canAfford(window, units, perUser, nowMillis)) {
                return Verdict.USER_LIMIT;
            }
            if (!project.tryAdd(units, perProject, nowMillis)) {
                return Verdict.PROJECT_LIMIT;
            }
            window.tryAdd(units, perUser, nowMillis);
            return Verdict.OK;
        }
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

    public void clear() {
        users.clear();
        inFlight.clear();
        project = new SlidingWindow();
    }
}

package io.interactionsync.emulator.microsoft.graph;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Outlook limits per app and mailbox: concurrent requests, and requests per 10 minutes. */
public final class GraphThrottle {

    private static final long WINDOW_MILLIS = 10 * 60 * 1000L;

    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ArrayDeque<Long>> recent = new ConcurrentHashMap<>();

    public boolean enter(String mailbox, int limit) {
        AtomicInteger count = inFlight.computeIfAbsent(mailbox, k -> new AtomicInteger());
        if (count.incrementAndGet() > limit) {
            count.decrementAndGet();
            return false;
        }
        return true;
    }

    public void leave(String mailbox) {
        AtomicInteger count = inFlight.get(mailbox);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /** Counts a request; returns 0 when allowed, else the seconds until one is allowed again. */
    public long admit(String mailbox, int limit, long nowMillis) {
        ArrayDeque<Long> times = recent.computeIfAbsent(mailbox, k -> new ArrayDeque<>());
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst() <= nowMillis - WINDOW_MILLIS) {
                times.pollFirst();
            }
            if (times.size() >= limit) {
                return Math.max(1, (times.peekFirst() + WINDOW_MILLIS - nowMillis + 999) / 1000);
            }
            times.addLast(nowMillis);
            return 0;
        }
    }

    public void clear() {
        inFlight.clear();
        recent.clear();
    }
}

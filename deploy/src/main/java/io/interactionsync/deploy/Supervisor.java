package io.interactionsync.deploy;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Restarts a stack child that died, as Kubernetes restarts a pod's container: one watcher thread per child waits for
 * its exit, logs {@code <name> exited with <code>; restarting (restart n)}, waits a back-off (1 s, doubling per restart
 * within the crash-loop window, at most 16 s), relaunches the same command and logs {@code <name> restarted, ready in
 * X s} once its readiness probe holds. More than {@link #CRASH_LOOP_RESTARTS} restarts of one child within
 * {@link #CRASH_LOOP_WINDOW} is a crash loop: the supervisor gives up and reports it ({@link #failure()}, and the
 * {@code onGiveUp} callback, which stops the stack). A child watched with {@link #failFast} is never restarted
 * (the emulator holds the generated mailboxes in memory): its death is a failure at once.
 */
public final class Supervisor {

    static final int CRASH_LOOP_RESTARTS = 5;
    static final Duration CRASH_LOOP_WINDOW = Duration.ofSeconds(60);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(16);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final Object stackLock;
    private final PrintStream out;
    private final Consumer<String> onGiveUp;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final Map<String, Integer> restarts = new ConcurrentHashMap<>();
    private final java.util.Set<String> held = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /**
     * @param stackLock the lock the stack holds while it stops its processes: a restart happens under it, so a
     *                  stopping stack never sees a child come back
     * @param onGiveUp  called once (from a watcher thread) with the reason when a child crash-loops or a fail-fast
     *                  child dies
     */
    public Supervisor(Object stackLock, PrintStream out, Consumer<String> onGiveUp) {
        this.stackLock = stackLock;
        this.out = out;
        this.onGiveUp = onGiveUp;
    }

    /** Restarts {@code process} whenever it dies; {@code ready} says when a restarted one serves again. */
    public void supervise(ManagedProcess process, BooleanSupplier ready) {
        Thread watcher = new Thread(() -> watch(process, ready), "supervise-" + process.name());
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Watches {@code process} without restarting it: its death stops the stack. */
    public void failFast(ManagedProcess process, String why) {
        Thread watcher = new Thread(() -> {
            try {
                int code = process.waitForExit();
                if (!stopping) {
                    giveUp(process.name() + " exited with " + code + " and is not restarted (" + why + "); see "
                            + process.logFile());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "supervise-" + process.name());
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * Until {@link #releaseRestarts}, {@code name} is not restarted when it dies (it stays down): a test shows what the
     * other replicas do without it, then lets it come back as Kubernetes would.
     */
    public void holdRestarts(String name) {
        held.add(name);
    }

    /** Lets {@code name} be restarted again (at once, if it died meanwhile). */
    public void releaseRestarts(String name) {
        held.remove(name);
    }

    /** No restart from now on (the stack is stopping its processes). */
    public void stop() {
        stopping = true;
    }

    /** Why the supervisor gave up, or null while every child is running or being restarted. */
    public String failure() {
        return failure.get();
    }

    /** Restarts of {@code name} so far. */
    public int restarts(String name) {
        return restarts.getOrDefault(name, 0);
    }

    private void watch(ManagedProcess process, BooleanSupplier ready) {
        Deque<Instant> recent = new ArrayDeque<>();
        try {
            while (true) {
                int code = process.waitForExit();
                if (held.contains(process.name())) {
                    log("%s exited with %d; held down (no restart until released)", process.name(), code);
                    while (held.contains(process.name()) && !stopping) {
                        Thread.sleep(100);
                    }
                }
                if (stopping) {
                    return;
                }
                Instant now = Instant.now();
                while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(CRASH_LOOP_WINDOW))) {
                    recent.removeFirst();
                }
                if (recent.size() >= CRASH_LOOP_RESTARTS) {
                    giveUp(process.name() + " exited with " + code + " after " + recent.size() + " restarts within "
                            + CRASH_LOOP_WINDOW.toSeconds() + " s: crash loop, giving up; see " + process.logFile());
                    return;
                }
                recent.addLast(now);
                int n = restarts.merge(process.name(), 1, Integer::sum);
                Duration backoff = backoff(recent.size());
                log("%s exited with %d; restarting (restart %d) in %.1f s", process.name(), code, n,
                        backoff.toMillis() / 1000.0);
                Thread.sleep(backoff.toMillis());
                synchronized (stackLock) {
                    if (stopping) {
                        return;
                    }
                    process.relaunch();
                }
                Instant relaunched = Instant.now();
                while (process.isAlive() && !stopping && !ready.getAsBoolean()) {
                    if (Duration.between(relaunched, Instant.now()).compareTo(READY_TIMEOUT) > 0) {
                        log("%s restarted but not ready after %d s; see %s", process.name(), READY_TIMEOUT.toSeconds(),
                                process.logFile());
                        break;
                    }
                    Thread.sleep(250);
                }
                if (process.isAlive() && !stopping && ready.getAsBoolean()) {
                    log("%s restarted, ready in %.1f s (pid %d)", process.name(),
                            Duration.between(relaunched, Instant.now()).toMillis() / 1000.0, process.pid());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopping) {
                giveUp("could not restart " + process.name() + ": " + e.getMessage());
            }
        }
    }

    /** 1 s for the first restart within the window, doubling for each further one, at most 16 s. */
    static Duration backoff(int restartsInWindow) {
        long seconds = 1L << Math.min(Math.max(restartsInWindow - 1, 0), 4);
        return Duration.ofSeconds(seconds).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : Duration.ofSeconds(seconds);
    }

    private void giveUp(String reason) {
        if (failure.compareAndSet(null, reason)) {
            log("%s", reason);
            onGiveUp.accept(reason);
        }
    }

    private void log(String format, Object... args) {
        out.printf("[supervisor %tT] %s%n", java.util.Date.from(Instant.now()), String.format(format, args));
    }
}

package io.interactionsync.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A child JVM of the stack: started with its own environment, logging to a file, stopped gracefully. It keeps its
 * command so that the stack's {@link Supervisor} can {@link #relaunch} it after it died (the same name, environment and
 * log file, appended to: one log per service across restarts).
 */
public final class ManagedProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path logFile;
    private volatile Process process;

    private ManagedProcess(String name, List<String> command, Map<String, String> env, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.logFile = logFile;
    }

    /** Starts {@code command} with {@code env} added to this process's environment; output goes to {@code logFile}. */
    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path logFile) {
        ManagedProcess managed = new ManagedProcess(name, command, env, logFile);
        managed.process = managed.launch();
        return managed;
    }

    private Process launch() {
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            pb.environment().putAll(env);
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** Starts the same command again after the process died (the supervisor's restart). */
    public synchronized void relaunch() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running (pid " + process.pid() + ")");
        }
        process = launch();
    }

    /** The current OS process id (a new one after each {@link #relaunch}). */
    public long pid() {
        return process.pid();
    }

    /** The environment this process was started with on top of the launcher's (e.g. its instance id). */
    public Map<String, String> environment() {
        return env;
    }

    /** Waits until the current process exits and returns its exit code. */
    public int waitForExit() throws InterruptedException {
        return process.waitFor();
    }

    /** SIGKILL now, as {@code kill -9} does (the soak's crash; no shutdown hook runs); waits until it is gone. */
    public void kill() {
        Process p = process;
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code java} of the running JVM (≥ 21, checked by the launcher script) with the given arguments. */
    public static List<String> java(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(args));
        return command;
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code url} answers 200, failing early with the log's tail if the process dies. */
    public void awaitHttpOk(URI url, Duration timeout) {
        awaitReady(() -> answersOk(url), timeout, "GET " + url + " → 200");
    }

    /** Whether {@code url} answers 200 now (one request, 2 s timeout). */
    public static boolean answersOk(URI url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until {@code ready} holds, failing early with the log's tail if the process dies. */
    public void awaitReady(BooleanSupplier ready, Duration timeout, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (!ready.getAsBoolean()) {
            Process process = this.process;
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it was ready. Last lines of " + logFile + ":\n" + logTail(40));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(name + " not ready after " + timeout.toSeconds() + " s (" + what
                        + "). Last lines of " + logFile + ":\n" + logTail(40));
            }
            pause(Duration.ofMillis(250));
        }
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    @Override
    public void close() {
        close(Duration.ofSeconds(20));
    }

    /** SIGTERM, then SIGKILL after {@code grace} (a JVM writing an AOT cache at exit needs longer). */
    public void close(Duration grace) {
        Process process = this.process;
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A polling interval of the launcher (not a test): waiting for another process has no event to await. */
    public static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

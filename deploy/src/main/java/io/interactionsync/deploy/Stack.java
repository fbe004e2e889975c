package io.interactionsync.deploy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A running set of stack processes, stopped in reverse start order. Shared by the local-stack launcher
 * and the end-to-end test so both run the services exactly the same way.
 */
public final class Stack implements AutoCloseable {

    /** Modest heaps: the whole stack must fit on a laptop next to an IDE. */
    private static final List<String> SERVICE_JVM_OPTIONS = List.of("-Xmx384m", "-XX:+UseSerialGC");

    /** The stable instance id every service gets ({@code interaction-sync.instance-id}): its lease owner and group.instance.id. */
    public static final String INSTANCE_ID_ENV = "INTERACTION_SYNC_INSTANCE_ID";

    private final Path repoRoot;
    private final Path logDir;
    private final Deque<ManagedProcess> processes = new ArrayDeque<>();
    private final Map<String, String> serviceEnv = new HashMap<>();
    private final Map<StackService, Integer> instances = new EnumMap<>(StackService.class);
    private final Supervisor supervisor = new Supervisor(this, System.out, reason -> { });

    public Stack(Path repoRoot, Path logDir) {
        this.repoRoot = repoRoot;
        this.logDir = logDir;
    }

    public Path logDir() {
        return logDir;
    }

    /** Restarts the children handed to {@link #supervise}; {@link Supervisor#failure()} says when it gave up. */
    public Supervisor supervisor() {
        return supervisor;
    }

    /** Restarts {@code process} when it dies (as Kubernetes restarts a container); {@code ready}: it serves again. */
    public void supervise(ManagedProcess process, java.util.function.BooleanSupplier ready) {
        supervisor.supervise(process, ready);
    }

    /** Restarts every service process started so far when it dies; ready again = {@code /q/health/ready} 200. */
    public void superviseServices(StackEndpoints endpoints, List<StackService> services) {
        for (StackService service : services) {
            URI health = URI.create(service.healthUrl(endpoints));
            supervise(process(service.artifact()), () -> ManagedProcess.answersOk(health));
        }
    }

    /** Environment every service of this stack gets on top of its own (e.g. the capture tool's plaintext records). */
    public Stack withServiceEnv(Map<String, String> env) {
        serviceEnv.putAll(env);
        return this;
    }

    public Path repoRoot() {
        return repoRoot;
    }

    /** Adds a process started elsewhere (Kafka, the emulator) so it is stopped with the stack. */
    public synchronized ManagedProcess adopt(ManagedProcess process) {
        processes.push(process);
        return process;
    }

    /** Starts {@code services} in parallel and waits until each is ready ({@code /q/health/ready}). */
    public void startServices(StackEndpoints endpoints, List<StackService> services, Duration timeout) {
        for (StackService service : services) {
            start(service, endpoints, service.artifact(), Map.of());
        }
        for (StackService service : services) {
            process(service.artifact()).awaitHttpOk(URI.create(service.healthUrl(endpoints)), timeout);
        }
    }

    /**
     * Starts one instance of {@code service} named {@code name} (its log file too) with the stack's
     * environment plus {@code extraEnv}; does not wait for it. Several instances = several replicas, each with its
     * own stable instance id {@code <service>-<n>} ({@link #INSTANCE_ID_ENV}, n = 0, 1, … in start order; a
     * restart keeps it), unless {@code extraEnv} sets one.
     */
    public ManagedProcess start(StackService service, StackEndpoints endpoints, String name,
                                Map<String, String> extraEnv) {
        Path jar = service.jar(repoRoot);
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw -DskipTests package)");
        }
        List<String> command = new ArrayList<>(SERVICE_JVM_OPTIONS);
        command.add("-jar");
        command.add(jar.toString());
        Map<String, String> env = new HashMap<>(service.environment(endpoints));
        synchronized (this) {
            int n = instances.merge(service, 1, Integer::sum) - 1;
            env.put(INSTANCE_ID_ENV, service.instanceName() + "-" + n);
        }
        env.putAll(serviceEnv);
        env.putAll(extraEnv);
        return adopt(ManagedProcess.start(name, ManagedProcess.java(command.toArray(String[]::new)), env,
                logDir.resolve(name + ".log")));
    }

    public synchronized ManagedProcess process(String name) {
        return processes.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no process " + name));
    }

    public synchronized List<ManagedProcess> processes() {
        return List.copyOf(processes);
    }

    /** Idempotent; synchronized because a shutdown hook may stop the stack while the launcher's thread does too. */
    @Override
    public synchronized void close() {
        supervisor.stop();
        while (!processes.isEmpty()) {
            processes.pop().close();
        }
    }
}

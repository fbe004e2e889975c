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
    private final Map<StackService, Map<String, String>> perServiceEnv = new EnumMap<>(StackService.class);
    private final Map<StackService, Integer> instances = new EnumMap<>(StackService.class);
    /** Names of the service processes started here (not adopted): they stop together. */
    private final java.util.Set<String> servicesStarted = java.util.concurrent.ConcurrentHashMap.newKeySet();
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
        superviseServices(endpoints, services, 1);
    }

    /** As {@link #superviseServices(StackEndpoints, List)} for {@code replicas} of each replicated service. */
    public void superviseServices(StackEndpoints endpoints, List<StackService> services, int replicas) {
        for (StackService service : services) {
            for (int k = 0; k < replicasOf(service, replicas); k++) {
                URI health = URI.create(service.healthUrl(endpoints, k));
                supervise(process(service.processName(k)), () -> ManagedProcess.answersOk(health));
            }
        }
    }

    /** How many of {@code service} a stack of {@code replicas} runs: the connector stays one. */
    public static int replicasOf(StackService service, int replicas) {
        return service.replicated() ? replicas : 1;
    }

    /** Environment every service of this stack gets on top of its own (e.g. the capture tool's plaintext records). */
    public Stack withServiceEnv(Map<String, String> env) {
        serviceEnv.putAll(env);
        return this;
    }

    /** Environment every instance of {@code service} gets on top of its own (e.g. a worker concurrency). */
    public Stack withServiceEnv(StackService service, Map<String, String> env) {
        perServiceEnv.computeIfAbsent(service, s -> new HashMap<>()).putAll(env);
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
        startServices(endpoints, services, 1, timeout);
    }

    /**
     * Starts {@code replicas} instances of each replicated service and one connector, in parallel, and waits until each
     * is ready. Replica k: process and log {@link StackService#processName}, ports 100·k up
     * ({@link StackService#REPLICA_PORT_STEP}), instance id {@link StackService#instanceId}.
     */
    public void startServices(StackEndpoints endpoints, List<StackService> services, int replicas, Duration timeout) {
        for (StackService service : services) {
            for (int k = 0; k < replicasOf(service, replicas); k++) {
                start(service, endpoints, k, Map.of());
            }
        }
        for (StackService service : services) {
            for (int k = 0; k < replicasOf(service, replicas); k++) {
                process(service.processName(k)).awaitHttpOk(URI.create(service.healthUrl(endpoints, k)), timeout);
            }
        }
    }

    /** Starts replica {@code k} of {@code service} (see {@link #startServices(StackEndpoints, List, int, Duration)}). */
    public ManagedProcess start(StackService service, StackEndpoints endpoints, int replica, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.putIfAbsent(INSTANCE_ID_ENV, service.instanceId(replica));
        return start(service, service.environment(endpoints, replica), service.processName(replica), env);
    }

    /**
     * Starts one instance of {@code service} named {@code name} (its log file too) with the stack's
     * environment plus {@code extraEnv}; does not wait for it. Several instances = several replicas, each with its
     * own stable instance id {@code <service>-<n>} ({@link #INSTANCE_ID_ENV}, n = 0, 1, … in start order; a
     * restart keeps it), unless {@code extraEnv} sets one.
     */
    public ManagedProcess start(StackService service, StackEndpoints endpoints, String name,
                                Map<String, String> extraEnv) {
        return start(service, service.environment(endpoints), name, extraEnv);
    }

    private ManagedProcess start(StackService service, Map<String, String> serviceEnvironment, String name,
                                 Map<String, String> extraEnv) {
        Path jar = service.jar(repoRoot);
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw -DskipTests package)");
        }
        List<String> command = new ArrayList<>(SERVICE_JVM_OPTIONS);
        command.add("-jar");
        command.add(jar.toString());
        Map<String, String> env = new HashMap<>(serviceEnvironment);
        synchronized (this) {
            int n = instances.merge(service, 1, Integer::sum) - 1;
            env.put(INSTANCE_ID_ENV, service.instanceName() + "-" + n);
        }
        env.putAll(serviceEnv);
        env.putAll(perServiceEnv.getOrDefault(service, Map.of()));
        env.putAll(extraEnv);
        servicesStarted.add(name);
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

    /**
     * Stops the services together (each SIGTERM, then SIGKILL after 20 s: their graceful stops run in parallel), then
     * the other processes one by one in reverse start order (the emulator, Kafka last). Idempotent; synchronized
     * because a shutdown hook may stop the stack while the launcher's thread does too.
     */
    @Override
    public synchronized void close() {
        supervisor.stop();
        List<ManagedProcess> services = processes.stream().filter(p -> servicesStarted.contains(p.name())).toList();
        try (var stopping = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            services.forEach(p -> stopping.execute(p::close));
        }
        processes.removeAll(services);
        while (!processes.isEmpty()) {
            processes.pop().close();
        }
    }
}

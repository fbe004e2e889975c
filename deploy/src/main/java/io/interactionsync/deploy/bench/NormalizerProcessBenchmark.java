package io.interactionsync.deploy.bench;

import io.interactionsync.deploy.KafkaBrokerProcess;
import io.interactionsync.deploy.LocalDatabase;
import io.interactionsync.deploy.LocalFiles;
import io.interactionsync.deploy.ManagedProcess;
import io.interactionsync.deploy.StackEndpoints;
import io.interactionsync.deploy.StackService;
import io.interactionsync.deploy.StackTopics;
import io.interactionsync.model.Topics;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.PGConnection;

/**
 * The normalizer's throughput and memory as its own process ({@code deploy/bench-normalizer.sh}): a fresh Kafka
 * broker process and a fresh database {@value #DATABASE} on the local PostgreSQL; N generated Gmail raw records
 * produced to {@code raw-records} (12 partitions) BEFORE the packaged normalizer starts with a fixed heap; timed
 * until its consumer group has no lag on {@code raw-records} and its outbox is empty. Every 200 ms it samples the
 * normalizer's RSS, its heap used (JMX through the attach API) and the CPU of the normalizer, the broker and
 * PostgreSQL. Then, in the same run, a plain binary COPY of the rows written into the same table is the baseline.
 * State: {@code .local/bench} (the broker's data is deleted at the end unless {@code --keep}; logs stay).
 *
 * <p>Complements {@code NormalizerThroughputBenchmark} (event-normalizer), which calls the service in the test JVM:
 * here Kafka consumption, the relay's publishing and the process's own memory are part of the measurement.
 */
public final class NormalizerProcessBenchmark {

    /** The benchmark's own database: created fresh, dropped at the end; never the stack's or the tests'. */
    static final String DATABASE = "interaction_sync_bench";
    static final String GROUP = "event-normalizer";
    /** The normalizer's JAVA_TOOL_OPTIONS in deploy/k8s/base/event-normalizer.yaml, besides the heap size. */
    static final List<String> DEPLOYED_JVM_OPTIONS = List.of("-XX:+IgnoreUnrecognizedVMOptions", "-XX:+UseParallelGC",
            "-XX:NewRatio=1", "-XX:+UseCompactObjectHeaders");
    private static final Duration SAMPLE = Duration.ofMillis(200);
    private static final Duration POLL = Duration.ofMillis(250);

    record Options(long records, String xmx, int users, int teamSize, long seed, boolean keep, Duration timeout,
            Integer consumers, List<String> jvmOptions, int copyRuns, long aotTraining, long warmRecords) {

        static Options parse(String[] args) {
            long records = 1_000_000;
            String xmx = "768m"; // as deployed: 60 % of the 1,280 MiB limit (deploy/k8s/base/event-normalizer.yaml)
            int users = 1000;
            int teamSize = 50;
            long seed = 7;
            boolean keep = false;
            Duration timeout = Duration.ofHours(2);
            Integer consumers = null;
            int copyRuns = 3;
            long aotTraining = 200_000;
            Long warmRecords = null;
            List<String> jvmOptions = DEPLOYED_JVM_OPTIONS;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--records" -> records = Long.parseLong(args[++i].replace("_", "").replace(",", ""));
                    case "--xmx" -> xmx = args[++i];
                    case "--users" -> users = Integer.parseInt(args[++i]);
                    case "--team-size" -> teamSize = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--keep" -> keep = true;
                    case "--timeout-minutes" -> timeout = Duration.ofMinutes(Long.parseLong(args[++i]));
                    case "--consumers" -> consumers = Integer.parseInt(args[++i]);
                    case "--jvm" -> jvmOptions = List.of(args[++i].trim().split("\\s+"));
                    case "--copy-runs" -> copyRuns = Integer.parseInt(args[++i]);
                    case "--aot-training" -> aotTraining = Long.parseLong(args[++i].replace("_", "").replace(",", ""));
                    case "--warm-records" -> warmRecords = Long.parseLong(args[++i].replace("_", "").replace(",", ""));
                    case "-h", "--help" -> {
                        System.out.println("""
                                usage: deploy/bench-normalizer.sh [--records N] [--xmx 768m] [--users 1000]
                                         [--team-size 50] [--seed 7] [--keep] [--timeout-minutes 120]
                                         [--consumers N] [--jvm "-XX:+UseSerialGC ..."] [--copy-runs 3]
                                         [--aot-training 200000] [--warm-records N]
                                  --records    raw records in the backlog (default 1,000,000)
                                  --xmx        the normalizer's -Xmx (default 768m, as deployed)
                                  --users      accounts, generated in teams of --team-size (default 1,000)
                                  --keep       keep the database %s afterwards (dropped by default)
                                  --consumers  NORMALIZER_CONSUMERS of the normalizer (its default: 2)
                                  --jvm        the normalizer's JVM options besides -Xmx (default
                                               "%s", as deployed)
                                  --copy-runs  COPY baseline runs; the ratio uses their median (default 3: the
                                               same COPY varies by a third from run to run on a shared machine)
                                  --aot-training
                                               records of a first, untimed run (another seed) that writes a JDK 25
                                               AOT cache the timed run starts with (default 200,000; 0: none)
                                  --warm-records
                                               then a second backlog for other accounts through the same, warm
                                               process, timed on its own with its own COPY baseline (default: as
                                               many as --records; 0: none)"""
                                .formatted(DATABASE, String.join(" ", DEPLOYED_JVM_OPTIONS)));
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
                }
            }
            long warm = warmRecords == null ? records : warmRecords;
            if (records < 1 || users < 1 || teamSize < 2 || copyRuns < 1 || aotTraining < 0 || warm < 0) {
                throw new IllegalArgumentException("--records ≥ 1, --users ≥ 1, --team-size ≥ 2, --copy-runs ≥ 1, "
                        + "--aot-training ≥ 0 and --warm-records ≥ 0 please");
            }
            return new Options(records, xmx, users, teamSize, seed, keep, timeout, consumers, jvmOptions, copyRuns,
                    aotTraining, warm);
        }
    }

    /** What the sampler saw; maxima over the run, latest CPU readings. */
    static final class Samples {
        final AtomicLong maxRss = new AtomicLong(-1);
        final AtomicLong maxHeap = new AtomicLong(-1);
        final AtomicLong lastRss = new AtomicLong(-1);
        final AtomicLong lastHeap = new AtomicLong(-1);
        final AtomicLong count = new AtomicLong();
        final AtomicLong heapSamples = new AtomicLong();
        final AtomicLong maxHeapCommitted = new AtomicLong(-1);
    }

    private final Options options;
    private final Path root = Path.of("").toAbsolutePath();
    private final Path state = root.resolve(".local/bench");
    private final LocalDatabase database = new LocalDatabase("127.0.0.1", 5432, "postgres", DATABASE);
    /** Everything started, closed in reverse order by {@link #cleanUp} (also from the shutdown hook on Ctrl-C). */
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private boolean cleanedUp;
    private boolean databaseCreated;
    private volatile boolean interrupted;

    private NormalizerProcessBenchmark(Options options) {
        this.options = options;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        NormalizerProcessBenchmark bench = new NormalizerProcessBenchmark(options);
        Thread hook = new Thread(() -> {
            bench.interrupted = true;
            bench.cleanUp();
        }, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = 0;
        try {
            bench.run();
        } catch (Exception e) {
            code = 1;
            if (bench.interrupted) {
                System.err.println("==> interrupted: stopped the normalizer and the broker");
            } else {
                System.err.println("error: " + e.getMessage());
                if (!(e instanceof IllegalStateException)) {
                    e.printStackTrace();
                }
            }
        } finally {
            bench.cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down (Ctrl-C): the hook found everything cleaned up
            }
        }
        System.exit(code);
    }

    private void run() throws Exception {
        Path jar = StackService.NORMALIZER.jar(root);
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: ./mvnw -B -q -DskipTests package -pl event-normalizer -am");
        }
        LocalFiles.deleteRecursively(state);
        Path aotCache = trainAotCache();
        int kafkaPort = LocalFiles.freePort(), controllerPort = LocalFiles.freePort(), normalizerPort = LocalFiles.freePort();
        String bootstrap = "127.0.0.1:" + kafkaPort;

        step("PostgreSQL: fresh database " + DATABASE + " on 127.0.0.1:5432");
        database.recreate();
        databaseCreated = true;

        step("Kafka (KRaft) broker process on " + bootstrap);
        started.push(KafkaBrokerProcess.start(state.resolve("kafka"), kafkaPort, controllerPort,
                state.resolve("logs/kafka.log")));
        long brokerPid = ProcStats.child("kafka.Kafka").orElseThrow().pid();
        StackTopics.ensure(bootstrap);

        step(String.format(Locale.ROOT, "backlog: %,d raw records for %,d accounts (teams of %d) → raw-records",
                options.records(), options.users(), options.teamSize()));
        long t = System.nanoTime();
        GmailBacklog.Produced produced = new GmailBacklog(bootstrap, options.seed())
                .produce(options.records(), options.users(), options.teamSize());
        System.out.printf(Locale.ROOT, "    %,d records (%,d received, %,d sent) generated and produced in %.1f s%n",
                produced.records(), produced.inbox(), produced.sent(), (System.nanoTime() - t) / 1e9);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, Long> ends = endOffsets(admin, Topics.RAW_RECORDS);
            long backlog = ends.values().stream().mapToLong(Long::longValue).sum();
            if (backlog != produced.records()) {
                throw new IllegalStateException("raw-records holds " + backlog + " records, produced " + produced.records());
            }
            measure(admin, bootstrap, normalizerPort, brokerPid, produced, ends, aotCache);
        }
    }

    /**
     * JDK 25's AOT cache (JEPs 483, 514, 515): classes loaded and linked, and the method profiles of a training run,
     * so a new JVM reaches compiled code sooner. The training run is a smaller backlog of another seed through the
     * same jar and options on its own broker and database; the JVM writes the cache when it exits. Null when
     * {@code --aot-training 0} or before JDK 25.
     */
    private Path trainAotCache() throws Exception {
        if (options.aotTraining() == 0) {
            return null;
        }
        if (Runtime.version().feature() < 25) {
            System.out.println("==> no AOT cache: it needs JDK 25, this is " + Runtime.version());
            return null;
        }
        Path cache = state.resolve("event-normalizer.aot");
        long t = System.nanoTime();
        int kafkaPort = LocalFiles.freePort(), controllerPort = LocalFiles.freePort(), port = LocalFiles.freePort();
        String bootstrap = "127.0.0.1:" + kafkaPort;
        step(String.format(Locale.ROOT, "AOT training (untimed): %,d raw records of seed %d through the normalizer, "
                + "which writes %s at exit", options.aotTraining(), options.seed() + 1, root.relativize(cache)));
        database.recreate();
        databaseCreated = true;
        started.push(KafkaBrokerProcess.start(state.resolve("aot-training/kafka"), kafkaPort, controllerPort,
                state.resolve("logs/kafka-aot-training.log")));
        StackTopics.ensure(bootstrap);
        GmailBacklog.Produced produced = new GmailBacklog(bootstrap, options.seed() + 1)
                .produce(options.aotTraining(), options.users(), options.teamSize());
        ManagedProcess normalizer = startNormalizer(bootstrap, port, List.of("-XX:AOTCacheOutput=" + cache),
                state.resolve("logs/event-normalizer-aot-training.log"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             Connection c = database.connect()) {
            Map<TopicPartition, Long> ends = endOffsets(admin, Topics.RAW_RECORDS);
            while (committed(admin, ends) < produced.records() || count(c, "select count(*) from normalizer.outbox") != 0) {
                if (!normalizer.isAlive()) {
                    throw new IllegalStateException("the AOT training normalizer exited. Last lines of "
                            + normalizer.logFile() + ":\n" + normalizer.logTail(40));
                }
                if (System.nanoTime() - t > options.timeout().toNanos()) {
                    throw new IllegalStateException("AOT training not done after " + options.timeout().toMinutes() + " min");
                }
                Thread.sleep(POLL.toMillis()); // polling another process; there is nothing to await on
            }
        }
        normalizer.close(Duration.ofMinutes(3)); // the JVM assembles the cache in a child JVM before it exits
        stopAll();
        LocalFiles.deleteRecursively(state.resolve("aot-training"));
        if (!Files.exists(cache)) {
            throw new IllegalStateException("the AOT training run wrote no cache. Last lines of " + normalizer.logFile()
                    + ":\n" + normalizer.logTail(40));
        }
        System.out.printf(Locale.ROOT, "    AOT cache of %,d MiB written in %.1f s%n", Files.size(cache) >> 20,
                (System.nanoTime() - t) / 1e9);
        return cache;
    }

    /** The packaged normalizer with the benchmark's heap and JVM options, the stack's environment, on {@code port}. */
    private ManagedProcess startNormalizer(String bootstrap, int port, List<String> extraJvmOptions, Path log) {
        Map<String, String> env = new java.util.LinkedHashMap<>(StackService.NORMALIZER.environment(endpoints(bootstrap, port)));
        if (options.consumers() != null) {
            env.put("NORMALIZER_CONSUMERS", options.consumers().toString());
        }
        List<String> jvm = new java.util.ArrayList<>(List.of("-Xmx" + options.xmx(), "-XX:+ExitOnOutOfMemoryError"));
        jvm.addAll(options.jvmOptions());
        jvm.addAll(extraJvmOptions);
        jvm.addAll(List.of("-jar", StackService.NORMALIZER.jar(root).toString()));
        ManagedProcess normalizer = ManagedProcess.start("event-normalizer", ManagedProcess.java(jvm.toArray(String[]::new)),
                env, log);
        started.push(normalizer);
        return normalizer;
    }

    /**
     * The normalizer's environment as the stack gives it; no emulator runs, so the portal JWT settings point at a closed
     * port (the query API is not used; the key is fetched on the first authenticated request only).
     */
    private StackEndpoints endpoints(String bootstrap, int port) {
        int management = managementPorts.computeIfAbsent(port, p -> {
            try {
                return LocalFiles.freePort();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return new StackEndpoints(bootstrap, "http://127.0.0.1:9", database, 0, 0, 0, port, 0, "unused",
                Map.of(StackService.NORMALIZER, management));
    }

    /** The normalizer's management port (health) per API port: one each, the same on every call. */
    private final Map<Integer, Integer> managementPorts = new java.util.concurrent.ConcurrentHashMap<>();

    private void measure(Admin admin, String bootstrap, int normalizerPort, long brokerPid,
            GmailBacklog.Produced produced, Map<TopicPartition, Long> ends, Path aotCache) throws Exception {
        URI ready = URI.create(StackService.NORMALIZER.healthUrl(endpoints(bootstrap, normalizerPort)));
        List<String> aot = aotCache == null ? List.of() : List.of("-XX:AOTCache=" + aotCache);

        double brokerCpu0 = ProcStats.cpuSeconds(brokerPid);
        double pgCpu0 = ProcStats.postgresCpuSeconds();
        Wal wal0 = Wal.read(database);
        step("event-normalizer process (-Xmx" + options.xmx() + (options.jvmOptions().isEmpty() ? ""
                : " " + String.join(" ", options.jvmOptions())) + (aot.isEmpty() ? "" : " " + aot.getFirst())
                + (options.consumers() == null ? "" : ", NORMALIZER_CONSUMERS=" + options.consumers())
                + ") on port " + normalizerPort);
        long start = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        ManagedProcess normalizer = startNormalizer(bootstrap, normalizerPort, aot, state.resolve("logs/event-normalizer.log"));
        long pid = ProcStats.child("quarkus-run.jar").orElseThrow().pid();

        Samples samples = new Samples();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "bench-sampler");
            th.setDaemon(true);
            return th;
        });
        JvmProbe[] probe = {null};
        sampler.scheduleAtFixedRate(() -> {
            long rss = ProcStats.rssBytes(pid);
            samples.lastRss.set(rss);
            samples.maxRss.accumulateAndGet(rss, Math::max);
            samples.count.incrementAndGet();
            try {
                if (probe[0] == null) {
                    probe[0] = JvmProbe.attach(pid); // fails until the JVM's attach listener is up: next sample
                }
                MemoryUsage heap = probe[0].heap();
                samples.lastHeap.set(heap.getUsed());
                samples.maxHeap.accumulateAndGet(heap.getUsed(), Math::max);
                samples.maxHeapCommitted.accumulateAndGet(heap.getCommitted(), Math::max);
                samples.heapSamples.incrementAndGet();
            } catch (Exception e) {
                // not attachable yet, or exiting
            }
        }, 0, SAMPLE.toMillis(), TimeUnit.MILLISECONDS);
        started.push(sampler::shutdownNow);

        try (Connection c = database.connect()) {
            Drained cold = awaitDrained(admin, c, normalizer, ends, start, ready, samples);
            long readyAt = cold.readyAt(), firstCommitAt = cold.firstCommitAt(), doneAt = cold.doneAt();
            Map<String, Double> threads0 = threadCpu(pid);
            double normalizerCpu = ProcStats.cpuSeconds(pid);
            double brokerCpu = ProcStats.cpuSeconds(brokerPid) - brokerCpu0;
            double pgCpu = ProcStats.postgresCpuSeconds() - pgCpu0;
            Wal wal = Wal.read(database).minus(wal0);
            String gc = probe[0] == null ? "(not attached)" : probe[0].gc();
            long events = count(c, "select count(*) from normalizer.interaction_events");
            // The last write's transaction time: offsets are committed every few seconds, rows when written.
            double lastWrite = count(c, "select (extract(epoch from max(updated_at)) * 1000)::bigint "
                    + "from normalizer.interaction_events") - startMillis;
            // The later half of the events by transaction time: the rate once the JIT has compiled the hot paths.
            double halfWrite = count(c, "select (extract(epoch from percentile_disc(0.5) within group "
                    + "(order by created_at)) * 1000)::bigint from normalizer.interaction_events") - startMillis;
            double warmEps = events / 2.0 / ((lastWrite - halfWrite) / 1e3);

            Warm warm = options.warmRecords() == 0 ? null
                    : warmBacklog(admin, c, normalizer, pid, brokerPid, probe[0], samples, bootstrap, produced.teams(),
                            events);

            // R-B2: the generator's teams share a domain, which their directory names internal: never a contact.
            long colleagues = count(c, "select count(*) from normalizer.interaction_events "
                    + "where split_part(contact_email, '@', 2) = split_part(mailbox, '@', 2)");
            long published = endOffsets(admin, Topics.INTERACTION_EVENTS).values().stream().mapToLong(Long::longValue).sum();
            long deadLetters = endOffsets(admin, Topics.RAW_RECORDS_DLQ).values().stream().mapToLong(Long::longValue).sum();
            sampler.shutdownNow();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
            if (probe[0] != null) {
                probe[0].close();
            }

            step("stopping the normalizer and the broker; COPY baseline");
            stopAll(); // the baseline runs on a machine without the normalizer and the broker
            // The second backlog's rows first, into the table holding the first's, as the normalizer wrote them.
            String warmRows = warm == null ? null : "created_at >= to_timestamp(" + warm.boundaryMillis() + " / 1000.0)";
            Baseline warmBaseline = warm == null ? null : copyBaseline(c, warmRows, warmRows);
            Baseline baseline = copyBaseline(c, warm == null ? "true" : "not (" + warmRows + ")", "true");
            Copy copy = baseline.median();
            Copy warmCopy = warm == null ? null : warmBaseline.median();

            double wall = (doneAt - start) / 1e9;
            double fromReady = (doneAt - readyAt) / 1e9;
            double fromCommit = (doneAt - firstCommitAt) / 1e9;
            double eps = events / fromReady;
            double copyRps = copy.rowsPerSecond();
            // Everything shares this machine's cores: the work of the whole pipeline bounds its rate.
            int cores = Runtime.getRuntime().availableProcessors();
            double pipelineCpu = normalizerCpu + brokerCpu + pgCpu;
            String threadCpu = busiest(threads0);
            System.out.printf(Locale.ROOT, """

                    BENCH ============== NormalizerProcessBenchmark (normalizer as its own process) ==============
                    BENCH raw records           %,d in raw-records before the normalizer started (%,d received, %,d sent; %,d accounts in %d teams; 12 partitions)
                    BENCH events written        %,d (%.2f per record); published to interaction-events %,d%s; dead letters %,d; colleagues as contacts %,d (must be 0)
                    BENCH normalizer JVM        %s -Xmx%s %s; %s
                    BENCH normalizer wall       %.1f s from process start to no lag + empty outbox (ready after %.1f s, first offset commit after %.1f s)
                    BENCH normalizer            %,.0f records/s, %,.0f events/s (from ready; from process start: %,.0f records/s, %,.0f events/s)
                    BENCH last row written      %.1f s after process start: %,.0f events/s from ready to the last write
                    BENCH plain COPY            %s
                    BENCH ratio                 %.2f (normalizer events/s from ready ÷ COPY rows/s): a cold start over the backlog
                    BENCH second half           %,.0f events/s, ratio %.2f: the later half of the events, written %.1f–%.1f s after process start (JIT warm)
                    BENCH normalizer memory     max heap used %,d MiB (committed %,d MiB), max RSS %,d MiB, -Xmx%s (sampled every %d ms: %d RSS, %d heap samples)
                    BENCH normalizer GC         %s
                    BENCH CPU during normalizer normalizer %.1f s, Kafka broker %.1f s, PostgreSQL %.1f s (wall %.1f s, %d cores)
                    BENCH normalizer threads    %s (CPU-s by thread name, ≥ 0.5 s)
                    BENCH CPU during COPY       PostgreSQL %.1f s (the median run)
                    BENCH CPU budget            normalizer + broker + PostgreSQL %.1f CPU-s = %.2f of %d cores busy over the wall time; PostgreSQL per row %.2f× the COPY's; with every core busy the ratio could reach about %.2f (cores × COPY s ÷ those CPU-s)
                    BENCH WAL                   normalizer %s; COPY %s
                    """,
                    produced.records(), produced.inbox(), produced.sent(), produced.accounts(), produced.teams(),
                    events, events / (double) produced.records(), published, warm == null ? "" : " (both backlogs)",
                    deadLetters, colleagues,
                    Runtime.version(), options.xmx(), String.join(" ", options.jvmOptions()), aotCache == null
                            ? "no AOT cache" : String.format(Locale.ROOT, "AOT cache trained on %,d records of seed %d",
                                    options.aotTraining(), options.seed() + 1),
                    wall, (readyAt - start) / 1e9, (firstCommitAt - start) / 1e9,
                    produced.records() / fromReady, eps, produced.records() / wall, events / wall,
                    lastWrite / 1e3, events / (lastWrite / 1e3 - (readyAt - start) / 1e9),
                    baseline, eps / copyRps, warmEps, warmEps / copyRps, halfWrite / 1e3, lastWrite / 1e3,
                    samples.maxHeap.get() >> 20, samples.maxHeapCommitted.get() >> 20, samples.maxRss.get() >> 20,
                    options.xmx(), SAMPLE.toMillis(), samples.count.get(), samples.heapSamples.get(), gc,
                    normalizerCpu, brokerCpu, pgCpu, wall, cores, threadCpu,
                    copy.pgCpu(), pipelineCpu, pipelineCpu / wall, cores, pgCpu / copy.pgCpu(),
                    cores * copy.seconds() / pipelineCpu, wal, copy.wal());
            System.out.printf(Locale.ROOT, "BENCH (offsets are committed every second, so the end is seen up to "
                    + "that late; first commit to done: %.1f s)%n", fromCommit);
            if (warm != null) {
                double warmPipelineCpu = warm.normalizerCpu() + warm.brokerCpu() + warm.pgCpu();
                System.out.printf(Locale.ROOT, """
                        BENCH warm backlog          %,d raw records for %,d other accounts (%d teams), produced in one Kafka transaction while the normalizer, through the first backlog, idled: all visible at its commit
                        BENCH warm normalizer       %,.0f records/s, %,.0f events/s: %,d events in %.1f s from the commit to no lag + empty outbox
                        BENCH warm COPY             %s, into the table holding the first backlog's rows
                        BENCH warm ratio            %.2f (warm normalizer events/s ÷ warm COPY rows/s): a running normalizer, as in production
                        BENCH warm CPU              normalizer %.1f s, Kafka broker %.1f s, PostgreSQL %.1f s = %.2f of %d cores busy; PostgreSQL per row %.2f× the COPY's; GC after both: %s
                        BENCH warm threads          %s (CPU-s by thread name, ≥ 0.5 s)
                        BENCH warm WAL              normalizer %s; COPY %s
                        """,
                        warm.produced().records(), warm.produced().accounts(), warm.produced().teams(),
                        warm.produced().records() / warm.seconds(), warm.events() / warm.seconds(), warm.events(),
                        warm.seconds(), warmBaseline, warm.events() / warm.seconds() / warmCopy.rowsPerSecond(),
                        warm.normalizerCpu(), warm.brokerCpu(), warm.pgCpu(), warmPipelineCpu / warm.seconds(), cores,
                        warm.pgCpu() / warmCopy.pgCpu() * warmCopy.rows() / warm.events(), warm.gc(), warm.threads(),
                        warm.wal(), warmCopy.wal());
            }
        }
    }

    /** When the normalizer answered ready, first committed an offset and had no lag and an empty outbox (nanoTime). */
    record Drained(long readyAt, long firstCommitAt, long doneAt) {
    }

    /**
     * Polls until the group has committed every raw record up to {@code ends} and the outbox is empty, reporting every
     * 10 s. {@code ready}: the health URL to watch for readiness, or null when the normalizer is up already.
     */
    private Drained awaitDrained(Admin admin, Connection c, ManagedProcess normalizer, Map<TopicPartition, Long> ends,
            long start, URI ready, Samples samples) throws Exception {
        long readyAt = ready == null ? start : -1, firstCommitAt = -1, lastReport = start;
        long backlog = ends.values().stream().mapToLong(Long::longValue).sum();
        long committedAtStart = ready == null ? committed(admin, ends) : 0;
        while (true) {
            if (!normalizer.isAlive()) {
                throw new IllegalStateException("the normalizer exited. Last lines of " + normalizer.logFile()
                        + ":\n" + normalizer.logTail(40));
            }
            long now = System.nanoTime();
            if (now - start > options.timeout().toNanos()) {
                throw new IllegalStateException("not done after " + options.timeout().toMinutes() + " min");
            }
            if (readyAt < 0 && ManagedProcess.answersOk(ready)) {
                readyAt = System.nanoTime();
                System.out.printf(Locale.ROOT, "    ready after %.1f s%n", (readyAt - start) / 1e9);
            }
            long committed = committed(admin, ends);
            if (firstCommitAt < 0 && committed > committedAtStart) {
                firstCommitAt = System.nanoTime();
            }
            long outbox = readyAt < 0 ? -1 : count(c, "select count(*) from normalizer.outbox");
            if (committed == backlog && outbox == 0) {
                return new Drained(readyAt, firstCommitAt, System.nanoTime());
            }
            if (now - lastReport > Duration.ofSeconds(10).toNanos()) {
                lastReport = now;
                System.out.printf(Locale.ROOT,
                        "    %5.0f s: committed %,d / %,d records, outbox rows %d, RSS %,d MiB, heap used %,d MiB%n",
                        (now - start) / 1e9, committed - committedAtStart, backlog - committedAtStart, outbox,
                        samples.lastRss.get() >> 20, samples.lastHeap.get() >> 20);
            }
            Thread.sleep(POLL.toMillis()); // polling another process; there is nothing to await on
        }
    }

    /** The second backlog's figures. {@code boundaryMillis}: every row of the first backlog was written before it. */
    record Warm(GmailBacklog.Produced produced, long events, double seconds, double normalizerCpu, double brokerCpu,
                double pgCpu, Wal wal, String gc, String threads, long boundaryMillis) {
    }

    /**
     * The same normalizer process, its JIT warm from the first backlog, normalizes a second one of {@code
     * --warm-records} for other accounts: produced in one transaction while the normalizer idles (it reads
     * {@code read_committed}), then timed from the transaction's commit until no lag and an empty outbox.
     */
    private Warm warmBacklog(Admin admin, Connection c, ManagedProcess normalizer, long pid, long brokerPid,
            JvmProbe probe, Samples samples, String bootstrap, int firstTeam, long eventsBefore) throws Exception {
        step(String.format(Locale.ROOT, "warm backlog: %,d raw records for %,d other accounts in one Kafka transaction "
                + "(the normalizer idles until it commits)", options.warmRecords(), options.users()));
        long boundaryMillis = System.currentTimeMillis();
        long t = System.nanoTime();
        GmailBacklog.Produced produced = new GmailBacklog(bootstrap, options.seed() + 1000, firstTeam, true)
                .produce(options.warmRecords(), options.users(), options.teamSize());
        long start = System.nanoTime();
        System.out.printf(Locale.ROOT, "    %,d records (%,d received, %,d sent) generated, produced and committed in %.1f s%n",
                produced.records(), produced.inbox(), produced.sent(), (start - t) / 1e9);
        double normalizerCpu0 = ProcStats.cpuSeconds(pid);
        double brokerCpu0 = ProcStats.cpuSeconds(brokerPid);
        double pgCpu0 = ProcStats.postgresCpuSeconds();
        Map<String, Double> threads0 = threadCpu(pid);
        Wal wal0 = Wal.read(database);
        // Where the group must commit: after each partition's last record (its end offset also counts the marker).
        Map<TopicPartition, Long> ends = new HashMap<>(endOffsets(admin, Topics.RAW_RECORDS));
        produced.nextOffsets().forEach((p, next) -> ends.put(new TopicPartition(Topics.RAW_RECORDS, p), next));
        Drained drained = awaitDrained(admin, c, normalizer, ends, start, null, samples);
        double seconds = (drained.doneAt() - start) / 1e9;
        Map<String, Double> threads = threadCpu(pid);
        threads.replaceAll((name, cpu) -> cpu - threads0.getOrDefault(name, 0.0));
        String byThread = busiest(threads);
        String gc = probe == null ? "(not attached)" : probe.gc();
        return new Warm(produced, count(c, "select count(*) from normalizer.interaction_events") - eventsBefore, seconds,
                ProcStats.cpuSeconds(pid) - normalizerCpu0, ProcStats.cpuSeconds(brokerPid) - brokerCpu0,
                ProcStats.postgresCpuSeconds() - pgCpu0, Wal.read(database).minus(wal0), gc, byThread, boundaryMillis);
    }

    /** CPU seconds by thread name, the busiest first, those of at least half a second. */
    private static String busiest(Map<String, Double> cpuByThread) {
        return cpuByThread.entrySet().stream().filter(e -> e.getValue() >= 0.5)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static Map<String, Double> threadCpu(long pid) {
        Map<String, Double> out = new HashMap<>();
        ProcStats.cpuSecondsByThread(pid).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The COPY runs of one baseline; the ratio uses their median. */
    record Baseline(List<Copy> runs) {
        Copy median() {
            return runs.stream().sorted(java.util.Comparator.comparingDouble(Copy::rowsPerSecond)).toList()
                    .get(runs.size() / 2);
        }

        @Override
        public String toString() {
            Copy m = median();
            return String.format(Locale.ROOT, "%,d rows in %.1f s = %,.0f rows/s, the median of %d runs (%s rows/s; "
                    + "same rows, same table and indexes, binary)", m.rows(), m.seconds(), m.rowsPerSecond(), runs.size(),
                    runs.stream().map(r -> String.format(Locale.ROOT, "%,.0f", r.rowsPerSecond()))
                            .collect(java.util.stream.Collectors.joining(", ")));
        }
    }

    record Copy(long rows, double seconds, double pgCpu, Wal wal) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    /** PostgreSQL's WAL counters (the whole cluster: nothing else writes during a run). */
    record Wal(long records, long fullPageImages, long bytes) {
        static Wal read(LocalDatabase database) throws SQLException {
            try (Connection c = database.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select wal_records, wal_fpi, wal_bytes from pg_stat_wal")) {
                rs.next();
                return new Wal(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        }

        Wal minus(Wal before) {
            return new Wal(records - before.records, fullPageImages - before.fullPageImages, bytes - before.bytes);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d MiB in %,d records (%,d full-page images)", bytes >> 20, records,
                    fullPageImages);
        }
    }

    /**
     * The rows matching {@code rows}: COPY out (untimed), then {@code --copy-runs} times delete the rows matching
     * {@code delete} + vacuum (untimed) and a binary COPY back in (timed).
     */
    private Baseline copyBaseline(Connection c, String rows, String delete) throws SQLException, IOException {
        String columns;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select string_agg(column_name, ', ' "
                + "order by ordinal_position) from information_schema.columns where table_schema = 'normalizer' "
                + "and table_name = 'interaction_events'")) {
            rs.next();
            columns = rs.getString(1);
        }
        Path file = Files.createTempFile("normalizer-bench", ".copy");
        try {
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            long copied;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                copied = copy.copyOut("copy (select " + columns + " from normalizer.interaction_events where " + rows
                        + ") to stdout (format binary)", out);
            }
            List<Copy> runs = new java.util.ArrayList<>();
            for (int run = 0; run < options.copyRuns(); run++) {
                try (Statement st = c.createStatement()) {
                    st.execute("delete from normalizer.interaction_events where " + delete);
                    st.execute("vacuum analyze normalizer.interaction_events");
                }
                double pg0 = ProcStats.postgresCpuSeconds();
                Wal wal0 = Wal.read(database);
                long t0 = System.nanoTime();
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
                    copy.copyIn("copy normalizer.interaction_events (" + columns + ") from stdin (format binary)", in);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double pgCpu = ProcStats.postgresCpuSeconds() - pg0;
                Wal wal = Wal.read(database).minus(wal0);
                runs.add(new Copy(copied, seconds, pgCpu, wal));
                System.out.printf(Locale.ROOT, "    COPY run %d: %,.0f rows/s%n", run + 1, runs.getLast().rowsPerSecond());
            }
            return new Baseline(runs);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        var request = IntStream.range(0, partitions).boxed().collect(java.util.stream.Collectors.toMap(
                p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        var result = admin.listOffsets(request).all().get();
        return result.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().offset()));
    }

    /** Raw records the group has committed, each partition capped at its end offset. */
    private static long committed(Admin admin, Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get();
        long total = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            OffsetAndMetadata o = offsets.get(e.getKey());
            total += o == null ? 0 : Math.min(o.offset(), e.getValue());
        }
        return total;
    }

    /** A count, or -1 while the table does not exist yet (Flyway has not run). */
    private static long count(Connection c, String sql) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Stops what was started, newest first. */
    private synchronized void stopAll() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.err.println("warning: stopping: " + e.getMessage());
            }
        }
    }

    /** Stops what is still running and drops the database unless {@code --keep}. Runs once. */
    private synchronized void cleanUp() {
        if (cleanedUp) {
            return;
        }
        cleanedUp = true;
        stopAll();
        if (!options.keep()) {
            try {
                LocalFiles.deleteRecursively(state.resolve("kafka")); // a million records are about a GB of log segments
            } catch (UncheckedIOException e) {
                System.err.println("warning: could not delete " + state.resolve("kafka") + ": " + e.getMessage());
            }
        }
        if (!databaseCreated) {
            return;
        }
        if (options.keep()) {
            System.out.println("==> kept database " + DATABASE + " (--keep)");
            return;
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("drop database if exists \"" + DATABASE + "\" with (force)");
            System.out.println("==> dropped database " + DATABASE);
        } catch (SQLException e) {
            System.err.println("warning: could not drop database " + DATABASE + ": " + e.getMessage());
        }
    }

    private static void step(String what) {
        System.out.println("==> " + what);
    }
}

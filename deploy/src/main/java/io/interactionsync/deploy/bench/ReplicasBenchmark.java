package io.interactionsync.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.deploy.BackfillProgress;
import io.interactionsync.deploy.LocalStack;
import io.interactionsync.deploy.ManagedProcess;
import io.interactionsync.deploy.Stack;
import io.interactionsync.deploy.StackEndpoints;
import io.interactionsync.deploy.StackService;
import io.interactionsync.deploy.replicas.LeaseLog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Backfill wall time of 1 vs 2 replicas where quota, not CPU, binds, and the services' peak RSS during the demo
 * backfill ({@code deploy/local/bench-replicas.sh}; figures in {@code deploy/docs/performance.md}). Each run is a fresh
 * local stack (database and Kafka data recreated) with Gmail users only; the backfill is timed from the first OAuth
 * connect until every account is {@code synced} and the normalizer has no lag (read every second).
 * <ul>
 *   <li>{@code per-user}: 8 users × 300 messages, Gmail's per-user quota 1,000 units/min (emulator and pacing),
 *       2 worker slots per replica: more accounts than one replica's slots, each account paced by its own quota;
 *   <li>{@code few}: 4 users, the same quota, the default 4 slots: every account already runs on one replica;
 *   <li>{@code project}: 8 users × 300 messages, the project quota 3,000 units/min (emulator and pacing, shared
 *       through PostgreSQL), the default 4 slots and per-user quota;
 *   <li>{@code resources}: the {@code run.sh} demo (3 Google + 2 Microsoft users × 300 messages), one replica, peak
 *       RSS of each process sampled every 250 ms from its start until the backfill settled.
 * </ul>
 */
public final class ReplicasBenchmark {

    private static final Duration BACKFILL_TIMEOUT = Duration.ofMinutes(15);

    /** One benchmark setup. */
    record Scenario(String name, String setup, LocalStack.Options stack, Map<String, Object> emulatorConfig,
                    Map<String, String> googleEnv) {
    }

    static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();

    static {
        LocalStack.Options eight = LocalStack.Options.parse(new String[] {"--users", "8", "--microsoft-users", "0",
                "--messages", "300"}).withFresh();
        SCENARIOS.put("per-user", new Scenario("per-user", "8 Gmail users × 300 messages; per-user quota 1,000 "
                + "units/min; 2 worker slots per replica", eight, Map.of("gmailUnitsPerUserPerMinute", 1000),
                Map.of("GOOGLE_SYNC_PACING_USER_UNITS_PER_MINUTE", "1000", "GOOGLE_SYNC_WORKER_CONCURRENCY", "2")));
        SCENARIOS.put("few", new Scenario("few", "4 Gmail users × 300 messages; per-user quota 1,000 units/min; "
                + "4 worker slots per replica (default)", LocalStack.Options.parse(new String[] {"--users", "4",
                "--microsoft-users", "0", "--messages", "300"}).withFresh(), Map.of("gmailUnitsPerUserPerMinute", 1000),
                Map.of("GOOGLE_SYNC_PACING_USER_UNITS_PER_MINUTE", "1000")));
        SCENARIOS.put("project", new Scenario("project", "8 Gmail users × 300 messages; project quota 3,000 "
                + "units/min; per-user 15,000 and 4 worker slots per replica (defaults)", eight,
                Map.of("gmailUnitsPerProjectPerMinute", 3000), Map.of("GOOGLE_SYNC_PACING_PROJECT_UNITS_PER_MINUTE", "3000")));
        SCENARIOS.put("resources", new Scenario("resources", "the run.sh demo: 3 Google + 2 Microsoft users × 300 "
                + "messages, one replica, default quotas", LocalStack.Options.parse(new String[0]).withFresh(), Map.of(),
                Map.of()));
    }

    /** One timed backfill. */
    record Run(String scenario, int replicas, int run, double seconds, long units, JsonNode gmailQuota, long throttled,
               Map<String, Set<String>> accountsPerReplica, Map<String, Long> peakRss, Map<String, Double> cpuSeconds) {
    }

    public static void main(String[] args) throws Exception {
        List<String> scenarios = new ArrayList<>(List.of("per-user", "project", "few", "resources"));
        List<Integer> replicaCounts = List.of(1, 2);
        int runs = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--scenario" -> scenarios = List.of(args[++i].split(","));
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--replicas" -> replicaCounts = List.of(args[++i].split(",")).stream().map(Integer::parseInt).toList();
                case "--help", "-h" -> {
                    System.out.println("""
                            usage: deploy/local/bench-replicas.sh [--scenario per-user,project,few,resources] [--runs 3]
                                                                  [--replicas 1,2]
                              per-user   8 Gmail users × 300 messages, per-user quota 1,000 units/min, 2 slots/replica
                              project    8 Gmail users × 300 messages, project quota 3,000 units/min
                              few        4 Gmail users × 300 messages, per-user quota 1,000 units/min, 4 slots/replica
                              resources  the run.sh demo, one replica: peak RSS per process
                            Each run is a fresh local stack (its ports and database interaction_sync).""");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        Path root = Path.of("").toAbsolutePath();
        List<Run> results = new ArrayList<>();
        for (String name : scenarios) {
            Scenario scenario = SCENARIOS.get(name);
            if (scenario == null) {
                throw new IllegalArgumentException("unknown scenario " + name + " (try --help)");
            }
            boolean resources = name.equals("resources");
            for (int run = 1; run <= runs; run++) {
                for (int replicas : resources ? List.of(1) : replicaCounts) {
                    Run r = run(root, scenario, replicas, run);
                    results.add(r);
                    System.out.println(line(r));
                }
            }
        }
        System.out.println("\n==> summary");
        results.forEach(r -> System.out.println(line(r)));
        summarize(results);
    }

    static Run run(Path root, Scenario scenario, int replicas, int run) throws Exception {
        System.out.printf("%n==> bench %s, %d replica(s), run %d: %s%n", scenario.name(), replicas, run, scenario.setup());
        Path logs = root.resolve(".local/bench-replicas/" + scenario.name() + "-" + replicas + "x-" + run);
        try (Stack stack = new Stack(root, logs).withServiceEnv(StackService.GOOGLE_SYNC, scenario.googleEnv());
             LeaseLog leases = new LeaseLog(StackEndpoints.local("unused:unused").database())) {
            Instant[] connectStart = new Instant[1];
            Map<String, Double> cpuAtStart = new ConcurrentHashMap<>();
            RssSampler rss = new RssSampler(stack);
            rss.start(); // from the processes' start: a JVM's start-up is part of its peak
            LocalStack.Running running = LocalStack.launch(scenario.stack().withReplicas(replicas), root, stack, false,
                    (client, google, microsoft) -> {
                        if (!scenario.emulatorConfig().isEmpty()) {
                            client.emulatorConfig(scenario.emulatorConfig());
                        }
                        leases.start();
                        stack.processes().forEach(p -> cpuAtStart.put(p.name(), ProcStats.cpuSeconds(p.pid())));
                        connectStart[0] = Instant.now();
                    });
            BackfillProgress progress = new BackfillProgress(running.endpoints(), running.client(), replicas > 1);
            BackfillProgress.Snapshot last;
            Instant settled = null;
            do {
                ManagedProcess.pause(Duration.ofSeconds(1));
                if (stack.supervisor().failure() != null) {
                    throw new IllegalStateException(stack.supervisor().failure());
                }
                last = progress.read(running.jwtsByUserId(), running.connectedAt());
                if (last.settled()) {
                    settled = Instant.now();
                } else if (Duration.between(connectStart[0], Instant.now()).toSeconds() % 10 == 0) {
                    System.out.println("    " + last.line(Duration.between(connectStart[0], Instant.now()).toSeconds()));
                }
            } while (settled == null && Duration.between(connectStart[0], Instant.now()).compareTo(BACKFILL_TIMEOUT) < 0);
            rss.close();
            if (settled == null) {
                throw new IllegalStateException("the backfill did not settle within " + BACKFILL_TIMEOUT.toMinutes()
                        + " min; logs in " + logs);
            }
            Map<String, Double> cpu = new TreeMap<>();
            stack.processes().forEach(p -> cpu.put(p.name(), ProcStats.cpuSeconds(p.pid())
                    - cpuAtStart.getOrDefault(p.name(), 0.0)));
            JsonNode stats = running.client().emulatorStats();
            long units = 0;
            long throttled = 0;
            for (String email : running.googleEmails()) {
                units += stats.path("users").path(email).path("quotaUnits").asLong();
                throttled += stats.path("users").path(email).path("throttled").asLong();
            }
            Map<String, String> emails = new LinkedHashMap<>();
            running.accountIds().forEach((email, id) -> emails.put(id, email.substring(0, email.indexOf('@'))));
            Map<String, Set<String>> perReplica = new TreeMap<>();
            leases.accountsByOwner(LeaseLog.Service.GOOGLE).forEach((owner, accounts) -> perReplica.put(owner,
                    new java.util.TreeSet<>(accounts.stream().map(a -> emails.getOrDefault(a, a)).toList())));
            return new Run(scenario.name(), replicas, run, Duration.between(connectStart[0], settled).toMillis() / 1000.0,
                    units, stats.path("gmailQuota"), throttled, perReplica, rss.peaks(), cpu);
        }
    }

    static String line(Run r) {
        StringBuilder perReplica = new StringBuilder();
        r.accountsPerReplica().forEach((owner, accounts) -> perReplica.append(' ').append(owner).append('=')
                .append(accounts.size()));
        String out = String.format(Locale.ROOT, "%-9s %d replica(s) run %d: backfill %6.1f s · Gmail units %d · "
                        + "throttled %d · %s · accounts per replica:%s", r.scenario(), r.replicas(), r.run(), r.seconds(),
                r.units(), r.throttled(), r.gmailQuota(), perReplica);
        StringBuilder cpu = new StringBuilder();
        r.cpuSeconds().forEach((p, s) -> cpu.append(String.format(Locale.ROOT, " %s %.1f", p, s)));
        out += "\n      CPU s during the backfill:" + cpu;
        if (r.scenario().equals("resources")) {
            StringBuilder rss = new StringBuilder();
            r.peakRss().forEach((p, b) -> rss.append(String.format(Locale.ROOT, " %s %d MiB", p, b >> 20)));
            out += "\n      peak RSS:" + rss;
        }
        return out;
    }

    static void summarize(List<Run> results) {
        Map<String, Map<Integer, List<Double>>> times = new LinkedHashMap<>();
        results.forEach(r -> times.computeIfAbsent(r.scenario(), s -> new TreeMap<>())
                .computeIfAbsent(r.replicas(), n -> new ArrayList<>()).add(r.seconds()));
        times.forEach((scenario, byReplicas) -> {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-9s", scenario));
            Map<Integer, Double> means = new TreeMap<>();
            byReplicas.forEach((n, seconds) -> {
                double mean = seconds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                means.put(n, mean);
                line.append(String.format(Locale.ROOT, "  %d replica(s): %s s (mean %.1f)", n,
                        seconds.stream().map(s -> String.format(Locale.ROOT, "%.1f", s)).toList(), mean));
            });
            if (means.containsKey(1) && means.containsKey(2)) {
                line.append(String.format(Locale.ROOT, "  → 1 / 2 replicas = %.2f×", means.get(1) / means.get(2)));
            }
            System.out.println(line);
        });
    }

    /** Peak RSS of every process of a stack, sampled every 250 ms on its own thread. */
    static final class RssSampler implements AutoCloseable {
        private final Stack stack;
        private final Map<String, Long> peaks = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean closed;

        RssSampler(Stack stack) {
            this.stack = stack;
            this.thread = Thread.ofPlatform().daemon().name("rss-sampler").unstarted(this::loop);
        }

        void start() {
            thread.start();
        }

        private void loop() {
            while (!closed) {
                for (ManagedProcess p : stack.processes()) {
                    long rss = ProcStats.rssBytes(p.pid());
                    if (rss > 0) {
                        peaks.merge(p.name(), rss, Math::max);
                    }
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        Map<String, Long> peaks() {
            return new TreeMap<>(peaks);
        }

        @Override
        public void close() {
            closed = true;
            thread.interrupt();
        }
    }
}

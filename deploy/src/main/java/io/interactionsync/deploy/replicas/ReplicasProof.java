package io.interactionsync.deploy.replicas;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.deploy.LocalFiles;
import io.interactionsync.deploy.LocalStack;
import io.interactionsync.deploy.ManagedProcess;
import io.interactionsync.deploy.ServiceMetrics;
import io.interactionsync.deploy.Stack;
import io.interactionsync.deploy.StackEndpoints;
import io.interactionsync.deploy.StackService;
import io.interactionsync.deploy.soak.Convergence;
import io.interactionsync.deploy.soak.EventSet;
import io.interactionsync.model.Topics;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Replicas proven on one machine (issue 19 item 3): the same generated mailboxes twice on a fresh local stack.
 * <ol>
 *   <li><b>Baseline</b>: one replica of each service, no faults; converge ({@link Convergence}) and read the event set.
 *   <li><b>Two replicas</b> of google-sync, microsoft-sync and the normalizer, with
 *     <ul>
 *       <li>one worker slot per sync replica, so that two accounts per provider must be split between the replicas;
 *       <li>the Gmail project quota low enough to bind — the emulator's {@code gmailUnitsPerProjectPerMinute} and the
 *           services' {@code google-sync.pacing.project-units-per-minute} set to the same figure;
 *       <li>provider latency for the second user of each provider (slower than the first), so that one replica is
 *           idle while the other still backfills: that one is killed ({@code kill -9}, not restarted yet) and its
 *           leases must be taken over by the idle one as soon as they expire (8 s);
 *     </ul>
 *     then the killed replicas come back (as Kubernetes restarts a container), everything converges as in the
 *     baseline, and the event set must equal it.
 * </ol>
 * Shown along the way: the accounts each sync replica ran ({@link LeaseLog}), the {@code raw-records} partitions each
 * normalizer held at once ({@link GroupAssignments}), the emulator's Gmail quota rejections (0 allowed) and each Google
 * replica's exhausted project-budget leases (the quota bound).
 */
public final class ReplicasProof {

    static final int REPLICAS = 2;
    private static final Duration KILL_WINDOW = Duration.ofMinutes(3);
    private static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(90);

    /**
     * @param stack                the generated mailboxes (two users per provider at least); replicas are set here
     * @param projectUnitsPerMinute the Gmail project quota of the two-replica run (emulator and pacing alike)
     * @param fastLatencyMs        provider latency of the first user of each provider in the two-replica run
     * @param slowLatencyMs        provider latency of the last user of each provider
     */
    public record Options(LocalStack.Options stack, int projectUnitsPerMinute, int fastLatencyMs, int slowLatencyMs) {

        /**
         * What {@code ReplicasIT} runs: 2 Google + 2 Microsoft users × 60 messages, 6 months; project quota 1,800
         * units/min (about 400 units are needed: it binds while both Google replicas run); latency 100 / 1,500 ms.
         */
        public static Options ci() {
            return new Options(LocalStack.Options.parse(new String[] {"--users", "2", "--microsoft-users", "2",
                    "--messages", "60", "--months", "6"}).withFresh(), 1800, 100, 1500);
        }
    }

    /** One job a killed replica held and how the survivor took it over (seconds after the kill). */
    public record TakenOver(String account, double leaseEnded, double claimed, double finished) {
    }

    /**
     * A kill -9 of one sync replica and the takeover of its jobs; {@code split}: the accounts each replica had run
     * until the kill (the backfill's split).
     */
    public record Takeover(String service, String killed, String survivor, List<TakenOver> jobs,
                           Map<String, Set<String>> split) {

        public boolean complete() {
            return !jobs.isEmpty() && jobs.stream().allMatch(j -> j.claimed() >= 0 && j.finished() >= 0);
        }
    }

    /** What the proof found. */
    public record Result(int baselineEvents, EventSet.Comparison comparison, Map<String, Set<Integer>> normalizerPartitions,
                         JsonNode gmailQuota, Map<String, Double> exhaustedLeases, List<Takeover> takeovers,
                         long baselineSeconds, long replicasSeconds) {

        public String line() {
            EventSet.Comparison c = comparison;
            return "replicas=" + REPLICAS + " takeovers=" + takeovers.stream().filter(Takeover::complete).count()
                    + " projectLimitRejections=" + gmailQuota.path("projectLimitRejections").asLong(-1)
                    + " missing=" + c.missing().size() + " extra=" + c.extra().size() + " duplicates="
                    + c.duplicates().size() + " reclassified=" + c.reclassified().size();
        }
    }

    private final Options options;
    private final Path root;
    private final Path dir;
    private final PrintStream out;
    private final Convergence convergence;
    /** The stack running now, stopped by Ctrl-C (the JVM's shutdown hook). */
    private volatile Stack current;
    private Instant started = Instant.now();

    public ReplicasProof(Options options, Path root, PrintStream out) {
        this.options = options;
        this.root = root;
        this.dir = root.resolve(".local/replicas");
        this.out = out;
        this.convergence = new Convergence(out);
    }

    public static void main(String[] args) throws Exception {
        ReplicasProof proof = new ReplicasProof(Options.ci(), Path.of("").toAbsolutePath(), System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Stack stack = proof.current;
            if (stack != null) {
                stack.close();
            }
        }, "replicas-shutdown"));
        Result result = proof.run();
        System.out.println(result.line());
        System.exit(result.comparison().identical() ? 0 : 1);
    }

    public Result run() throws Exception {
        LocalFiles.deleteRecursively(dir);
        Files.createDirectories(dir);
        started = Instant.now();

        step("baseline: fresh stack, one replica each, " + options.stack().arguments() + ", no faults");
        EventSet baseline;
        try (Stack stack = stack("baseline")) {
            LocalStack.Running running = LocalStack.launch(options.stack().withReplicas(1), root, stack, true);
            convergence.settle(running, stack);
            baseline = EventSet.read(running.endpoints().database(), running.userIds().values());
            out.printf("    baseline: %d events of %d users%n", baseline.rows().size(), running.userIds().size());
        }
        long baselineSeconds = Duration.between(started, Instant.now()).toSeconds();
        step("baseline stack stopped");
        awaitPortsFree();

        step("two replicas of google-sync, microsoft-sync and the normalizer; Gmail project quota "
                + options.projectUnitsPerMinute() + " units/min; one worker slot per sync replica");
        Instant replicasStarted = Instant.now();
        int quota = options.projectUnitsPerMinute();
        try (Stack stack = stack("replicas")
                .withServiceEnv(StackService.GOOGLE_SYNC, Map.of("GOOGLE_SYNC_WORKER_CONCURRENCY", "1",
                        "GOOGLE_SYNC_PACING_PROJECT_UNITS_PER_MINUTE", Integer.toString(quota)))
                .withServiceEnv(StackService.MICROSOFT_SYNC, Map.of("MICROSOFT_SYNC_WORKER_CONCURRENCY", "1"))) {
            StackEndpoints local = StackEndpoints.local("unused:unused");
            try (LeaseLog leases = new LeaseLog(local.database());
                 GroupAssignments partitions = new GroupAssignments(local.kafkaBootstrap(), "event-normalizer",
                         Topics.RAW_RECORDS, List.of(StackService.NORMALIZER.instanceId(0),
                                 StackService.NORMALIZER.instanceId(1)))) {
                List<String> slowUsers = new ArrayList<>();
                LocalStack.Running running = LocalStack.launch(options.stack().withReplicas(REPLICAS), root, stack,
                        false, (client, google, microsoft) -> {
                            client.emulatorConfig(Map.of("gmailUnitsPerProjectPerMinute", quota));
                            client.faults(options.stack().seed(), latencies(google, microsoft, slowUsers));
                            leases.start();
                            partitions.start();
                        });
                Map<String, String> emails = new LinkedHashMap<>(); // account id → e-mail, for the report
                running.accountIds().forEach((email, id) -> emails.put(id, email));

                List<Takeover> takeovers = killAndWatchTakeovers(running, stack, leases, emails);
                Map<String, Double> exhausted = exhaustedLeases;

                step("killed replicas back; converging");
                convergence.settle(running, stack);
                EventSet actual = EventSet.read(running.endpoints().database(), running.userIds().values());
                EventSet.Comparison comparison = baseline.compare(actual);
                JsonNode gmailQuota = running.client().emulatorStats().path("gmailQuota");

                Result result = new Result(baseline.rows().size(), comparison, partitions.shared(),
                        gmailQuota, exhausted, takeovers, baselineSeconds,
                        Duration.between(replicasStarted, Instant.now()).toSeconds());
                report(result, slowUsers);
                return result;
            }
        }
    }

    /** Latency on the provider API paths per user: the last user of each provider slow, the others fast. */
    private List<Map<String, Object>> latencies(List<String> google, List<String> microsoft, List<String> slowUsers) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (List<String> users : List.of(google, microsoft)) {
            boolean isMicrosoft = users == microsoft;
            for (int i = 0; i < users.size(); i++) {
                boolean slow = i == users.size() - 1;
                if (slow) {
                    slowUsers.add(users.get(i));
                }
                rules.add(Map.of("provider", isMicrosoft ? "microsoft" : "google", "user", users.get(i),
                        "pathRegex", isMicrosoft ? "^/graph\\.microsoft\\.com/"
                                : "^/(gmail\\.googleapis\\.com|www\\.googleapis\\.com/calendar)/",
                        "status", 0, "latencyMs", slow ? options.slowLatencyMs() : options.fastLatencyMs()));
            }
        }
        return rules;
    }

    /** Exhausted project-budget leases per Google replica, read just before the kills (a killed JVM's counters go). */
    private Map<String, Double> exhaustedLeases = Map.of();

    /**
     * Per sync service: once both replicas ran jobs, no job waits and only one replica holds running jobs (the other
     * is idle), kill -9 that one and hold its restart; watch its jobs being claimed and finished by the other; then let
     * it restart. Returns when both services' takeovers are done (or could not happen).
     */
    private List<Takeover> killAndWatchTakeovers(LocalStack.Running running, Stack stack, LeaseLog leases,
                                                 Map<String, String> emails) {
        StackEndpoints endpoints = running.endpoints();
        Map<LeaseLog.Service, Takeover> done = new LinkedHashMap<>();
        Map<LeaseLog.Service, Kill> kills = new LinkedHashMap<>();
        Map<LeaseLog.Service, Integer> accounts = Map.of(LeaseLog.Service.GOOGLE, running.googleEmails().size(),
                LeaseLog.Service.MICROSOFT, running.microsoftEmails().size());
        Instant deadline = Instant.now().plus(KILL_WINDOW);
        boolean latencyOn = true;
        while (done.size() < 2 && Instant.now().isBefore(deadline)) {
            if (latencyOn && List.of(LeaseLog.Service.values()).stream()
                    .allMatch(s -> kills.containsKey(s) || done.containsKey(s))) {
                // The latency only set the stage for the kills; the survivors finish at full speed.
                running.client().faults(0, List.of());
                latencyOn = false;
            }
            if (stack.supervisor().failure() != null) {
                throw new IllegalStateException(stack.supervisor().failure());
            }
            for (LeaseLog.Service service : LeaseLog.Service.values()) {
                if (done.containsKey(service)) {
                    continue;
                }
                Kill kill = kills.get(service);
                if (kill == null) {
                    kill = maybeKill(service, accounts.get(service), leases, stack, endpoints, emails);
                    if (kill != null) {
                        kills.put(service, kill);
                    } else if (finished(leases.now(service), accounts.get(service))) {
                        out.printf("    %s: every job ended before a moment to kill came (no takeover shown)%n",
                                sync(service).artifact());
                        done.put(service, new Takeover(sync(service).artifact(), "", "", List.of(),
                                named(leases.accountsByOwner(service), emails)));
                    }
                } else {
                    if (!kill.released && kill.claimed(leases)) {
                        // taken over: the killed replica may come back now (as Kubernetes restarts a container); the
                        // jobs are the survivor's, so its restart under the same instance id does not reclaim them
                        stack.supervisor().releaseRestarts(kill.process);
                        kill.released = true;
                        out.printf("    %s: its jobs claimed by %s; %s released, the supervisor restarts it%n",
                                sync(service).artifact(), kill.survivor, kill.process);
                    }
                    if (kill.settled(leases) || Duration.between(kill.at, Instant.now()).compareTo(TAKEOVER_TIMEOUT) > 0) {
                        done.put(service, kill.report(leases, emails));
                        stack.supervisor().releaseRestarts(kill.process);
                    }
                }
            }
            ManagedProcess.pause(Duration.ofMillis(200));
        }
        return List.copyOf(done.values());
    }

    private static StackService sync(LeaseLog.Service service) {
        return service == LeaseLog.Service.GOOGLE ? StackService.GOOGLE_SYNC : StackService.MICROSOFT_SYNC;
    }

    private static boolean finished(Map<String, LeaseLog.Row> rows, int accounts) {
        return rows.size() >= accounts && rows.values().stream().allMatch(r -> r.state().equals("done"));
    }

    /** A kill -9 of a sync replica: the jobs it held then, and when. */
    private final class Kill {
        final LeaseLog.Service service;
        final String owner;
        final String survivor;
        final String process;
        final Map<String, LeaseLog.Row> held;
        final Instant at;
        final Map<String, Set<String>> split;
        boolean released;

        Kill(LeaseLog.Service service, String owner, String survivor, String process, Map<String, LeaseLog.Row> held,
             Instant at, Map<String, Set<String>> split) {
            this.split = split;
            this.service = service;
            this.owner = owner;
            this.survivor = survivor;
            this.process = process;
            this.held = held;
            this.at = at;
        }

        boolean claimed(LeaseLog leases) {
            return held.keySet().stream().allMatch(a -> leases.claimed(service, a, survivor, at).isPresent());
        }

        boolean settled(LeaseLog leases) {
            return held.keySet().stream().allMatch(a -> leases.finishedBy(service, a, survivor, at).isPresent());
        }

        Takeover report(LeaseLog leases, Map<String, String> emails) {
            List<TakenOver> jobs = new ArrayList<>();
            held.forEach((account, row) -> {
                double lease = row.leaseUntil() == null ? -1 : seconds(at, row.leaseUntil());
                double claimed = leases.claimed(service, account, survivor, at).map(t -> seconds(at, t)).orElse(-1.0);
                double finished = leases.finishedBy(service, account, survivor, at).map(t -> seconds(at, t)).orElse(-1.0);
                jobs.add(new TakenOver(emails.getOrDefault(account, account), lease, claimed, finished));
                out.printf("    %s: %s's job (lease until +%.1f s) claimed by %s after %.1f s, finished after %.1f s%n",
                        sync(service).artifact(), emails.getOrDefault(account, account), lease, survivor, claimed,
                        finished);
            });
            return new Takeover(sync(service).artifact(), owner, survivor, jobs, split);
        }
    }

    private Kill maybeKill(LeaseLog.Service service, int accounts, LeaseLog leases, Stack stack,
                           StackEndpoints endpoints, Map<String, String> emails) {
        StackService sync = sync(service);
        Map<String, Set<String>> ran = leases.accountsByOwner(service);
        Map<String, LeaseLog.Row> now = leases.now(service);
        Set<String> owners = now.values().stream().filter(r -> r.state().equals("running")).map(LeaseLog.Row::owner)
                .collect(Collectors.toSet());
        boolean bothRan = ran.keySet().containsAll(List.of(sync.instanceId(0), sync.instanceId(1)));
        boolean allClaimed = now.size() >= accounts && now.values().stream().noneMatch(r -> r.state().equals("pending"));
        if (!bothRan || !allClaimed || owners.size() != 1) {
            return null;
        }
        String owner = owners.iterator().next();
        int k = owner.equals(sync.instanceId(0)) ? 0 : 1;
        String survivor = sync.instanceId(1 - k);
        Map<String, LeaseLog.Row> held = now.entrySet().stream()
                .filter(e -> e.getValue().state().equals("running") && owner.equals(e.getValue().owner()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (service == LeaseLog.Service.GOOGLE) {
            exhaustedLeases = readExhausted(endpoints);
        }
        ManagedProcess process = stack.process(sync.processName(k));
        stack.supervisor().holdRestarts(process.name());
        Instant at = Instant.now();
        process.kill();
        Map<String, Set<String>> split = named(ran, emails);
        out.printf("    %s: accounts run so far per replica %s%n", sync.artifact(), split);
        out.printf("    kill -9 %s (%s): it holds %d job(s), %s is idle; its restart is held back%n",
                process.name(), owner, held.size(), survivor);
        return new Kill(service, owner, survivor, process.name(), held, at, split);
    }

    private static Map<String, Double> readExhausted(StackEndpoints endpoints) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int k = 0; k < REPLICAS; k++) {
            try {
                out.put(StackService.GOOGLE_SYNC.instanceId(k), ServiceMetrics.sum(
                        StackService.GOOGLE_SYNC.managementUrl(endpoints, k), "googlesync_project_quota_leases_total",
                        "outcome=\"exhausted\""));
            } catch (RuntimeException e) {
                out.put(StackService.GOOGLE_SYNC.instanceId(k), -1.0);
            }
        }
        return out;
    }

    private void report(Result r, List<String> slowUsers) {
        step("result");
        out.printf("    slow users (latency %d ms, the others %d ms): %s%n", options.slowLatencyMs(),
                options.fastLatencyMs(), slowUsers);
        r.takeovers().forEach(t -> out.printf("    %s: backfill split %s; killed %s, its jobs taken over by %s: %s%n",
                t.service(), t.split(), t.killed(), t.survivor(), t.jobs()));
        out.println("    raw-records partitions per normalizer (held at once): " + r.normalizerPartitions());
        out.println("    Gmail quota at the emulator: " + r.gmailQuota() + " (project limit " + options.projectUnitsPerMinute()
                + " units/min)");
        out.println("    exhausted project-budget leases per google-sync replica (before the kill): " + r.exhaustedLeases());
        EventSet.Comparison c = r.comparison();
        out.printf("    comparison with the baseline (%d events): missing %d, extra %d, duplicates %d, reclassified %d%n",
                r.baselineEvents(), c.missing().size(), c.extra().size(), c.duplicates().size(), c.reclassified().size());
        c.missing().stream().limit(5).forEach(l -> out.println("      missing " + l));
        c.extra().stream().limit(5).forEach(l -> out.println("      extra " + l));
        c.reclassified().stream().limit(5).forEach(l -> out.println("      reclassified " + l));
        out.printf("    baseline run %d s, two-replica run %d s%n", r.baselineSeconds(), r.replicasSeconds());
    }

    private static Map<String, Set<String>> named(Map<String, Set<String>> byOwner, Map<String, String> emails) {
        Map<String, Set<String>> out = new java.util.TreeMap<>();
        byOwner.forEach((owner, accounts) -> out.put(owner, accounts.stream()
                .map(a -> emails.getOrDefault(a, a)).collect(Collectors.toCollection(java.util.TreeSet::new))));
        return out;
    }

    private Stack stack(String phase) {
        current = new Stack(root, dir.resolve(phase + "-logs"));
        return current;
    }

    private void awaitPortsFree() {
        StackEndpoints local = StackEndpoints.local("unused:unused");
        Instant deadline = Instant.now().plusSeconds(60);
        while (!LocalStack.portsInUse(local, REPLICAS).isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("ports still in use: " + LocalStack.portsInUse(local, REPLICAS));
            }
            ManagedProcess.pause(Duration.ofMillis(500));
        }
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    private void step(String what) {
        out.printf("==> replicas [%3d s]: %s%n", Duration.between(started, Instant.now()).toSeconds(), what);
    }
}

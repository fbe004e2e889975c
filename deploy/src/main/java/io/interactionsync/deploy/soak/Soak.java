package io.interactionsync.deploy.soak;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.deploy.LocalFiles;
import io.interactionsync.deploy.LocalStack;
import io.interactionsync.deploy.ManagedProcess;
import io.interactionsync.deploy.Stack;
import io.interactionsync.deploy.StackClient;
import io.interactionsync.deploy.StackEndpoints;
import io.interactionsync.deploy.StackService;
import io.interactionsync.model.Json;
import io.interactionsync.model.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The chaos soak ({@code deploy/local/soak.sh}): the same generated mailboxes twice on a fresh local stack, once
 * without faults (the baseline) and once under a loop of random faults until the time is up — {@code kill -9} of any
 * service or of the Kafka broker (the stack's {@link io.interactionsync.deploy.Supervisor} restarts them), provider
 * 5xx, 429 bursts with Retry-After, latency, expired cursors, a revoked token followed by a reconnect, silently omitted
 * items, and malformed raw records produced straight to {@code raw-records}. Both runs end the same way: faults off,
 * a sync and a completeness audit of every account, convergence. Then the real users' event sets are compared
 * ({@link EventSet}), the malformed records are looked up in {@code raw-records-dlq}, and one line sums it up:
 * {@code kills=N faults=N bad=N dlq=N missing=0 extra=0 duplicates=0 reclassified=0}. Exit code 0 only when the four
 * differences are 0, relationship-service's ties equal the baseline's ({@link RelationshipSet}) and every malformed
 * record is accounted for ({@link #account}): dead-lettered with a code and a reason, or — where its kind allows —
 * processed, a fan-out record within the recipient cap.
 */
public final class Soak {

    static final String NORMALIZER_GROUP = "event-normalizer";
    static final String RELATIONSHIP_GROUP = "relationship-service";
    static final List<String> RELATIONSHIP_TOPICS = List.of(Topics.INTERACTION_EVENTS_STATE, Topics.ACCOUNT_EVENTS);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration RESUME_TIMEOUT = Duration.ofSeconds(45);
    /** The normalizer's per-message recipient cap (issue 18 item 5): a 10,000-recipient message → ≤ cap + 1 events. */
    static final int RECIPIENT_CAP = 100;
    static final String BROKER = "kafka";
    /** Every service the stack runs, and the broker. */
    static final List<String> KILL_TARGETS = List.of("connector-service", "google-sync-service",
            "microsoft-sync-service", "event-normalizer", "relationship-service", BROKER);

    /** What to run: the stack's data options plus the soak's. */
    public record Options(double minutes, LocalStack.Options stack, int bad, int fanOut, int recipients) {

        static final String USAGE = """
                usage: deploy/local/soak.sh --minutes N [--seed S] [--users N] [--microsoft-users N] [--messages N]
                                            [--months N] [--bad N] [--fan-out N] [--recipients N]
                  --minutes          how long the chaos loop runs (fractions allowed, e.g. 0.5)
                  run.sh options     the generated mailboxes (default 2 Google + 1 Microsoft user × 100 messages,
                                     12 months, seed 42); both runs use the same
                  --bad              malformed records produced to raw-records (default 10000)
                  --fan-out          of those, records with --recipients addresses in To (default 2)
                  --recipients       addresses in a fan-out record's To (default 10000)
                Uses database interaction_sync and the local stack's ports: not beside another local stack.""";

        public static Options parse(String[] args) {
            double minutes = -1;
            int bad = 10_000;
            int fanOut = 2;
            int recipients = 10_000;
            Map<String, String> stack = new LinkedHashMap<>(Map.of("--users", "2", "--microsoft-users", "1",
                    "--messages", "100", "--months", "12"));
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--minutes" -> minutes = Double.parseDouble(required(args[i], value));
                    case "--bad" -> bad = Integer.parseInt(required(args[i], value));
                    case "--fan-out" -> fanOut = Integer.parseInt(required(args[i], value));
                    case "--recipients" -> recipients = Integer.parseInt(required(args[i], value));
                    case "--seed", "--users", "--microsoft-users", "--messages", "--months" ->
                            stack.put(args[i], required(args[i], value));
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
                }
                i++;
            }
            if (minutes <= 0) {
                throw new IllegalArgumentException("--minutes N is required (try --help)");
            }
            if (fanOut > bad) {
                throw new IllegalArgumentException("--fan-out must not exceed --bad");
            }
            List<String> stackArgs = new ArrayList<>();
            stack.forEach((k, v) -> {
                stackArgs.add(k);
                stackArgs.add(v);
            });
            return new Options(minutes, LocalStack.Options.parse(stackArgs.toArray(String[]::new)).withFresh(), bad,
                    fanOut, recipients);
        }

        private static String required(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }

    /**
     * The soak's outcome; {@link #line()} is what it prints last.
     *
     * @param killed        kill -9s by target ({@link #KILL_TARGETS})
     * @param processed     malformed records the normalizer processed instead of dead-lettering (their kind allows it)
     * @param unaccounted   malformed records neither dead-lettered with a code and a reason nor processed within bounds
     *                      (a must-dead-letter kind processed, a fan-out record over the cap, or neither)
     * @param relationships relationship-service ties that differ from the baseline's
     */
    public record Result(Map<String, Integer> killed, int recovered, int faults, int bad, int dlq, int processed,
                         int unaccounted, int missing, int extra, int duplicates, int reclassified, int relationships) {

        public int kills() {
            return killed.values().stream().mapToInt(Integer::intValue).sum();
        }

        public String line() {
            return "kills=" + kills() + " faults=" + faults + " bad=" + bad + " dlq=" + dlq + " missing=" + missing
                    + " extra=" + extra + " duplicates=" + duplicates + " reclassified=" + reclassified;
        }

        public boolean passed() {
            return missing == 0 && extra == 0 && duplicates == 0 && reclassified == 0 && unaccounted == 0
                    && dlq + processed == bad && relationships == 0;
        }
    }

    private final Options options;
    private final Path root;
    private final Path soakDir;
    private final PrintStream out;
    private final Convergence convergence;
    private final Random random;
    private Instant chaosStart;
    /** The stack running now, stopped by Ctrl-C (the JVM's shutdown hook). */
    private volatile Stack current;
    /** Threads of the chaos run's background work (recovery measurements, the malformed records' producer). */
    private final java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "soak-background");
        t.setDaemon(true);
        return t;
    });

    public Soak(Options options, Path root, PrintStream out) {
        this.options = options;
        this.root = root;
        this.soakDir = root.resolve(".local/soak");
        this.out = out;
        this.convergence = new Convergence(out);
        this.random = new Random(options.stack().seed());
    }

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(Options.USAGE);
            System.exit(0);
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Soak soak = new Soak(options, Path.of("").toAbsolutePath(), System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Stack stack = soak.current;
            if (stack != null) {
                stack.close();
            }
        }, "soak-shutdown"));
        try {
            Result result = soak.run();
            System.out.println(result.line());
            System.exit(result.passed() ? 0 : 1);
        } catch (Exception e) {
            System.err.println("\nerror: " + e);
            e.printStackTrace();
            System.exit(2);
        }
    }

    /** Both runs and the comparison; prints progress, returns the result (the caller prints {@link Result#line()}). */
    public Result run() throws Exception {
        Instant started = Instant.now();
        LocalFiles.deleteRecursively(soakDir);
        Files.createDirectories(soakDir);

        step("baseline: fresh stack, " + options.stack().arguments() + ", no faults");
        EventSet baseline;
        RelationshipSet baselineTies;
        try (Stack stack = stack("baseline")) {
            LocalStack.Running running = LocalStack.launch(options.stack(), root, stack, true);
            convergence.settle(running, stack);
            baseline = EventSet.read(running.endpoints().database(), running.userIds().values());
            baselineTies = RelationshipSet.read(running.endpoints().database(), running.userIds().values());
            out.printf("    baseline: %d events, %d relationship ties of %d users (%d duplicate keys) in %d s%n",
                    baseline.rows().size(), baselineTies.ties().size(), running.userIds().size(),
                    baseline.duplicates().size(), Duration.between(started, Instant.now()).toSeconds());
            reportPeakRss(stack);
        }
        awaitPortsFree();

        step("chaos: fresh stack, the same mailboxes, faults for " + options.minutes() + " min");
        Instant chaosPhase = Instant.now();
        try (Stack stack = stack("chaos")) {
            LocalStack.Running running = LocalStack.launch(options.stack(), root, stack, false);
            Chaos chaos = new Chaos(running, stack);
            chaos.loop(Instant.now().plusMillis((long) (options.minutes() * 60_000)));
            step("chaos over: " + chaos.kills + " kills, " + chaos.faults + " faults; faults off, converging");
            convergence.settle(running, stack);
            EventSet actual = EventSet.read(running.endpoints().database(), running.userIds().values());
            EventSet.Comparison diff = baseline.compare(actual);
            report(diff);
            List<String> ties = baselineTies.differences(RelationshipSet.read(running.endpoints().database(),
                    running.userIds().values()));
            out.printf("    relationship-service: %d of %d ties differ from the baseline's%n", ties.size(),
                    baselineTies.ties().size());
            ties.stream().limit(5).forEach(l -> out.println("      " + l));
            Accounting accounting = account(running.endpoints(), chaos.produced());
            out.printf("    chaos run %d s, whole soak %d s%n", Duration.between(chaosPhase, Instant.now()).toSeconds(),
                    Duration.between(started, Instant.now()).toSeconds());
            return new Result(Map.copyOf(chaos.killed), chaos.recovered.get(), chaos.faults, chaos.produced().size(),
                    accounting.deadLettered(), accounting.processed(), accounting.unaccounted(), diff.missing().size(),
                    diff.extra().size(), diff.duplicates().size(), diff.reclassified().size(), ties.size());
        }
    }

    private Stack stack(String phase) {
        current = new Stack(root, soakDir.resolve(phase + "-logs"));
        return current;
    }

    // ---- the chaos loop ----

    /** One fault rule active until {@code until}. */
    private record ActiveRule(Map<String, Object> rule, Instant until) {
    }

    private final class Chaos {
        final LocalStack.Running running;
        final Stack stack;
        final StackClient client;
        final StackEndpoints endpoints;
        final List<String> emails;
        final List<String> killQueue = killQueue(random);
        final List<ActiveRule> rules = new ArrayList<>();
        final Map<String, Instant> reconnects = new ConcurrentHashMap<>();
        int kills;
        final Map<String, Integer> killed = new TreeMap<>();
        final java.util.concurrent.atomic.AtomicInteger recovered = new java.util.concurrent.atomic.AtomicInteger();
        int faults;
        CompletableFuture<List<Produced>> badRecords;

        Chaos(LocalStack.Running running, Stack stack) {
            this.running = running;
            this.stack = stack;
            this.client = running.client();
            this.endpoints = running.endpoints();
            this.emails = new ArrayList<>(running.userJwts().keySet());
        }

        void loop(Instant deadline) {
            chaosStart = Instant.now();
            int step = 0;
            while (Instant.now().isBefore(deadline)) {
                if (stack.supervisor().failure() != null) {
                    throw new IllegalStateException(stack.supervisor().failure());
                }
                applyRules(false);
                reconnectDue(false);
                try {
                    nextFault(step);
                } catch (RuntimeException e) {
                    log("fault step failed (%s); going on", why(e));
                }
                step++;
                ManagedProcess.pause(Duration.ofMillis(1000 + random.nextInt(3000)));
            }
            if (badRecords == null) {
                produceBadRecords();
            }
            rules.clear();
            applyRules(true);
            recovery.join();
            for (int attempt = 0; attempt < 30 && !reconnects.isEmpty(); attempt++) {
                reconnectDue(true);
                if (!reconnects.isEmpty()) {
                    ManagedProcess.pause(Duration.ofSeconds(2));
                }
            }
            badRecords.join();
        }

        /**
         * Step 1: the malformed records; even steps: the next kill of the queue ({@link #killQueue}: a service, then the
         * broker, then the other services; it leaves the queue once killed); otherwise at random.
         */
        void nextFault(int step) {
            if (step == 1 && badRecords == null) {
                produceBadRecords();
            } else if (step % 2 == 0 && !killQueue.isEmpty() && !recovering()) {
                if (kill(killQueue.getFirst())) {
                    killQueue.removeFirst();
                }
            } else {
                switch (random.nextInt(8)) {
                    case 0 -> {
                        if (recovering()) {
                            serverErrors();
                        } else {
                            kill(KILL_TARGETS.get(random.nextInt(KILL_TARGETS.size())));
                        }
                    }
                    case 1 -> serverErrors();
                    case 2 -> throttling();
                    case 3 -> latency();
                    case 4 -> expireCursors();
                    case 5 -> revoke();
                    case 6 -> omit();
                    default -> serverErrors();
                }
            }
        }

        List<Produced> produced() {
            return badRecords.join();
        }

        // kills

        /** The last kill's recovery measurement (back, resumed), running beside the other faults. */
        CompletableFuture<Void> recovery = CompletableFuture.completedFuture(null);
        /** Whether the last killed process is back (ready): the next kill waits for it, not for its work to resume. */
        volatile boolean lastKillBack = true;
        final Map<String, List<Instant>> killTimes = new HashMap<>();
        static final int SYNC_BUDGET = 4;
        final Map<String, Integer> syncsRequested = new HashMap<>();

        boolean recovering() {
            return !lastKillBack;
        }

        /**
         * kill -9 now; how long until it is back and its work resumed is measured in the background. False when the
         * kill was skipped (the stack still recovering, or this target killed often enough this minute).
         */
        boolean kill(String name) {
            ManagedProcess process = stack.process(name);
            BooleanSupplier ready = name.equals(BROKER) ? () -> kafkaReachable(endpoints)
                    : () -> ready(endpoints, service(name));
            if (recovering() || !process.isAlive() || !safely(ready)) {
                log("skip kill -9 %s: the stack is still recovering from the last one", name);
                return false;
            }
            List<Instant> recent = killTimes.computeIfAbsent(name, k -> new ArrayList<>());
            recent.removeIf(t -> t.isBefore(Instant.now().minusSeconds(60)));
            if (recent.size() >= 3) { // the supervisor calls 6 restarts within 60 s a crash loop; the soak stays clear of it
                serverErrors();
                return false;
            }
            recent.add(Instant.now());
            long before = progressMarker(name);
            long pid = process.pid();
            Instant killed = Instant.now();
            process.kill();
            kills++;
            this.killed.merge(name, 1, Integer::sum);
            lastKillBack = false;
            log("kill -9 %s (pid %d)", name, pid);
            recovery = CompletableFuture.allOf(recovery, CompletableFuture.runAsync(
                    () -> measureRecovery(name, process, pid, ready, before, killed), background));
            return true;
        }

        void measureRecovery(String name, ManagedProcess process, long pid, BooleanSupplier ready, long before,
                             Instant killed) {
            Instant back = null;
            while (Duration.between(killed, Instant.now()).compareTo(RECOVERY_TIMEOUT) < 0
                    && stack.supervisor().failure() == null) {
                if (process.isAlive() && process.pid() != pid && safely(ready)) {
                    back = Instant.now();
                    break;
                }
                ManagedProcess.pause(Duration.ofMillis(250));
            }
            if (back == null) {
                log("  %s NOT back after %d s", name, Duration.between(killed, Instant.now()).toSeconds());
                return;
            }
            recovered.incrementAndGet();
            lastKillBack = true;
            log("  %s back (ready) in %.1f s", name, seconds(killed, back));
            log("  %s after kill -9: %s", name, resumed(name, before, killed));
        }

        /** A number that grows while {@code name} does its work (see {@link #resumed}). */
        long progressMarker(String name) {
            try {
                return switch (name) {
                    case "event-normalizer", BROKER -> committedOffsets(endpoints);
                    case "relationship-service" -> committedOffsets(endpoints, RELATIONSHIP_GROUP,
                            Topics.INTERACTION_EVENTS_STATE);
                    case "google-sync-service" -> providerRequests(false);
                    case "microsoft-sync-service" -> providerRequests(true);
                    default -> 0;
                };
            } catch (RuntimeException e) {
                return -1;
            }
        }

        /** When its work resumed after the kill: its progress marker moved (or it had nothing to do). */
        String resumed(String name, long before, Instant killed) {
            Instant deadline = Instant.now().plus(RESUME_TIMEOUT);
            while (Instant.now().isBefore(deadline)) {
                try {
                    switch (name) {
                        case "connector-service" -> {
                            client.googleAccounts(running.userJwts().get(emails.getFirst()));
                            return "API answering in " + fmt(seconds(killed, Instant.now())) + " s";
                        }
                        case "relationship-service" -> {
                            if (committedOffsets(endpoints, RELATIONSHIP_GROUP, Topics.INTERACTION_EVENTS_STATE)
                                    > before) {
                                return "relationship-service committing again in "
                                        + fmt(seconds(killed, Instant.now())) + " s";
                            }
                            if (relationshipLag(endpoints) == 0) {
                                return "relationship-service caught up (no lag) in "
                                        + fmt(seconds(killed, Instant.now())) + " s";
                            }
                        }
                        case "event-normalizer", BROKER -> {
                            if (name.equals(BROKER) && !List.of(StackService.values()).stream()
                                    .allMatch(s -> ready(endpoints, s))) {
                                break;
                            }
                            if (committedOffsets(endpoints) > before) {
                                return "normalizer committing again in " + fmt(seconds(killed, Instant.now())) + " s";
                            }
                            if (normalizerLag(endpoints) == 0) {
                                return "normalizer caught up (no lag) in " + fmt(seconds(killed, Instant.now())) + " s";
                            }
                        }
                        default -> {
                            boolean microsoft = name.equals("microsoft-sync-service");
                            if (providerRequests(microsoft) > before) {
                                return "provider requests again in " + fmt(seconds(killed, Instant.now())) + " s";
                            }
                            if (allSynced(microsoft)) {
                                return "idle: its accounts are synced (" + fmt(seconds(killed, Instant.now())) + " s)";
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    // between restarts
                }
                ManagedProcess.pause(Duration.ofMillis(250));
            }
            return "no progress within " + RESUME_TIMEOUT.toSeconds() + " s after it was back although there is work "
                    + "(stalled)";
        }

        boolean allSynced(boolean microsoft) {
            for (String email : emails) {
                if (running.microsoft(email) == microsoft) {
                    JsonNode accounts = microsoft ? client.microsoftAccounts(running.userJwts().get(email))
                            : client.googleAccounts(running.userJwts().get(email));
                    for (JsonNode account : accounts) {
                        if (!account.path("syncStatus").asText().equals("synced")) {
                            return false;
                        }
                    }
                }
            }
            return true;
        }

        long providerRequests(boolean microsoft) {
            JsonNode users = client.call("GET", endpoints.emulatorUrl() + "/_emulator/stats", null, null).json()
                    .path("users");
            long sum = 0;
            for (String email : emails) {
                if (running.microsoft(email) == microsoft) {
                    sum += users.path(email).path("requests").asLong(0);
                }
            }
            return sum;
        }

        // provider faults

        void serverErrors() {
            boolean microsoft = random.nextBoolean();
            int status = List.of(500, 502, 503).get(random.nextInt(3));
            addRule("provider " + status + "s (30 %)", rule(microsoft, Map.of("status", status, "probability", 0.3)));
        }

        void throttling() {
            boolean microsoft = random.nextBoolean();
            addRule("429 burst with Retry-After: 2", rule(microsoft, Map.of("status", 429, "count", 20,
                    "retryAfterSeconds", 2)));
        }

        void latency() {
            boolean microsoft = random.nextBoolean();
            addRule("latency 1.5 s (50 %)", rule(microsoft, Map.of("status", 0, "latencyMs", 1500, "probability", 0.5)));
        }

        void omit() {
            String email = emails.get(random.nextInt(emails.size()));
            boolean microsoft = running.microsoft(email);
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("provider", microsoft ? "microsoft" : "google");
            rule.put("user", email);
            rule.put("pathRegex", microsoft ? "/delta" : "/gmail/v1/users/[^/]+/(messages|history)$");
            rule.put("omit", 0.3);
            addRule("omit 30 % of " + email + "'s list/history/delta items", rule);
        }

        /** Provider API paths only (not OAuth: a failed refresh is the revocation fault's business). */
        Map<String, Object> rule(boolean microsoft, Map<String, Object> what) {
            Map<String, Object> rule = new LinkedHashMap<>(what);
            rule.put("provider", microsoft ? "microsoft" : "google");
            rule.put("pathRegex", microsoft ? "^/graph\\.microsoft\\.com/"
                    : "^/(gmail\\.googleapis\\.com|www\\.googleapis\\.com/calendar)/");
            return rule;
        }

        void addRule(String what, Map<String, Object> rule) {
            Duration lasting = Duration.ofSeconds(8 + random.nextInt(12));
            rules.add(new ActiveRule(rule, Instant.now().plus(lasting)));
            faults++;
            log("fault: %s provider %s for %d s", what, rule.get("provider"), lasting.toSeconds());
            applyRules(true);
        }

        private int appliedRules = -1;

        void applyRules(boolean force) {
            Instant now = Instant.now();
            boolean expired = rules.removeIf(r -> r.until().isBefore(now));
            if (!force && !expired && appliedRules == rules.size()) {
                return;
            }
            List<Map<String, Object>> list = rules.stream().map(ActiveRule::rule).toList();
            try {
                client.faults(random.nextLong(), list);
                appliedRules = rules.size();
            } catch (RuntimeException e) {
                log("could not set the emulator's faults: %s", e.getMessage());
            }
        }

        // cursors and tokens

        void expireCursors() {
            String email = emails.get(random.nextInt(emails.size()));
            String base = endpoints.emulatorUrl() + "/_emulator/";
            String encoded = java.net.URLEncoder.encode(email, java.nio.charset.StandardCharsets.UTF_8);
            if (running.microsoft(email)) {
                client.call("POST", base + "microsoft/users/" + encoded + "/expire-delta", null, null);
                log("fault: expire-delta of %s", email);
            } else {
                client.call("POST", base + "google/users/" + encoded + "/expire-history", null, null);
                client.call("POST", base + "google/users/" + encoded + "/expire-sync-tokens", null, null);
                log("fault: expire-history and expire-sync-tokens of %s", email);
            }
            faults++;
            requestSync(email);
        }

        void revoke() {
            List<String> candidates = emails.stream().filter(e -> !reconnects.containsKey(e)).toList();
            if (candidates.isEmpty()) {
                return;
            }
            String email = candidates.get(random.nextInt(candidates.size()));
            client.call("POST", endpoints.emulatorUrl() + "/_emulator/revoke", null, Map.of("email", email));
            Duration later = Duration.ofSeconds(5 + random.nextInt(15));
            reconnects.put(email, Instant.now().plus(later));
            faults++;
            log("fault: revoke %s's refresh tokens; reconnect in %d s", email, later.toSeconds());
        }

        /** Reconnects (OAuth code flow again) the revoked accounts whose time has come, or all with {@code all}. */
        void reconnectDue(boolean all) {
            Instant now = Instant.now();
            for (Map.Entry<String, Instant> due : Map.copyOf(reconnects).entrySet()) {
                if (all || due.getValue().isBefore(now)) {
                    try {
                        JsonNode account = running.reconnect(due.getKey());
                        reconnects.remove(due.getKey());
                        log("reconnected %s (state %s)", due.getKey(), account.path("syncStatus").asText());
                        if (running.microsoft(due.getKey())) {
                            for (String shared : running.sharedMailboxes()) {
                                try {
                                    client.addSharedMailbox(running.userJwts().get(due.getKey()),
                                            account.path("id").asText(), shared);
                                } catch (RuntimeException alreadySubscribed) {
                                    // still subscribed: the subscription outlives a reconnect
                                }
                            }
                        }
                    } catch (RuntimeException e) {
                        log("reconnect of %s failed (%s); retrying", due.getKey(), why(e));
                    }
                }
            }
        }

        /**
         * A sync now, so that an expired cursor is met. The connector allows 10 manual syncs per account and hour; the
         * chaos run uses at most {@link #SYNC_BUDGET} per account and leaves the rest to the final settle.
         */
        void requestSync(String email) {
            if (syncsRequested.merge(email, 1, Integer::sum) > SYNC_BUDGET) {
                return;
            }
            try {
                client.requestSync(running.userJwts().get(email), running.accountIds().get(email), "auto");
            } catch (RuntimeException e) {
                log("  (sync request for %s refused: %s)", email, why(e));
            }
        }

        // malformed records

        void produceBadRecords() {
            List<BadRecords.Bad> records = BadRecords.generate(options.stack().seed(), options.bad(), options.fanOut(),
                    options.recipients(), Instant.now());
            faults++;
            log("fault: producing %d malformed records to %s in the background (%d with %d recipients)",
                    records.size(), Topics.RAW_RECORDS, options.fanOut(), options.recipients());
            badRecords = CompletableFuture.supplyAsync(() -> {
                List<Produced> done = produce(endpoints, records);
                log("  %d malformed records acknowledged by Kafka", done.size());
                return done;
            }, background);
        }

        void log(String format, Object... args) {
            Soak.this.log(format, args);
        }
    }

    /** A malformed record as Kafka acknowledged it. */
    record Produced(BadRecords.Bad bad, int partition, long offset) {
    }

    static List<Produced> produce(StackEndpoints endpoints, List<BadRecords.Bad> records) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000, ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        List<Produced> out = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            for (BadRecords.Bad bad : records) {
                sent.add(producer.send(new ProducerRecord<>(Topics.RAW_RECORDS, bad.key(), bad.value())));
            }
            producer.flush();
            for (int i = 0; i < records.size(); i++) {
                RecordMetadata m = sent.get(i).get();
                out.add(new Produced(records.get(i), m.partition(), m.offset()));
            }
        } catch (Exception e) {
            throw new IllegalStateException("producing the malformed records failed", e);
        }
        return out;
    }

    // ---- checks ----

    /** A dead letter of {@code raw-records} as the DLQ holds it. */
    record DeadLettered(String code, String reason) {

        boolean explained() {
            return code != null && !code.isBlank() && reason != null && !reason.isBlank();
        }
    }

    /** Where each malformed record ended up: counts, and why the unaccounted ones are. */
    record Accounting(int deadLettered, int processed, int unaccounted, List<String> why) {
    }

    /**
     * Accounts for every malformed record: dead-lettered (its partition and offset in {@code raw-records-dlq}) with a
     * code and a reason, or — for the kinds a normalizer may accept ({@link BadRecords.Kind#mustDeadLetter} false) —
     * processed (its {@code normalizer.record_versions} row names its partition and offset) and, for a fan-out record,
     * bounded: at most {@link #RECIPIENT_CAP} + 1 events, each marked truncated. Anything else is unaccounted and
     * printed.
     */
    Accounting account(StackEndpoints endpoints, List<Produced> produced) throws SQLException {
        Map<String, DeadLettered> dlq = deadLetters(endpoints);
        Map<String, String> versions = new HashMap<>(); // "partition:offset" → account id of a processed record
        Map<String, long[]> fanOutEvents = new HashMap<>(); // remote id → {events, of them truncated}
        try (Connection c = endpoints.database().connect()) {
            try (PreparedStatement q = c.prepareStatement("select account_id, kafka_partition, kafka_offset from "
                    + "normalizer.record_versions where account_id like ?")) {
                q.setString(1, BadRecords.ACCOUNT_PREFIX + "%");
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        versions.put(rs.getInt(2) + ":" + rs.getLong(3), rs.getString(1));
                    }
                }
            }
            try (PreparedStatement q = c.prepareStatement("select remote_id, count(*), count(*) filter (where "
                    + "recipients_truncated) from normalizer.interaction_events where user_id = ? and remote_id = any(?) "
                    + "group by remote_id")) {
                q.setString(1, BadRecords.USER_ID);
                q.setArray(2, c.createArrayOf("text", produced.stream().filter(p -> p.bad().kind() == BadRecords.Kind.FAN_OUT)
                        .map(p -> p.bad().remoteId()).toArray()));
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        fanOutEvents.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                    }
                }
            }
        }
        int deadLettered = 0;
        int processed = 0;
        List<String> why = new ArrayList<>();
        Map<String, Integer> byKind = new TreeMap<>();
        for (Produced p : produced) {
            String at = p.partition() + ":" + p.offset();
            BadRecords.Kind kind = p.bad().kind();
            DeadLettered dl = dlq.get(at);
            boolean isProcessed = p.bad().key().equals(versions.get(at));
            String outcome;
            String problem = null;
            if (dl != null) {
                deadLettered++;
                outcome = "dead-lettered " + (dl.code() == null || dl.code().isBlank() ? "(no code)" : dl.code());
                if (!dl.explained()) {
                    problem = "dead-lettered without a code or a reason";
                }
            } else if (isProcessed) {
                processed++;
                outcome = "processed";
                if (kind.mustDeadLetter) {
                    problem = "processed, but a " + kind + " record must be dead-lettered";
                } else if (kind == BadRecords.Kind.FAN_OUT) {
                    long[] events = fanOutEvents.getOrDefault(p.bad().remoteId(), new long[] {0, 0});
                    outcome = "processed, ≤ " + (RECIPIENT_CAP + 1) + " events, truncated";
                    if (events[0] > RECIPIENT_CAP + 1 || events[1] != events[0]) {
                        problem = String.format("%d events (%d marked truncated) from %d recipients: over the cap "
                                + "%d + 1", events[0], events[1], options.recipients(), RECIPIENT_CAP);
                    }
                }
            } else {
                outcome = "unaccounted";
                problem = "neither in " + Topics.RAW_RECORDS_DLQ + " nor processed";
            }
            if (problem != null) {
                outcome = "UNACCOUNTED";
                why.add(kind + " " + p.bad().remoteId() + " (raw-records " + at + "): " + problem);
            }
            byKind.merge(kind + " → " + outcome, 1, Integer::sum);
        }
        out.printf("    malformed records: %d of %d dead-lettered with a code and a reason, %d processed, %d unaccounted%n",
                deadLettered, produced.size(), processed, why.size());
        byKind.forEach((k, n) -> out.printf("      %-52s %6d%n", k, n));
        why.stream().limit(20).forEach(w -> out.println("      UNACCOUNTED " + w));
        if (why.size() > 20) {
            out.printf("      … and %d more%n", why.size() - 20);
        }
        long stuck = count(endpoints, "select count(*) from normalizer.outbox where topic = '" + Topics.RAW_RECORDS_DLQ + "'");
        if (stuck > 0) {
            out.printf("    %d dead letters are still in the normalizer's outbox, never published to %s%n", stuck,
                    Topics.RAW_RECORDS_DLQ);
        }
        return new Accounting(deadLettered, processed, why.size(), List.copyOf(why));
    }

    /** The dead letters of {@code raw-records} records: "partition:offset" → code and reason. */
    private static Map<String, DeadLettered> deadLetters(StackEndpoints endpoints) {
        Map<String, DeadLettered> out = new HashMap<>();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.RAW_RECORDS_DLQ).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plusSeconds(120);
            int emptyPolls = 0;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))
                    && Instant.now().isBefore(deadline) && emptyPolls < 5) {
                var records = consumer.poll(Duration.ofSeconds(1));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    try {
                        JsonNode dl = Json.mapper().readTree(r.value());
                        if (Topics.RAW_RECORDS.equals(dl.path("sourceTopic").asText())) {
                            out.put(dl.path("partition").asInt() + ":" + dl.path("offset").asLong(),
                                    new DeadLettered(dl.path("code").asText(""), dl.path("reason").asText("")));
                        }
                    } catch (IOException e) {
                        // not a dead letter of ours
                    }
                }
            }
        }
        return out;
    }

    /**
     * The order of the planned kills: a service first, then the broker, then the other services, shuffled by the seed —
     * so that even the one-minute soak (about two kills) kills the broker and a service.
     */
    static List<String> killQueue(Random random) {
        List<String> services = new ArrayList<>(KILL_TARGETS);
        services.remove(BROKER);
        Collections.shuffle(services, random);
        services.add(1, BROKER);
        return services;
    }

    /**
     * Peak RSS (VmHWM) of each process of the fault-free run, read just before it stops: the JVM footprint of the
     * packaged services under the local options (-Xmx384m, SerialGC) through a backfill, a sync and an audit.
     */
    private void reportPeakRss(Stack stack) {
        List<String> peaks = new ArrayList<>();
        for (ManagedProcess p : stack.processes()) {
            long kib = peakRssKib(p.pid());
            if (kib > 0) {
                peaks.add(p.name() + " " + kib / 1024 + " MiB");
            }
        }
        out.println("    peak RSS (VmHWM): " + String.join(", ", peaks));
    }

    private static long peakRssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // ended meanwhile, or no /proc
        }
        return -1;
    }

    private void report(EventSet.Comparison diff) throws IOException {
        Path file = soakDir.resolve("differences.txt");
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, List<String>> kind : Map.of("missing", diff.missing(), "extra", diff.extra(),
                "duplicates", diff.duplicates(), "reclassified", diff.reclassified()).entrySet()) {
            text.append("## ").append(kind.getKey()).append(" (").append(kind.getValue().size()).append(")\n");
            kind.getValue().forEach(line -> text.append(line).append('\n'));
        }
        Files.writeString(file, text);
        out.printf("    comparison with the baseline: missing %d, extra %d, duplicates %d, reclassified %d%s%n",
                diff.missing().size(), diff.extra().size(), diff.duplicates().size(), diff.reclassified().size(),
                diff.identical() ? "" : " (every row: " + root.relativize(file) + ")");
        diff.reclassified().stream().limit(5).forEach(l -> out.println("      reclassified " + l));
        diff.missing().stream().limit(5).forEach(l -> out.println("      missing " + l));
        diff.extra().stream().limit(5).forEach(l -> out.println("      extra " + l));
    }

    // ---- probes ----

    static boolean ready(StackEndpoints endpoints, StackService service) {
        return ready(endpoints, service, 0);
    }

    static boolean ready(StackEndpoints endpoints, StackService service, int replica) {
        return ManagedProcess.answersOk(URI.create(service.healthUrl(endpoints, replica)));
    }

    static StackService service(String artifact) {
        for (StackService s : StackService.values()) {
            if (s.artifact().equals(artifact)) {
                return s;
            }
        }
        throw new IllegalArgumentException(artifact);
    }

    static boolean kafkaReachable(StackEndpoints endpoints) {
        try (Admin admin = admin(endpoints)) {
            return !admin.describeCluster().nodes().get().isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private static Admin admin(StackEndpoints endpoints) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
    }

    /** The normalizer group's committed offsets on {@code raw-records}, summed. */
    static long committedOffsets(StackEndpoints endpoints) {
        return committedOffsets(endpoints, NORMALIZER_GROUP, Topics.RAW_RECORDS);
    }

    /** {@code group}'s committed offsets on {@code topic}, summed. */
    static long committedOffsets(StackEndpoints endpoints, String group, String topic) {
        try (Admin admin = admin(endpoints)) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()
                    .stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("committed offsets unreadable", e);
        }
    }

    static long normalizerLag(StackEndpoints endpoints) {
        return lag(endpoints, NORMALIZER_GROUP, List.of(Topics.RAW_RECORDS));
    }

    /** relationship-service's lag on both topics it reads: 0 once it applied every event and account event. */
    static long relationshipLag(StackEndpoints endpoints) {
        return lag(endpoints, RELATIONSHIP_GROUP, RELATIONSHIP_TOPICS);
    }

    /** {@code group}'s lag summed over every partition of {@code topics} (a partition it never committed: its end). */
    static long lag(StackEndpoints endpoints, String group, List<String> topics) {
        try (Admin admin = admin(endpoints)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            Set<TopicPartition> partitions = admin.describeTopics(topics).allTopicNames().get().values().stream()
                    .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                    .collect(Collectors.toSet());
            Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            long lag = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                lag += ends.get(tp).offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (Exception e) {
            throw new IllegalStateException("lag unreadable", e);
        }
    }

    /** The normalizer's {@code normalizer_rederive_pending} gauge (summed over labels); 0 when it has none. */
    static long rederivePending(StackEndpoints endpoints) {
        return (long) io.interactionsync.deploy.ServiceMetrics.sum(StackService.NORMALIZER.managementUrl(endpoints),
                "normalizer_rederive_pending", "");
    }

    static long count(StackEndpoints endpoints, String sql) {
        try (Connection c = endpoints.database().connect(); PreparedStatement q = c.prepareStatement(sql);
             ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    private void awaitPortsFree() {
        StackEndpoints local = StackEndpoints.local("unused:unused");
        Instant deadline = Instant.now().plusSeconds(60);
        while (!LocalStack.portsInUse(local).isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("ports still in use after the baseline: " + LocalStack.portsInUse(local));
            }
            ManagedProcess.pause(Duration.ofMillis(500));
        }
    }

    /** The innermost message of {@code e}'s causes, or the exception's class (a refused connection has no message). */
    static String why(Throwable e) {
        String why = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            why = t.getMessage() != null && !t.getMessage().endsWith("failed: null") ? t.getMessage()
                    : t.getClass().getSimpleName();
        }
        return why;
    }

    private static boolean safely(BooleanSupplier s) {
        try {
            return s.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    private static String fmt(double seconds) {
        return String.format("%.1f", seconds);
    }

    private void step(String what) {
        out.println("==> soak: " + what);
    }

    private synchronized void log(String format, Object... args) {
        long t = chaosStart == null ? 0 : Duration.between(chaosStart, Instant.now()).toSeconds();
        out.printf("[%4ds] %s%n", t, String.format(format, args));
    }
}

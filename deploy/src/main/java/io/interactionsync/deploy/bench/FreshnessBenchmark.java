package io.interactionsync.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.deploy.LocalStack;
import io.interactionsync.deploy.ManagedProcess;
import io.interactionsync.deploy.Stack;
import io.interactionsync.deploy.StackClient;
import io.interactionsync.deploy.StackService;
import io.interactionsync.model.Json;
import io.interactionsync.model.Source;
import io.interactionsync.model.Topics;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Push freshness on a fresh local stack ({@code deploy/local/bench-freshness.sh}; figures in
 * {@code deploy/docs/performance.md}): the time from a provider-side change at the emulator (t0 = just before its
 * control call) to (a) the row in the normalizer's query API ({@code GET /api/v1/interaction-events?contact=…} as the
 * account's user, polled) and (b) the record on {@code interaction-events} (a consumer positioned at the end before the
 * first change), for Gmail, Google Calendar, Outlook mail and Outlook calendar. No manual sync is ever requested: only
 * provider notifications and the sync services' safety-net poll move data.
 * <p>
 * Each stack: 10 Google accounts with gmail + calendar, 10 Microsoft accounts with mail + calendar (+ the generated
 * shared mailbox), small mailboxes, every source and shared mailbox {@code synced} with {@code push.state=active}, a
 * few warm-up changes; then:
 * <ul>
 *   <li>{@code push} (a stack with the services' default safety net, poll every 15 min): ≥ 200 changes round robin
 *       over the accounts and the four sources, paced, no faults;
 *   <li>{@code loss} (a second stack whose safety net polls every {@code --poll-every} 60 s, checked every
 *       {@code --check-every} 5 s: {@code *_PUSH_POLL_EVERY}, {@code *_PUSH_CHECK_EVERY}): the same with
 *       {@code PUT /_emulator/push {"lossRate": 0.1}}; the poll bounds the worst case;
 *   <li>{@code poll} (the second stack): the baseline, every notification lost ({@code lossRate 1.0}): freshness by
 *       the poll alone, its changes spread over one poll interval.
 * </ul>
 * A change not seen within {@code --miss-after} (3 × the poll interval) is a miss, reported and counted as infinitely
 * late. Ratios are against the baseline measured in the same invocation.
 */
public final class FreshnessBenchmark {

    private static final Duration PUSH_ACTIVE_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration API_ASK_EVERY = Duration.ofMillis(150);
    private static final double API_ASK_SHARE = 0.05;
    private static final int API_CONCURRENCY = 4;

    /** The benchmark's settings. */
    record Options(int googleUsers, int microsoftUsers, int messages, int changes, int baselineChanges, int warmup,
                   Duration pace, Duration pollEvery, Duration checkEvery, double lossRate, Duration missAfter,
                   List<String> runs, long seed) {

        static Options parse(String[] args) {
            int google = 10;
            int microsoft = 10;
            int messages = 20;
            int changes = 200;
            int baseline = 40;
            int warmup = 8;
            long paceMs = 150;
            long pollEvery = 60;
            long checkEvery = 5;
            double loss = 0.1;
            Long missAfter = null;
            List<String> runs = List.of("push", "loss", "poll");
            long seed = 42;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--google-users" -> google = Integer.parseInt(args[++i]);
                    case "--microsoft-users" -> microsoft = Integer.parseInt(args[++i]);
                    case "--messages" -> messages = Integer.parseInt(args[++i]);
                    case "--changes" -> changes = Integer.parseInt(args[++i]);
                    case "--baseline-changes" -> baseline = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--pace-ms" -> paceMs = Long.parseLong(args[++i]);
                    case "--poll-every" -> pollEvery = Long.parseLong(args[++i]);
                    case "--check-every" -> checkEvery = Long.parseLong(args[++i]);
                    case "--loss" -> loss = Double.parseDouble(args[++i]);
                    case "--miss-after" -> missAfter = Long.parseLong(args[++i]);
                    case "--runs" -> runs = List.of(args[++i].split(","));
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
                }
            }
            for (String run : runs) {
                if (!List.of("push", "loss", "poll").contains(run)) {
                    throw new IllegalArgumentException("unknown run " + run + " (push, loss, poll)");
                }
            }
            if (google < 1 || microsoft < 1 || changes < 1 || baseline < 1 || warmup < 0 || paceMs < 0 || pollEvery < 1
                    || checkEvery < 1 || loss < 0 || loss > 1) {
                throw new IllegalArgumentException("out of range (try --help)");
            }
            return new Options(google, microsoft, messages, changes, baseline, warmup, Duration.ofMillis(paceMs),
                    Duration.ofSeconds(pollEvery), Duration.ofSeconds(checkEvery), loss,
                    Duration.ofSeconds(missAfter != null ? missAfter : 3 * pollEvery), runs, seed);
        }

        /**
         * The baseline's changes spread over one poll interval (at least {@link #pace}): their phase against the
         * sources' polls then covers the whole interval, as random changes would.
         */
        Duration baselinePace() {
            Duration spread = pollEvery.dividedBy(baselineChanges);
            return spread.compareTo(pace) > 0 ? spread : pace;
        }

        /** The safety-net settings both sync services get. */
        Map<String, String> syncEnv(String prefix) {
            return Map.of(prefix + "_PUSH_POLL_EVERY", pollEvery.toSeconds() + "s",
                    prefix + "_PUSH_CHECK_EVERY", checkEvery.toSeconds() + "s");
        }
    }

    static final String USAGE = """
            usage: deploy/local/bench-freshness.sh [--changes 200] [--baseline-changes 40] [--pace-ms 150] [--warmup 8]
                                                   [--poll-every 60] [--check-every 5] [--loss 0.1] [--miss-after S]
                                                   [--runs push,loss,poll] [--google-users 10] [--microsoft-users 10]
                                                   [--messages 20] [--seed 42]
              push   the changes with push and no faults
              loss   the same with that share of notifications lost (PUT /_emulator/push {"lossRate": …})
              poll   the baseline: every notification lost, freshness by the safety-net poll alone
              --poll-every / --check-every  the sync services' safety net (seconds; *_PUSH_POLL_EVERY, *_PUSH_CHECK_EVERY)
              --miss-after  a change not seen this long after it is a miss (default 3 × --poll-every)
            push runs on a fresh local stack with the services' default safety net (poll every 15 min), loss and poll on
            another with the poll above (their ports, database interaction_sync, .local/kafka); logs in
            .local/bench-freshness/{push,safety-net}/.""";

    /** What one measured run is. */
    record RunSpec(String name, String label, double lossRate, int changes, Duration pace, String setup) {
    }

    /** One run's figures. */
    record RunResult(RunSpec spec, FreshnessLedger.Result result, Map<String, Map<String, Long>> notifications,
                     String apiReads, int failedCalls, String loadAverage) {
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Options options = Options.parse(args);
        Path root = Path.of("").toAbsolutePath();
        Path logs = root.resolve(".local/bench-freshness");
        System.out.printf("==> freshness benchmark: %d Google + %d Microsoft accounts × %d messages; a change unseen "
                        + "after %d s is a miss; logs in %s%n", options.googleUsers(), options.microsoftUsers(),
                options.messages(), options.missAfter().toSeconds(), root.relativize(logs));
        List<RunResult> results = new ArrayList<>();
        int[] index = {1};
        List<String> onDefaults = options.runs().stream().filter(r -> r.equals("push")).toList();
        List<String> onSafetyNet = options.runs().stream().filter(r -> !r.equals("push")).toList();
        if (!onDefaults.isEmpty()) {
            results.addAll(onStack(options, root, logs.resolve("push"), "the sync services' default safety net (poll "
                    + "every 15 min)", Map.of(), Map.of(), onDefaults, index));
        }
        if (!onSafetyNet.isEmpty()) {
            results.addAll(onStack(options, root, logs.resolve("safety-net"), String.format(Locale.ROOT,
                    "safety net: poll every %d s, checked every %d s", options.pollEvery().toSeconds(),
                    options.checkEvery().toSeconds()), options.syncEnv("GOOGLE_SYNC"), options.syncEnv("MICROSOFT_SYNC"),
                    onSafetyNet, index));
        }
        System.out.println("\n==> summary");
        results.forEach(r -> System.out.print(report(r)));
        System.out.print(comparison(results, options));
        System.out.println("\n==> markdown");
        System.out.print(markdown(results));
    }

    /**
     * A fresh stack with these sync-service settings: connected, backfilled, push active, warmed up; then {@code runs}
     * in order. The push run gets a stack of its own with the default safety net, so that a 60 s poll of every source
     * (a load production does not have) does not run beside it.
     */
    static List<RunResult> onStack(Options options, Path root, Path logs, String setup, Map<String, String> googleEnv,
                                   Map<String, String> microsoftEnv, List<String> runs, int[] index) throws Exception {
        System.out.printf("%n==> fresh stack for %s: %s%n", String.join(", ", runs), setup);
        LocalStack.Options stackOptions = LocalStack.Options.parse(new String[] {"--users",
                Integer.toString(options.googleUsers()), "--microsoft-users", Integer.toString(options.microsoftUsers()),
                "--messages", Integer.toString(options.messages()), "--months", "1"}).withFresh();
        List<RunResult> results = new ArrayList<>();
        try (Stack stack = new Stack(root, logs).withServiceEnv(StackService.GOOGLE_SYNC, googleEnv)
                .withServiceEnv(StackService.MICROSOFT_SYNC, microsoftEnv)) {
            Thread stopOnSignal = new Thread(stack::close, "freshness-stack-shutdown"); // Ctrl-C stops the stack too
            Runtime.getRuntime().addShutdownHook(stopOnSignal);
            LocalStack.Running running = LocalStack.launch(stackOptions, root, stack, true);
            if (running.backfill() == null || !running.backfill().settled()) {
                throw new IllegalStateException("the backfill did not settle; logs in " + logs);
            }
            awaitPushActive(running, stack);
            Bench bench = new Bench(options, running, stack);
            try (TopicWatcher topic = TopicWatcher.start(running.endpoints().kafkaBootstrap())) {
                if (options.warmup() > 0) {
                    bench.run(new RunSpec("warmup", "warm-up (not counted)", 0, options.warmup(), options.pace(),
                            setup), topic, 0);
                }
                for (String name : runs) {
                    RunSpec spec = switch (name) {
                        case "push" -> new RunSpec("push", "push, no faults", 0, options.changes(), options.pace(),
                                setup);
                        case "loss" -> new RunSpec("loss", String.format(Locale.ROOT, "push, %.0f %% of notifications "
                                + "lost", options.lossRate() * 100), options.lossRate(), options.changes(),
                                options.pace(), setup);
                        default -> new RunSpec("poll", "baseline: poll only (every notification lost)", 1.0,
                                options.baselineChanges(), options.baselinePace(), setup);
                    };
                    results.add(bench.run(spec, topic, index[0]++));
                }
            }
            bench.resetPush();
            Runtime.getRuntime().removeShutdownHook(stopOnSignal);
        }
        return results;
    }

    /**
     * Waits until every enabled source of every account is {@code synced} with {@code push.state=active}, then until
     * no sync job is runnable (the last backfill runs, shared mailboxes' included, have finished), so that the first
     * run does not measure the backfill's tail.
     */
    static void awaitPushActive(LocalStack.Running running, Stack stack) {
        System.out.println("==> waiting for push: every source synced and push.state active");
        Instant deadline = Instant.now().plus(PUSH_ACTIVE_TIMEOUT);
        Instant nextLine = Instant.now();
        while (true) {
            Map<String, Integer> states = new TreeMap<>();
            Map<String, Integer> shared = new TreeMap<>();
            List<String> notReady = new ArrayList<>();
            running.userJwts().forEach((email, jwt) -> {
                JsonNode accounts = running.microsoft(email) ? running.client().microsoftAccounts(jwt)
                        : running.client().googleAccounts(jwt);
                for (JsonNode account : accounts) {
                    account.path("sources").fields().forEachRemaining(s -> {
                        if (!s.getValue().path("enabled").asBoolean(true)) {
                            return;
                        }
                        String state = s.getValue().path("state").asText() + "/"
                                + s.getValue().path("push").path("state").asText("(none)");
                        states.merge(state, 1, Integer::sum);
                        if (!state.equals("synced/active")) {
                            notReady.add(email + " " + s.getKey() + " " + state
                                    + lastError(s.getValue().path("push")));
                        }
                    });
                    // shown, not awaited: one subscriber's job syncs a shared mailbox, and the others' accounts may
                    // show it syncing until their own next mail run; the benchmark changes no shared mailbox
                    for (JsonNode m : account.path("sharedMailboxes")) {
                        shared.merge(m.path("state").asText() + "/" + m.path("push").path("state")
                                .asText("(none)"), 1, Integer::sum);
                    }
                }
            });
            if (notReady.isEmpty() && !states.isEmpty()) {
                System.out.println("    sources (state/push): " + states + (shared.isEmpty() ? ""
                        : " · shared mailboxes " + shared));
                awaitNoRunnableJobs(running, deadline);
                return;
            }
            if (stack.supervisor().failure() != null) {
                throw new IllegalStateException(stack.supervisor().failure());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("push did not become active within " + PUSH_ACTIVE_TIMEOUT.toMinutes()
                        + " min: " + states + "; e.g. " + notReady.subList(0, Math.min(5, notReady.size()))
                        + "; logs in " + stack.logDir());
            }
            if (!Instant.now().isBefore(nextLine)) {
                System.out.println("    sources (state/push): " + states + (shared.isEmpty() ? ""
                        : " · shared mailboxes " + shared));
                nextLine = Instant.now().plusSeconds(10);
            }
            ManagedProcess.pause(Duration.ofSeconds(2));
        }
    }

    /** Until neither sync service has a job running or due (the safety-net poll may queue more later). */
    private static void awaitNoRunnableJobs(LocalStack.Running running, Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            int runnable = 0;
            try (java.sql.Connection c = running.endpoints().database().connect()) {
                for (String schema : List.of("google_sync", "microsoft_sync")) {
                    try (java.sql.PreparedStatement q = c.prepareStatement("select count(*) from " + schema
                            + ".sync_jobs where state = 'running' or (state = 'pending' and not_before <= now())");
                         java.sql.ResultSet rs = q.executeQuery()) {
                        rs.next();
                        runnable += rs.getInt(1);
                    }
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot read the sync_jobs tables: " + e.getMessage(), e);
            }
            if (runnable == 0) {
                return;
            }
            ManagedProcess.pause(Duration.ofMillis(500));
        }
        System.out.println("    (sync jobs still runnable at the deadline: measuring anyway)");
    }

    private static String lastError(JsonNode push) {
        return push.hasNonNull("lastError") ? " (" + push.get("lastError").asText() + ")" : "";
    }

    /** The measuring half: makes the changes of a run and watches for their events. */
    static final class Bench {
        private final Options options;
        private final LocalStack.Running running;
        private final Stack stack;
        private final StackClient client;
        private final Map<String, String> jwts = new LinkedHashMap<>();
        private final String nonce = nonce();

        Bench(Options options, LocalStack.Running running, Stack stack) {
            this.options = options;
            this.running = running;
            this.stack = stack;
            this.client = running.client();
            // fresh portal JWTs: the stack's were minted before the backfill and expire after an hour
            running.userIds().forEach((email, userId) -> jwts.put(userId, client.mintJwt(userId, email,
                    List.of("user"))));
        }

        RunResult run(RunSpec spec, TopicWatcher topic, int index) {
            System.out.printf("%n==> run %s: %s; %d changes, one every %d ms%n", spec.name(), spec.label(),
                    spec.changes(), spec.pace().toMillis());
            JsonNode before = setPush(spec.lossRate());
            FreshnessLedger ledger = new FreshnessLedger(options.missAfter().toNanos());
            topic.watch(ledger);
            List<FreshnessChanges.Target> plan = FreshnessChanges.plan(spec.changes(), running.googleEmails(),
                    running.microsoftEmails());
            int failed = 0;
            try (ApiPoller api = ApiPoller.start(ledger, client, running.endpoints().normalizerUrl(), jwts)) {
                long start = System.nanoTime();
                for (int i = 0; i < plan.size(); i++) {
                    sleepUntil(start + i * spec.pace().toNanos());
                    FreshnessChanges.Target target = plan.get(i);
                    String contact = FreshnessChanges.contact(spec.name(), i, nonce);
                    String id = "fr" + index + nonce + String.format(Locale.ROOT, "%05d", i);
                    Map<String, Object> resource = FreshnessChanges.resource(target, contact, id, i, Instant.now());
                    long t0 = System.nanoTime();
                    FreshnessLedger.Change change = new FreshnessLedger.Change(i, target.source(), target.mailbox(),
                            running.userIds().get(target.mailbox()), contact, t0);
                    ledger.register(change);
                    StackClient.Answer answer = client.call("POST", running.endpoints().emulatorUrl()
                            + FreshnessChanges.path(target), null, resource);
                    if (answer.status() / 100 != 2) {
                        ledger.withdraw(change);
                        failed++;
                        System.out.printf("    change %d (%s, %s) refused by the emulator: %d %s%n", i,
                                target.source().wireName(), target.mailbox(), answer.status(), answer.body());
                    }
                }
                long lastLine = System.nanoTime();
                while (!ledger.settled(System.nanoTime())) {
                    if (stack.supervisor().failure() != null) {
                        throw new IllegalStateException(stack.supervisor().failure());
                    }
                    ManagedProcess.pause(Duration.ofMillis(200));
                    if (System.nanoTime() - lastLine > Duration.ofSeconds(10).toNanos()) {
                        lastLine = System.nanoTime();
                        System.out.printf("    [%4ds] seen in the API %d/%d, on the topic %d/%d%n",
                                (lastLine - start) / 1_000_000_000L, ledger.seen(FreshnessLedger.Channel.API),
                                ledger.size(), ledger.seen(FreshnessLedger.Channel.TOPIC), ledger.size());
                    }
                }
                RunResult r = new RunResult(spec, ledger.result(), counterDelta(before, getPush()),
                        api.requests(), failed, loadAverage());
                System.out.print(report(r));
                return r;
            } finally {
                topic.watch(null);
            }
        }

        /** {@code PUT /_emulator/push} (seeded: a run repeats); returns the state before (its counters). */
        private JsonNode setPush(double lossRate) {
            JsonNode before = getPush();
            StackClient.Answer a = client.call("PUT", running.endpoints().emulatorUrl() + "/_emulator/push", null,
                    Map.of("lossRate", lossRate, "delayMs", 0, "duplicate", 0, "seed", options.seed()));
            if (a.status() != 200) {
                throw new IllegalStateException("PUT /_emulator/push answered " + a.status() + ": " + a.body());
            }
            return before;
        }

        void resetPush() {
            client.call("PUT", running.endpoints().emulatorUrl() + "/_emulator/push", null, Map.of("lossRate", 0));
        }

        private JsonNode getPush() {
            return client.call("GET", running.endpoints().emulatorUrl() + "/_emulator/push", null, null).json();
        }
    }

    /**
     * Per kind of notification ({@code gmail}, {@code calendar}, {@code graph}, …) how much each emulator push counter
     * ({@code sent}, {@code lost}, …) grew between two readings of {@code GET /_emulator/push}; counters that did not move
     * are left out.
     */
    static Map<String, Map<String, Long>> counterDelta(JsonNode before, JsonNode after) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        after.path("counters").fields().forEachRemaining(kind -> kind.getValue().fields().forEachRemaining(counter -> {
            long d = counter.getValue().asLong(0) - before.path("counters").path(kind.getKey()).path(counter.getKey())
                    .asLong(0);
            if (d != 0) {
                out.computeIfAbsent(kind.getKey(), k -> new TreeMap<>()).put(counter.getKey(), d);
            }
        }));
        return out;
    }

    /** The machine's load averages (1, 5, 15 min): the stack shares its cores with whatever else runs. */
    static String loadAverage() {
        try {
            String[] parts = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            ManagedProcess.pause(Duration.ofNanos(wait));
        }
    }

    private static String nonce() {
        String alphabet = "0123456789abcdefghijklmnopqrstuv"; // base32hex: valid in Calendar event ids too
        SecureRandom random = new SecureRandom();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    /** One run's table: per source and overall, API then topic, seconds. */
    static String report(RunResult r) {
        StringBuilder out = new StringBuilder();
        FreshnessStats.Summary resolution = r.result().apiResolution();
        out.append(String.format(Locale.ROOT, "%n  %s — %s%s; %s; load average at its end %s%n  emulator push: %s%n"
                        + "  %s; API sightings exact to p50 %.2f s, p95 %.2f s (time since the last read without the "
                        + "event)%n", r.spec().name(), r.spec().label(),
                r.failedCalls() > 0 ? " (" + r.failedCalls() + " control calls refused)" : "", r.spec().setup(),
                r.loadAverage(), r.notifications(), r.apiReads(), resolution.p50(), resolution.p95()));
        out.append(String.format(Locale.ROOT, "  %-17s %5s %5s | %7s %7s %7s | %7s %7s %7s%n", "source", "n", "miss",
                "API p50", "p95", "max", "topic50", "p95", "max"));
        FreshnessLedger.Result res = r.result();
        for (Source source : FreshnessChanges.SOURCES) {
            FreshnessStats.Summary api = res.perSource().get(FreshnessLedger.Channel.API).get(source);
            FreshnessStats.Summary topic = res.perSource().get(FreshnessLedger.Channel.TOPIC).get(source);
            if (api != null) {
                out.append(row(source.wireName(), api, topic));
            }
        }
        out.append(row("all", res.overall().get(FreshnessLedger.Channel.API),
                res.overall().get(FreshnessLedger.Channel.TOPIC)));
        if (!res.missed().isEmpty()) {
            out.append("  missed: ").append(res.missed()).append('\n');
        }
        if (res.mismatched() + res.duplicates() + res.unmatched() > 0) {
            out.append(String.format(Locale.ROOT, "  topic records: %d for another user or source, %d repeated, "
                    + "%d of other contacts%n", res.mismatched(), res.duplicates(), res.unmatched()));
        }
        return out.toString();
    }

    private static String row(String name, FreshnessStats.Summary api, FreshnessStats.Summary topic) {
        return String.format(Locale.ROOT, "  %-17s %5d %5s | %s | %s%n", name, api.count(),
                api.misses() + "/" + topic.misses(), api.cells(), topic.cells());
    }

    /** Push runs against the baseline of the same invocation, and the lossy run's worst case against the poll interval. */
    static String comparison(List<RunResult> results, Options options) {
        StringBuilder out = new StringBuilder();
        RunResult baseline = results.stream().filter(r -> r.spec().name().equals("poll")).findFirst().orElse(null);
        for (RunResult r : results) {
            if (r.spec().name().equals("poll")) {
                continue;
            }
            for (FreshnessLedger.Channel channel : FreshnessLedger.Channel.values()) {
                FreshnessStats.Summary s = r.result().overall().get(channel);
                out.append(String.format(Locale.ROOT, "  %-5s %-5s p95 %s s, max %s s", r.spec().name(),
                        channel.name().toLowerCase(Locale.ROOT), FreshnessStats.Summary.cell(s.p95()).strip(),
                        FreshnessStats.Summary.cell(s.max()).strip()));
                if (baseline != null) {
                    FreshnessStats.Summary b = baseline.result().overall().get(channel);
                    out.append(String.format(Locale.ROOT, " · vs poll only: p95 %s, max %s",
                            FreshnessStats.ratio(s.p95(), b.p95()), FreshnessStats.ratio(s.max(), b.max())));
                }
                if (r.spec().name().equals("loss")) {
                    out.append(String.format(Locale.ROOT, " · max / poll interval (%d s) = %s",
                            options.pollEvery().toSeconds(), FreshnessStats.ratio(s.max(), options.pollEvery().toSeconds())));
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** The runs as a Markdown table (for deploy/docs/performance.md). */
    static String markdown(List<RunResult> results) {
        StringBuilder out = new StringBuilder("| run | source | changes | API p50 | API p95 | API max | topic p50 | "
                + "topic p95 | topic max | missed (API/topic) |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult r : results) {
            FreshnessLedger.Result res = r.result();
            List<String> rows = new ArrayList<>();
            for (Source source : FreshnessChanges.SOURCES) {
                FreshnessStats.Summary api = res.perSource().get(FreshnessLedger.Channel.API).get(source);
                if (api != null) {
                    rows.add(mdRow(r.spec().name(), source.wireName(), api,
                            res.perSource().get(FreshnessLedger.Channel.TOPIC).get(source)));
                }
            }
            rows.add(mdRow(r.spec().name(), "**all**", res.overall().get(FreshnessLedger.Channel.API),
                    res.overall().get(FreshnessLedger.Channel.TOPIC)));
            rows.forEach(out::append);
        }
        return out.toString();
    }

    private static String mdRow(String run, String source, FreshnessStats.Summary api, FreshnessStats.Summary topic) {
        return String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %d / %d |%n", run, source,
                api.count(), s(api.p50()), s(api.p95()), s(api.max()), s(topic.p50()), s(topic.p95()), s(topic.max()),
                api.misses(), topic.misses());
    }

    private static String s(double seconds) {
        return FreshnessStats.Summary.cell(seconds).strip() + (Double.isFinite(seconds) ? " s" : "");
    }

    /**
     * Reads {@code interaction-events} from its end offsets at {@link #start} (no group: nothing committed) and hands
     * every record to the ledger being watched, with the time it was received.
     */
    static final class TopicWatcher implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final AtomicReference<FreshnessLedger> ledger = new AtomicReference<>();
        private final Thread thread;
        private volatile boolean closed;

        private TopicWatcher(KafkaConsumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
            this.thread = Thread.ofPlatform().daemon().name("freshness-topic").unstarted(this::loop);
        }

        static TopicWatcher start(String bootstrap) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.INTERACTION_EVENTS, Duration.ofSeconds(30))
                    .stream().map(i -> new TopicPartition(Topics.INTERACTION_EVENTS, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end offsets now, before the first change
            TopicWatcher watcher = new TopicWatcher(consumer);
            watcher.thread.start();
            return watcher;
        }

        /** The ledger records go to from now on (null: none; the records read meanwhile are dropped). */
        void watch(FreshnessLedger l) {
            ledger.set(l);
        }

        private void loop() {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long at = System.nanoTime();
                    FreshnessLedger l = ledger.get();
                    if (l == null || r.value() == null) {
                        continue;
                    }
                    try {
                        l.topicRecord(Json.mapper().readTree(r.value()), at);
                    } catch (java.io.IOException e) {
                        System.err.printf("    interaction-events %d@%d is not JSON: %s%n", r.partition(), r.offset(),
                                e.getMessage());
                    }
                }
            }
            consumer.close(Duration.ofSeconds(5));
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            thread.join(Duration.ofSeconds(10));
        }
    }

    /**
     * Asks the query API for every change not yet seen there, each on its own cadence: {@link #API_ASK_EVERY} after the
     * last answer without it, or {@link #API_ASK_SHARE} of its age if longer ({@link FreshnessLedger#nextApiAsk}), at
     * most {@link #API_CONCURRENCY} requests at once, oldest changes first. The reads cost the normalizer CPU, so a
     * change waiting a minute is read every 3 s, not 10 times a second; {@link FreshnessLedger.Result#apiResolution()}
     * says how exact the sightings are.
     */
    static final class ApiPoller implements AutoCloseable {
        private final FreshnessLedger ledger;
        private final StackClient client;
        private final String normalizerUrl;
        private final Map<String, String> jwtsByUserId;
        private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        private final Semaphore slots = new Semaphore(API_CONCURRENCY);
        private final java.util.Set<Integer> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final Thread thread;
        private final AtomicLong asked = new AtomicLong();
        private final AtomicLong askNanos = new AtomicLong();
        private volatile boolean closed;

        private ApiPoller(FreshnessLedger ledger, StackClient client, String normalizerUrl,
                          Map<String, String> jwtsByUserId) {
            this.ledger = ledger;
            this.client = client;
            this.normalizerUrl = normalizerUrl;
            this.jwtsByUserId = jwtsByUserId;
            this.thread = Thread.ofPlatform().daemon().name("freshness-api").unstarted(this::loop);
        }

        static ApiPoller start(FreshnessLedger ledger, StackClient client, String normalizerUrl,
                               Map<String, String> jwtsByUserId) {
            ApiPoller poller = new ApiPoller(ledger, client, normalizerUrl, jwtsByUserId);
            poller.thread.start();
            return poller;
        }

        private void loop() {
            while (!closed) {
                long now = System.nanoTime();
                for (FreshnessLedger.Change change : ledger.pendingApi(now)) {
                    if (inFlight.contains(change.seq())
                            || ledger.nextApiAsk(change, API_ASK_EVERY.toNanos(), API_ASK_SHARE) > now) {
                        continue;
                    }
                    if (!slots.tryAcquire()) {
                        break;
                    }
                    inFlight.add(change.seq());
                    requests.execute(() -> {
                        try {
                            ask(change);
                        } finally {
                            inFlight.remove(change.seq());
                            slots.release();
                        }
                    });
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void ask(FreshnessLedger.Change change) {
            long sent = System.nanoTime();
            try {
                StackClient.Answer a = client.call("GET", normalizerUrl + "/api/v1/interaction-events?limit=10&contact="
                        + URLEncoder.encode(change.contact(), StandardCharsets.UTF_8) + "&source="
                        + change.source().wireName(), jwtsByUserId.get(change.userId()), null);
                long at = System.nanoTime();
                asked.incrementAndGet();
                askNanos.addAndGet(at - sent);
                if (a.status() == 200) {
                    ledger.apiAnswer(change, a.json(), at);
                }
            } catch (RuntimeException e) {
                // a failed request: asked again on the change's cadence
            }
        }

        /** Requests made and their mean time (ms). */
        String requests() {
            long n = asked.get();
            return String.format(Locale.ROOT, "%d API reads, %.0f ms each", n, n == 0 ? 0 : askNanos.get() / 1e6 / n);
        }

        @Override
        public void close() {
            closed = true;
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            requests.shutdownNow();
        }
    }
}

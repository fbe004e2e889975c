package io.interactionsync.deploy.capture;

import io.interactionsync.deploy.BackfillProgress;
import io.interactionsync.deploy.LocalStack;
import io.interactionsync.deploy.ManagedProcess;
import io.interactionsync.deploy.Stack;
import io.interactionsync.deploy.StackEndpoints;
import io.interactionsync.model.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Captures what the real sync services publish for the emulator's demo data, for the event-normalizer's
 * {@code CapturedPayloadsTests} ({@code deploy/local/capture-raw-records.sh}):
 * <ol>
 *   <li>runs a fresh local stack ({@link LocalStack#start}, the options of {@code run.sh}): Kafka, the provider
 *       emulator with generated demo data, connector, google-sync, microsoft-sync and normalizer; the demo users
 *       connect through the real OAuth code flow, the Microsoft users subscribe to the shared mailbox;</li>
 *   <li>once the backfill has settled, dumps {@code raw-records}, {@code account-events} and {@code raw-records-dlq}
 *       from the beginning to their end offsets into the dump directory ({@link TopicDump});</li>
 *   <li>stops the stack (services first, Kafka last) and checks that its ports are free again;</li>
 *   <li>picks a deterministic, diverse sample of the dump ({@link CaptureSampler}) into
 *       {@code event-normalizer/src/test/resources/captured/} with a {@code MANIFEST.md} ({@link CaptureManifest}).</li>
 * </ol>
 * The generator anchors its time window on the day of the run (00:00 UTC), so the same seed gives the same data on
 * the same day only; the manifest records the capture time and options.
 */
public final class CaptureRawRecords {

    static final List<String> TOPICS = List.of(Topics.RAW_RECORDS, Topics.ACCOUNT_EVENTS, Topics.RAW_RECORDS_DLQ);
    static final String INFO_FILE = "CAPTURE-INFO";
    private static final Duration PORTS_RELEASED_TIMEOUT = Duration.ofSeconds(30);
    private static final String USAGE = """
            usage: deploy/local/capture-raw-records.sh [--sample-only] [--dump DIR] [--out DIR] [run.sh options]
              run.sh options   the data to generate (default the demo's: --users 3 --microsoft-users 2 --messages 300
                               --months 24 --seed 42); the stack always starts fresh (--fresh)
              --sample-only    skip the stack and re-sample an existing dump
              --dump DIR       where the topics are dumped (default $DUMP, else .local/capture)
              --out DIR        where the sample goes (default event-normalizer/src/test/resources/captured)
            Uses database interaction_sync and ports 8081-8084, 8090, 9092/9093: not beside another local stack.""";

    /** What to do; {@code stack} is null with {@code --sample-only}. */
    record Options(boolean sampleOnly, Path dump, Path out, LocalStack.Options stack) {

        /** Null when {@code --help} was asked for. */
        static Options parse(String[] args, Path root, Map<String, String> env) {
            boolean sampleOnly = false;
            String dumpEnv = env.get("DUMP");
            Path dump = dumpEnv == null || dumpEnv.isBlank() ? root.resolve(".local/capture") : root.resolve(dumpEnv);
            Path out = root.resolve("event-normalizer/src/test/resources/captured");
            List<String> stackArgs = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        return null;
                    }
                    case "--sample-only" -> sampleOnly = true;
                    case "--dump" -> dump = root.resolve(value(args, ++i, "--dump"));
                    case "--out" -> out = root.resolve(value(args, ++i, "--out"));
                    default -> stackArgs.add(args[i]);
                }
            }
            if (sampleOnly && !stackArgs.isEmpty()) {
                throw new IllegalArgumentException("--sample-only re-samples an existing dump; " + String.join(" ", stackArgs)
                        + " would not apply");
            }
            LocalStack.Options stack = null;
            if (!sampleOnly) {
                try {
                    stack = LocalStack.Options.parse(stackArgs.toArray(String[]::new)).withFresh();
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                    throw new IllegalArgumentException("bad run.sh options " + stackArgs + " (try --help)");
                }
            }
            return new Options(sampleOnly, dump, out, stack);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a directory");
            }
            return args[i];
        }
    }

    private CaptureRawRecords() {
    }

    public static void main(String[] args) {
        Path root = Path.of("").toAbsolutePath();
        Options options;
        try {
            options = Options.parse(args, root, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(USAGE);
            System.exit(0);
        }
        try {
            if (!options.sampleOnly()) {
                capture(options.stack(), root, options.dump());
            }
            writeSample(options.dump(), options.out());
        } catch (IOException | RuntimeException e) {
            System.err.println("\nerror: " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    /** Steps 1-3: a fresh stack, the dump once the backfill settled, the stack stopped. */
    static void capture(LocalStack.Options stackOptions, Path root, Path dump) throws IOException {
        Files.createDirectories(dump);
        Files.deleteIfExists(dump.resolve(INFO_FILE)); // a failed capture must not pass for the previous one
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // The captured records are test fixtures: provider payloads in clear, so the sync services do not seal them.
        Stack stack = new Stack(root, root.resolve(".local/logs")).withServiceEnv(Map.of(
                "GOOGLE_SYNC_RAW_RECORDS_SEAL", "false", "MICROSOFT_SYNC_RAW_RECORDS_SEAL", "false"));
        Thread onCtrlC = new Thread(stack::close, "capture-shutdown");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            BackfillProgress.Snapshot last = LocalStack.start(stackOptions, root, stack);
            if (!last.settled()) {
                throw new IllegalStateException("the backfill did not settle; see .local/logs/");
            }
            step("dumping topics into " + dump);
            String bootstrap = "127.0.0.1:" + StackEndpoints.KAFKA_PORT;
            for (String topic : TOPICS) {
                int count = TopicDump.dump(bootstrap, topic, dump.resolve(topic + ".jsonl"));
                System.out.printf("    %-16s %6d records%n", topic, count);
            }
        } finally {
            step("stopping the local stack (services first, Kafka last)");
            stack.close();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: the stack is stopped either way
            }
        }
        awaitPortsReleased();
        Files.writeString(dump.resolve(INFO_FILE), "captured " + started + " from a fresh local stack with "
                + stackOptions.arguments() + "\n");
    }

    /** A port may take a moment to be released after its process ended. */
    private static void awaitPortsReleased() {
        StackEndpoints endpoints = StackEndpoints.local("");
        Instant deadline = Instant.now().plus(PORTS_RELEASED_TIMEOUT);
        List<String> inUse = LocalStack.portsInUse(endpoints);
        while (!inUse.isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("port(s) still in use " + PORTS_RELEASED_TIMEOUT.toSeconds()
                        + " s after stopping the stack: " + String.join(", ", inUse));
            }
            ManagedProcess.pause(Duration.ofSeconds(1));
            inUse = LocalStack.portsInUse(endpoints);
        }
    }

    /** Step 4: the sample of {@code dump} into {@code out}. */
    static void writeSample(Path dump, Path out) throws IOException {
        Path rawRecords = dump.resolve(Topics.RAW_RECORDS + ".jsonl");
        Path accountEvents = dump.resolve(Topics.ACCOUNT_EVENTS + ".jsonl");
        Path info = dump.resolve(INFO_FILE);
        for (Path required : List.of(rawRecords, accountEvents, info)) {
            if (!Files.exists(required)) {
                throw new IllegalStateException(required + " is missing: capture a dump first (without --sample-only)");
            }
        }
        step("sampling " + dump + " into " + out);
        CaptureSampler.Sample sample = CaptureSampler.sample(Files.readAllLines(rawRecords, StandardCharsets.UTF_8));
        Files.createDirectories(out);
        try (var w = Files.newBufferedWriter(out.resolve("raw-records.jsonl"), StandardCharsets.UTF_8)) {
            for (CaptureUnit.Line l : sample.lines()) {
                w.write(l.text());
                w.write('\n');
            }
        }
        Files.copy(accountEvents, out.resolve("account-events.jsonl"), StandardCopyOption.REPLACE_EXISTING);
        Path dlq = dump.resolve(Topics.RAW_RECORDS_DLQ + ".jsonl");
        long dlqRecords = -1;
        if (Files.exists(dlq)) {
            try (var lines = Files.lines(dlq, StandardCharsets.UTF_8)) {
                dlqRecords = lines.filter(l -> !l.isBlank()).count();
            }
        }
        Files.writeString(out.resolve("MANIFEST.md"),
                CaptureManifest.render(Files.readString(info).strip(), sample, dlqRecords), StandardCharsets.UTF_8);
        long bytes = 0;
        for (String file : List.of("raw-records.jsonl", "account-events.jsonl", "MANIFEST.md")) {
            bytes += Files.size(out.resolve(file));
        }
        System.out.printf("    %d records (%d units), %d KiB → %s%n", sample.lines().size(), sample.picked().size(),
                bytes / 1024, out);
    }

    private static void step(String what) {
        System.out.println("==> " + what);
    }
}

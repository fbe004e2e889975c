package io.interactionsync.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The one-command local stack ({@code deploy/local/run.sh}): Kafka, the provider emulator with generated
 * demo mailboxes, the five services; connects the demo accounts through the real OAuth code flow, shows
 * the backfill's progress, prints a summary, and runs until Ctrl-C. Re-runs resume: the database and
 * the broker's data live under {@code .local/} and every write is idempotent.
 */
public final class LocalStack {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration BACKFILL_TIMEOUT = Duration.ofMinutes(15);
    /** google-sync's defaults ({@code google-sync.push.gmail.*}): the topic its watch names, the push identity. */
    static final String GMAIL_PUSH_TOPIC = "projects/interaction-sync-local/topics/gmail-push";
    static final String GMAIL_PUSH_SUBSCRIPTION = "gmail-push";
    static final String GMAIL_PUSH_SERVICE_ACCOUNT = "gmail-push@interaction-sync-local.iam.gserviceaccount.com";
    static final String GMAIL_PUSH_PATH = "/push/gmail";

    /** What the demo asks each account for: every source the product syncs. */
    static final String GOOGLE_SCOPES = "gmail,calendar";
    static final String MICROSOFT_SCOPES = "mail,calendar,sharedMail";

    /** The launcher's options; {@code capture-raw-records.sh} takes the same ones. */
    public record Options(int users, int microsoftUsers, int messages, int months, long seed, String domain,
                          boolean fresh, int replicas) {

        /** Replicas of google-sync, microsoft-sync and the normalizer at most: replica k listens 100·k up (≤ 8984). */
        public static final int MAX_REPLICAS = 9;

        public static Options parse(String[] args) {
            int users = 3;
            int microsoftUsers = 2;
            int messages = 300;
            int months = 24;
            long seed = 42;
            boolean fresh = false;
            int replicas = 1;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--users" -> users = Integer.parseInt(args[++i]);
                    case "--microsoft-users" -> microsoftUsers = Integer.parseInt(args[++i]);
                    case "--messages" -> messages = Integer.parseInt(args[++i]);
                    case "--months" -> months = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--fresh" -> fresh = true;
                    case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                    case "--help", "-h" -> {
                        System.out.println("""
                                usage: deploy/local/run.sh [--users N] [--microsoft-users N] [--messages N] [--months N]
                                                           [--seed N] [--fresh] [--replicas N]
                                  --users            demo Google users to generate and connect (default 3)
                                  --microsoft-users  demo Microsoft 365 users (default 2), each subscribed to the
                                                     shared mailbox dealflow@acme.test
                                  --messages         messages per mailbox (default 300)
                                  --months           how far back the generated mail goes (default 24)
                                  --seed             generator seed; the same seed gives the same data (default 42)
                                  --fresh            drop the local database and Kafka data first
                                  --replicas         instances of google-sync, microsoft-sync and the normalizer
                                                     (default 1, at most 9; the connector stays one); replica k
                                                     listens 100·k above replica 0 (google-sync-1: 8182, 9182)""");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
                }
            }
            if (replicas < 1 || replicas > MAX_REPLICAS) {
                throw new IllegalArgumentException("--replicas must be 1 to " + MAX_REPLICAS);
            }
            return new Options(users, microsoftUsers, messages, months, seed, "acme.test", fresh, replicas);
        }

        public Options withFresh() {
            return new Options(users, microsoftUsers, messages, months, seed, domain, true, replicas);
        }

        public Options withReplicas(int n) {
            return new Options(users, microsoftUsers, messages, months, seed, domain, fresh, n);
        }

        /** The data options as they are written on the command line (for a record of what was run). */
        public String arguments() {
            return "--users " + users + " --microsoft-users " + microsoftUsers + " --messages " + messages
                    + " --months " + months + " --seed " + seed + (replicas > 1 ? " --replicas " + replicas : "");
        }
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
        Path root = Path.of("").toAbsolutePath();
        Path state = root.resolve(".local");
        Stack stack = new Stack(root, state.resolve("logs"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping the local stack…");
            stack.close();
            System.out.println("Stopped.");
            stopped.countDown();
        }, "local-stack-shutdown"));
        try {
            start(options, root, stack);
            System.out.println("Press Ctrl-C to stop. A service or the broker that dies is restarted.\n");
        } catch (RuntimeException e) {
            System.err.println("\nerror: " + e.getMessage());
            System.exit(1);
        }
        try {
            while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                String failure = stack.supervisor().failure();
                if (failure != null) {
                    System.err.println("\nerror: " + failure + "; stopping the stack");
                    System.exit(1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A started stack: where it listens, its client, the demo users (e-mail → user id, portal JWT, account id) and when
     * they were connected.
     */
    public record Running(StackEndpoints endpoints, StackClient client, List<String> googleEmails,
                          List<String> microsoftEmails, List<String> sharedMailboxes, Map<String, String> userIds,
                          Map<String, String> userJwts, Map<String, String> accountIds, Instant connectedAt,
                          BackfillProgress.Snapshot backfill, int replicas) {

        /** Portal JWT by user id (what {@link BackfillProgress#read} takes). */
        public Map<String, String> jwtsByUserId() {
            Map<String, String> out = new LinkedHashMap<>();
            userJwts.forEach((email, jwt) -> out.put(userIds.get(email), jwt));
            return out;
        }

        public boolean microsoft(String email) {
            return microsoftEmails.contains(email);
        }

        /** Connects {@code email} again through the OAuth code flow (after a revoked token), shared mailboxes included. */
        public JsonNode reconnect(String email) {
            JsonNode account = microsoft(email) ? client.connectMicrosoft(userJwts.get(email), email, MICROSOFT_SCOPES)
                    : client.connectGoogle(userJwts.get(email), email, GOOGLE_SCOPES);
            accountIds.put(email, account.path("id").asText());
            return account;
        }
    }

    /**
     * Starts the stack's processes into {@code stack} (the caller stops it), connects the demo accounts, waits
     * until the backfill settles (15 min at most) and prints a summary.
     *
     * @return the last progress reading: {@link BackfillProgress.Snapshot#settled()} says whether it settled
     */
    public static BackfillProgress.Snapshot start(Options options, Path root, Stack stack) {
        return launch(options, root, stack, true).backfill();
    }

    /**
     * Starts the stack as {@link #start} does; with {@code awaitBackfill} false it returns once the accounts are
     * connected (the backfill runs on), with a null {@link Running#backfill()}. Kafka and the services are supervised
     * ({@link Supervisor}): one that dies is restarted; the emulator's death stops the stack.
     */
    public static Running launch(Options options, Path root, Stack stack, boolean awaitBackfill) {
        return launch(options, root, stack, awaitBackfill, (client, google, microsoft) -> { });
    }

    /** What runs once the services are ready, before the first account connects. */
    @FunctionalInterface
    public interface BeforeConnect {
        /** @param google the generated Google users, in connect order; {@code microsoft} likewise */
        void accept(StackClient client, List<String> google, List<String> microsoft);
    }

    /**
     * As {@link #launch(Options, Path, Stack, boolean)}; {@code beforeConnect} runs once the services are ready and
     * before the first account connects (e.g. the emulator's quota configuration for a benchmark).
     */
    public static Running launch(Options options, Path root, Stack stack, boolean awaitBackfill,
                                 BeforeConnect beforeConnect) {
        Instant started = Instant.now();
        Path state = root.resolve(".local");
        StackEndpoints endpoints = StackEndpoints.local(tokenKeyring(state));
        checkPortsFree(endpoints, options.replicas());

        step("PostgreSQL: database " + endpoints.database().name());
        if (options.fresh()) {
            endpoints.database().recreate();
            LocalFiles.deleteRecursively(state.resolve("kafka"));
        } else {
            endpoints.database().ensureExists();
        }

        step("Kafka (KRaft) on " + endpoints.kafkaBootstrap());
        ManagedProcess kafka = stack.adopt(KafkaBrokerProcess.start(state.resolve("kafka"), StackEndpoints.KAFKA_PORT,
                StackEndpoints.KAFKA_CONTROLLER_PORT, stack.logDir().resolve("kafka.log")));
        stack.supervise(kafka, () -> KafkaBrokerProcess.reachable(endpoints.kafkaBootstrap()));
        StackTopics.ensure(endpoints.kafkaBootstrap());

        step("provider emulator on " + endpoints.emulatorUrl());
        Path emulatorJar = root.resolve("provider-emulator/target/provider-emulator.jar");
        ManagedProcess emulator = stack.adopt(ManagedProcess.start("provider-emulator",
                ManagedProcess.java("-Xms256m", "-Xmx1g", "-jar", emulatorJar.toString(), "--port",
                        Integer.toString(StackEndpoints.EMULATOR_PORT)), Map.of(),
                stack.logDir().resolve("provider-emulator.log")));
        emulator.awaitHttpOk(java.net.URI.create(endpoints.emulatorUrl() + "/_emulator/health"), START_TIMEOUT);
        stack.supervisor().failFast(emulator, "it holds the generated mailboxes in memory");
        StackClient client = new StackClient(endpoints);
        // Gmail push: the emulator plays Cloud Pub/Sub (no Pub/Sub emulator needed: it cannot sign push OIDC tokens).
        String gmailPush = StackService.GOOGLE_SYNC.pushBaseUrl(endpoints) + GMAIL_PUSH_PATH;
        client.pubsubPushSubscription(GMAIL_PUSH_SUBSCRIPTION, GMAIL_PUSH_TOPIC, gmailPush, GMAIL_PUSH_SERVICE_ACCOUNT,
                gmailPush);
        JsonNode generated = client.generate(Map.of("seed", options.seed(), "googleUsers", options.users(),
                "microsoftUsers", options.microsoftUsers(), "messagesPerMailbox", options.messages(),
                "months", options.months(), "domain", options.domain()));
        List<String> emails = new ArrayList<>();
        generated.path("google").forEach(u -> emails.add(u.path("email").asText()));
        List<String> microsoftEmails = new ArrayList<>();
        generated.path("microsoft").forEach(u -> microsoftEmails.add(u.path("upn").asText()));
        List<String> sharedMailboxes = new ArrayList<>();
        generated.path("sharedMailboxes").forEach(m -> sharedMailboxes.add(m.path("address").asText()));
        System.out.printf("    generated %d Google and %d Microsoft mailboxes × %d messages%s (seed %d)%n",
                emails.size(), microsoftEmails.size(), options.messages(),
                sharedMailboxes.isEmpty() ? "" : ", shared mailbox " + String.join(", ", sharedMailboxes),
                options.seed());

        step("services: " + String.join(", ", List.of(StackService.values()).stream()
                .map(s -> s.artifact() + (Stack.replicasOf(s, options.replicas()) > 1 ? " × " + options.replicas() : ""))
                .toList()));
        stack.startServices(endpoints, List.of(StackService.values()), options.replicas(), START_TIMEOUT);
        stack.superviseServices(endpoints, List.of(StackService.values()), options.replicas());
        beforeConnect.accept(client, List.copyOf(emails), List.copyOf(microsoftEmails));

        step("team directory and OAuth connect");
        String adminEmail = "admin@" + options.domain();
        String admin = client.mintJwt("demo-admin", adminEmail, List.of("admin"));
        // The console signs in at the IdP's user picker: the same ids as the accounts connected here, and an admin.
        client.putIdpUser(adminEmail, "demo-admin", "Demo admin", List.of("admin", "user"));
        List<String> team = new ArrayList<>(emails);
        team.addAll(microsoftEmails);
        client.putCollection(admin, "demo-team", "Demo team", team, List.of(options.domain()));
        Map<String, String> userJwts = new LinkedHashMap<>();
        Map<String, String> userIds = new LinkedHashMap<>();
        Map<String, String> jwtsByEmail = new LinkedHashMap<>();
        Map<String, String> accountIds = new java.util.concurrent.ConcurrentHashMap<>();
        Instant connectedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(1);
        for (String email : team) {
            String userId = "user-" + email.substring(0, email.indexOf('@'));
            String jwt = client.mintJwt(userId, email, List.of("user"));
            client.putIdpUser(email, userId, null, List.of("user"));
            boolean microsoft = microsoftEmails.contains(email);
            JsonNode account = microsoft ? client.connectMicrosoft(jwt, email, MICROSOFT_SCOPES)
                    : client.connectGoogle(jwt, email, GOOGLE_SCOPES);
            userJwts.put(userId, jwt);
            userIds.put(email, userId);
            jwtsByEmail.put(email, jwt);
            accountIds.put(email, account.path("id").asText());
            System.out.printf("    connected %s (%s account %s, scopes %s)%n", email, microsoft ? "Microsoft" : "Google",
                    account.path("id").asText(), account.path("scopes"));
            if (microsoft) {
                for (String shared : sharedMailboxes) {
                    client.addSharedMailbox(jwt, account.path("id").asText(), shared);
                    System.out.printf("      + shared mailbox %s%n", shared);
                }
            }
        }

        System.out.printf("    console %s  (sign in as a demo user, or as %s for the team page)%n",
                StackService.consoleUrl(endpoints), adminEmail);

        if (!awaitBackfill) {
            return new Running(endpoints, client, emails, microsoftEmails, sharedMailboxes, userIds, jwtsByEmail,
                    accountIds, connectedAt, null, options.replicas());
        }
        step("backfill");
        BackfillProgress progress = new BackfillProgress(endpoints, client, options.replicas() > 1);
        Instant backfillStart = Instant.now();
        BackfillProgress.Snapshot last = progress.read(userJwts, connectedAt);
        while (!last.settled() && Duration.between(backfillStart, Instant.now()).compareTo(BACKFILL_TIMEOUT) < 0) {
            ManagedProcess.pause(Duration.ofSeconds(2));
            if (stack.supervisor().failure() != null) {
                throw new IllegalStateException(stack.supervisor().failure());
            }
            last = progress.read(userJwts, connectedAt);
            System.out.println("    " + last.line(Duration.between(backfillStart, Instant.now()).toSeconds()));
        }
        long seconds = Duration.between(backfillStart, Instant.now()).toSeconds();
        System.out.printf("""

                ── Interaction Sync local stack ──────────────────────────────
                  accounts connected   %d (%d synced%s)
                  messages, events read %d
                  events written       %d  (normalizer.interaction_events)
                  backfill             %d s   (whole start %d s)%s
                  console    %s   (sign in as a demo user; %s sees the team page)
                  connector  http://127.0.0.1:%d   normalizer  http://127.0.0.1:%d   relationships  http://127.0.0.1:%d%s
                  health and metrics   %s/q/health  …/q/metrics  (management ports 9081–9085 only%s)
                  emulator   %s   Kafka %s   logs %s/
                  push       new mail and meetings arrive within seconds: try
                             curl -XPOST %s/_emulator/google/users/<email>/messages -d '{…Gmail message…}'
                  Query events: curl -H "Authorization: Bearer $(curl -s -XPOST %s/idp/token \\
                      -H 'Content-Type: application/json' -d '{"sub":"%s","email":"%s","roles":["user"]}' | jq -r .access_token)" \\
                      'http://127.0.0.1:%d/api/v1/interaction-events?limit=5'
                  Strengths (same token): http://127.0.0.1:%d/api/v1/relationships?limit=5 and, for the team,
                      http://127.0.0.1:%d/api/v1/collections/demo-team/relationships?limit=5
                """,
                last.accounts(), last.accountsSynced(), last.accountsFailed() > 0 ? ", " + last.accountsFailed() + " failed" : "",
                last.messagesRead(), last.eventsWritten(), seconds, Duration.between(started, Instant.now()).toSeconds(),
                last.settled() ? "" : "\n  (not settled after " + BACKFILL_TIMEOUT.toMinutes() + " min — see the logs)",
                StackService.consoleUrl(endpoints), adminEmail,
                endpoints.connectorPort(), endpoints.normalizerPort(), endpoints.relationshipPort(),
                replicaPorts(endpoints, options.replicas()),
                StackService.CONNECTOR.managementUrl(endpoints),
                options.replicas() > 1 ? "; replica k: + 100·k" : "",
                endpoints.emulatorUrl(), endpoints.kafkaBootstrap(), root.relativize(stack.logDir()),
                endpoints.emulatorUrl(), endpoints.emulatorUrl(), userJwts.keySet().iterator().next(), team.get(0),
                endpoints.normalizerPort(), endpoints.relationshipPort(), endpoints.relationshipPort());
        return new Running(endpoints, client, emails, microsoftEmails, sharedMailboxes, userIds, jwtsByEmail, accountIds,
                connectedAt, last, options.replicas());
    }

    private static void step(String what) {
        System.out.println("==> " + what);
    }

    /** The connector's token-encryption key, generated once into an untracked file (mode 600). */
    static String tokenKeyring(Path state) {
        Path file = state.resolve("token-keyring");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(state);
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                String keyId = "local-" + LocalDate.now().toString().replace("-", "");
                Files.writeString(file, keyId + ":" + Base64.getEncoder().encodeToString(key) + "\n");
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    /** {@code "\n  replicas: google-sync-1 :8182 …"} when the stack runs several, else empty. */
    private static String replicaPorts(StackEndpoints e, int replicas) {
        if (replicas <= 1) {
            return "";
        }
        List<String> out = new ArrayList<>();
        for (StackService s : StackService.values()) {
            for (int k = 1; k < Stack.replicasOf(s, replicas); k++) {
                out.add(s.instanceId(k) + " :" + s.port(e, k));
            }
        }
        return "\n  replicas   " + String.join("  ", out);
    }

    private static void checkPortsFree(StackEndpoints e, int replicas) {
        List<String> taken = portsInUse(e, replicas);
        if (!taken.isEmpty()) {
            throw new IllegalStateException("port(s) already in use: " + String.join(", ", taken)
                    + ".\n  Is another local stack running? Stop it with Ctrl-C, or find the process with: "
                    + "ss -ltnp 'sport = :" + taken.get(0).split(" ")[0] + "'");
        }
    }

    /** The stack's ports that something listens on right now, as {@code "port (owner)"}. */
    public static List<String> portsInUse(StackEndpoints e) {
        return portsInUse(e, 1);
    }

    /** The ports of a stack of {@code replicas} that something listens on right now. */
    public static List<String> portsInUse(StackEndpoints e, int replicas) {
        Map<Integer, String> ports = new LinkedHashMap<>();
        ports.put(StackEndpoints.KAFKA_PORT, "Kafka");
        ports.put(StackEndpoints.KAFKA_CONTROLLER_PORT, "Kafka controller");
        ports.put(StackEndpoints.EMULATOR_PORT, "provider-emulator");
        for (StackService s : StackService.values()) {
            for (int k = 0; k < Stack.replicasOf(s, replicas); k++) {
                ports.put(s.port(e, k), s.processName(k));
                ports.put(s.managementPort(e, k), s.processName(k) + " management");
            }
        }
        List<String> taken = new ArrayList<>();
        ports.forEach((port, owner) -> {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                socket.setReuseAddress(true);
            } catch (IOException ex) {
                taken.add(port + " (" + owner + ")");
            }
        });
        return taken;
    }
}

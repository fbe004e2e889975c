package io.interactionsync.deploy.soak;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.deploy.BackfillProgress;
import io.interactionsync.deploy.LocalStack;
import io.interactionsync.deploy.ManagedProcess;
import io.interactionsync.deploy.Stack;
import io.interactionsync.deploy.StackClient;
import io.interactionsync.deploy.StackEndpoints;
import io.interactionsync.deploy.StackService;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static io.interactionsync.deploy.soak.Soak.count;
import static io.interactionsync.deploy.soak.Soak.kafkaReachable;
import static io.interactionsync.deploy.soak.Soak.rederivePending;
import static io.interactionsync.deploy.soak.Soak.relationshipLag;

/**
 * How the soak (and the replicas proof) lets a stack converge before its event set is read: faults off, a sync and a
 * completeness audit of every account, then no lag (the normalizer's and the downstream relationship-service's), no
 * pending work and a stable event count.
 */
public final class Convergence {

    private static final Duration CONVERGE_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(180);

    private final PrintStream out;

    public Convergence(PrintStream out) {
        this.out = out;
    }

    /**
     * Faults off, then every account syncs ({@code auto}) and is audited; converged when every account is
     * {@code synced} after that sync, every mail source audited after the request, the normalizer's group has no lag
     * on {@code raw-records}, its rederive queue (if it has one) is empty, relationship-service has no lag on
     * {@code interaction-events-state} and {@code account-events} (it applied the final events, so its ties can be
     * compared) and the event count held for 10 s.
     */
    public void settle(LocalStack.Running running, Stack stack) throws SQLException {
        StackClient client = running.client();
        StackEndpoints endpoints = running.endpoints();
        retry("clear faults", () -> client.faults(0, List.of()));
        awaitAllReady(endpoints, running.replicas(), stack);
        Instant syncSince = Instant.now().minusSeconds(1);
        running.accountIds().forEach((email, account) ->
                retry("sync " + email, () -> client.requestSync(running.userJwts().get(email), account, "auto")));
        BackfillProgress progress = new BackfillProgress(endpoints, client);
        Instant start = Instant.now();
        awaitCondition("every account synced and no normalizer lag", CONVERGE_TIMEOUT, stack, () -> {
            BackfillProgress.Snapshot s = progress.read(running.jwtsByUserId(), syncSince);
            return s.accounts() > 0 && s.accountsSynced() == s.accounts() && s.normalizerLag() == 0;
        });
        Instant auditSince = Instant.now().minusSeconds(1);
        running.accountIds().forEach((email, account) ->
                retry("audit " + email, () -> client.requestAudit(running.userJwts().get(email), account)));
        awaitCondition("every mail source audited", Duration.ofMinutes(3), stack,
                () -> audited(running, auditSince));
        long[] last = {-1, 0};
        Instant[] stableSince = {Instant.now()};
        String[] state = {""};
        boolean settled = awaitCondition("no lag, no rederive pending, the normalizer's outbox empty, "
                + "relationship-service caught up, event count stable 10 s", Duration.ofMinutes(5), stack, () -> {
            BackfillProgress.Snapshot s = progress.read(running.jwtsByUserId(), syncSince);
            long pending = rederivePending(endpoints);
            long outbox = count(endpoints, "select count(*) from normalizer.outbox");
            long rows = count(endpoints, "select count(*) from normalizer.interaction_events");
            long relationships = relationshipLag(endpoints);
            state[0] = "lag " + s.normalizerLag() + ", rederive pending " + pending + ", outbox " + outbox + ", rows "
                    + rows + ", relationship-service lag " + relationships + ", accounts synced "
                    + s.accountsSynced() + "/" + s.accounts();
            if (s.normalizerLag() != 0 || pending > 0 || outbox > 0 || relationships != 0 || rows != last[0]
                    || s.accountsSynced() != s.accounts()) {
                last[0] = rows;
                stableSince[0] = Instant.now();
                return false;
            }
            return Duration.between(stableSince[0], Instant.now()).toSeconds() >= 10;
        });
        if (!settled) {
            out.println("    last reading: " + state[0]);
        }
        out.printf("    %s in %d s: %d event rows in all%n", settled ? "converged" : "gave up waiting",
                Duration.between(start, Instant.now()).toSeconds(), count(endpoints,
                        "select count(*) from normalizer.interaction_events"));
    }

    private boolean audited(LocalStack.Running running, Instant since) {
        for (Map.Entry<String, String> user : running.userJwts().entrySet()) {
            JsonNode accounts = running.microsoft(user.getKey()) ? running.client().microsoftAccounts(user.getValue())
                    : running.client().googleAccounts(user.getValue());
            for (JsonNode account : accounts) {
                for (String source : List.of("gmail", "outlook_mail")) {
                    JsonNode s = account.path("sources").path(source);
                    if (s.path("enabled").asBoolean(false)) {
                        String checked = s.path("completeness").path("checkedAt").asText("");
                        if (checked.isEmpty() || Instant.parse(checked).isBefore(since)) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    /** Polls {@code condition} every second; false (with a warning) when {@code timeout} passed first. */
    public boolean awaitCondition(String what, Duration timeout, Stack stack, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        Instant reported = Instant.now();
        while (true) {
            if (stack.supervisor().failure() != null) {
                throw new IllegalStateException(stack.supervisor().failure());
            }
            boolean ok;
            try {
                ok = condition.getAsBoolean();
            } catch (RuntimeException e) {
                ok = false; // a service between restarts; ask again
                if (Duration.between(reported, Instant.now()).toSeconds() >= 30) {
                    out.printf("    (still waiting: %s — %s)%n", what, e.getMessage());
                    reported = Instant.now();
                }
            }
            if (ok) {
                return true;
            }
            if (Instant.now().isAfter(deadline)) {
                out.printf("    WARNING: not converged after %d s (%s); comparing what there is%n", timeout.toSeconds(),
                        what);
                return false;
            }
            ManagedProcess.pause(Duration.ofSeconds(1));
        }
    }

    /** Kafka and every replica of every service answer (their readiness checks); names those that never did. */
    public void awaitAllReady(StackEndpoints endpoints, int replicas, Stack stack) {
        if (!awaitCondition("every service ready", RECOVERY_TIMEOUT, stack, () -> notReady(endpoints, replicas).isEmpty())) {
            out.println("    not ready: " + String.join(", ", notReady(endpoints, replicas))
                    + " (their logs: /q/health/ready's failing check)");
        }
    }

    private static List<String> notReady(StackEndpoints endpoints, int replicas) {
        List<String> out = new java.util.ArrayList<>();
        if (!kafkaReachable(endpoints)) {
            out.add(Soak.BROKER);
        }
        for (StackService s : StackService.values()) {
            for (int k = 0; k < Stack.replicasOf(s, replicas); k++) {
                if (!Soak.ready(endpoints, s, k)) {
                    out.add(s.processName(k));
                }
            }
        }
        return out;
    }

    /**
     * Runs {@code action} until it succeeds (a service may be between restarts): 30 attempts 2 s apart, and a 429
     * (the connector allows 10 manual syncs per account and hour) waits out its {@code retryAfter} (at most 10 min).
     */
    public void retry(String what, Runnable action) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 30; attempt++) {
            try {
                action.run();
                return;
            } catch (RuntimeException e) {
                last = e;
                java.util.regex.Matcher retryAfter = java.util.regex.Pattern.compile("answered 429: .*\"retryAfter\":(\\d+)")
                        .matcher(String.valueOf(e.getMessage()));
                if (retryAfter.find()) {
                    long seconds = Math.min(600, Long.parseLong(retryAfter.group(1)) + 1);
                    out.printf("    %s: rate-limited by the connector; retrying in %d s%n", what, seconds);
                    ManagedProcess.pause(Duration.ofSeconds(seconds));
                } else {
                    ManagedProcess.pause(Duration.ofSeconds(2));
                }
            }
        }
        throw new IllegalStateException(what + " failed", last);
    }
}

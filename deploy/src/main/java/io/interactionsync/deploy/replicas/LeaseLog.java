package io.interactionsync.deploy.replicas;

import io.interactionsync.deploy.LocalDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The sync services' job leases over time, read the way the replicas share them: every {@link #POLL} the rows of
 * {@code google_sync.sync_jobs} and {@code microsoft_sync.sync_jobs} (state, lease owner, lease end), kept per account
 * whenever they change. A job's row forgets its owner when it ends, so only such a log can say which replica ran which
 * account, and who finished a job a dead replica held.
 */
public final class LeaseLog implements AutoCloseable {

    /** One sync service's job table. */
    public enum Service {
        GOOGLE("google_sync"), MICROSOFT("microsoft_sync");

        final String schema;

        Service(String schema) {
            this.schema = schema;
        }
    }

    /** One observed state of an account's job row. */
    public record Row(Instant at, String state, String owner, Instant leaseUntil, int attempts) {

        boolean sameAs(Row other) {
            return other != null && state.equals(other.state) && java.util.Objects.equals(owner, other.owner)
                    && attempts == other.attempts;
        }
    }

    static final Duration POLL = Duration.ofMillis(200);

    private final LocalDatabase database;
    private final Map<Service, Map<String, List<Row>>> history = new HashMap<>();
    private final Thread poller;
    private volatile boolean closed;

    public LeaseLog(LocalDatabase database) {
        this.database = database;
        for (Service s : Service.values()) {
            history.put(s, new HashMap<>());
        }
        this.poller = Thread.ofPlatform().daemon().name("lease-log").unstarted(this::loop);
    }

    public LeaseLog start() {
        poller.start();
        return this;
    }

    private void loop() {
        while (!closed) {
            try (Connection c = database.connect()) {
                for (Service s : Service.values()) {
                    poll(c, s);
                }
            } catch (SQLException e) {
                // the database unreachable for a moment: the next poll reads again
            }
            pause();
        }
    }

    private void poll(Connection c, Service service) {
        Map<String, Row> now = read(c, service);
        synchronized (this) {
            Map<String, List<Row>> rows = history.get(service);
            now.forEach((account, row) -> {
                List<Row> seen = rows.computeIfAbsent(account, a -> new ArrayList<>());
                if (!row.sameAs(seen.isEmpty() ? null : seen.getLast())) {
                    seen.add(row);
                }
            });
        }
    }

    /** The job rows of {@code service} now (account → row); empty while its table does not exist yet. */
    static Map<String, Row> read(Connection c, Service service) {
        Map<String, Row> out = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement("select account_id, state, lease_owner, lease_until, attempts from "
                + service.schema + ".sync_jobs"); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                Timestamp until = rs.getTimestamp(4);
                out.put(rs.getString(1), new Row(Instant.now(), rs.getString(2), rs.getString(3),
                        until == null ? null : until.toInstant(), rs.getInt(5)));
            }
        } catch (SQLException e) {
            return Map.of(); // not migrated yet
        }
        return out;
    }

    /** The job rows of {@code service} as they are now, read at once (not from the log). */
    public Map<String, Row> now(Service service) {
        try (Connection c = database.connect()) {
            return read(c, service);
        } catch (SQLException e) {
            return Map.of();
        }
    }

    /** Each owner that ran a job of {@code service}, with the accounts it ran (sorted). */
    public synchronized Map<String, Set<String>> accountsByOwner(Service service) {
        Map<String, Set<String>> out = new TreeMap<>();
        history.get(service).forEach((account, rows) -> rows.stream().filter(r -> r.state().equals("running"))
                .forEach(r -> out.computeIfAbsent(r.owner(), o -> new TreeSet<>()).add(account)));
        return out;
    }

    /** When {@code owner} first held {@code account}'s job at or after {@code after}. */
    public synchronized Optional<Instant> claimed(Service service, String account, String owner, Instant after) {
        return rows(service, account).stream().filter(r -> !r.at().isBefore(after) && r.state().equals("running")
                && owner.equals(r.owner())).map(Row::at).findFirst();
    }

    /**
     * When {@code account}'s job was first seen ended ({@code done}) after {@code owner} held it at or after
     * {@code after}, with no other owner in between: {@code owner} finished it.
     */
    public synchronized Optional<Instant> finishedBy(Service service, String account, String owner, Instant after) {
        boolean held = false;
        for (Row r : rows(service, account)) {
            if (r.at().isBefore(after)) {
                continue;
            }
            if (r.state().equals("running")) {
                held = owner.equals(r.owner());
            } else if (r.state().equals("done") && held) {
                return Optional.of(r.at());
            }
        }
        return Optional.empty();
    }

    /** The observed rows of one account's job, oldest first. */
    public synchronized List<Row> rows(Service service, String account) {
        return List.copyOf(history.get(service).getOrDefault(account, List.of()));
    }

    private void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
    }
}

package io.interactionsync.microsoftsync.repository;

import io.interactionsync.sync.jobs.RepositoryException;
import static io.interactionsync.microsoftsync.repository.MailCursorRepository.instant;
import static io.interactionsync.microsoftsync.repository.MailCursorRepository.timestamp;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.microsoftsync.source.calendar.CalendarCursor;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Outlook calendar cursors ({@code calendar_cursors}) and the hashes of the events published per account
 * ({@code calendar_events}), written together in one transaction after Kafka's acks.
 */
@ApplicationScoped
public class CalendarRepository {

    private final AgroalDataSource dataSource;

    public CalendarRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<CalendarCursor> load(String accountId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select sync_run_id, phase, window_start, window_end, anchored_at, next_link, delta_link, fetched, published,
                       started_at, last_synced_at
                from microsoft_sync.calendar_cursors where account_id = ?
                """)) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CalendarCursor(rs.getString(1),
                        CalendarCursor.Phase.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)), instant(rs.getTimestamp(3)),
                        instant(rs.getTimestamp(4)), instant(rs.getTimestamp(5)), rs.getString(6), rs.getString(7),
                        rs.getLong(8), rs.getLong(9), instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11))));
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not load the calendar cursor of account " + accountId, e);
        }
    }

    /** Stored payload hashes of {@code eventIds} (absent = never published, or deleted since). */
    public Map<String, String> hashes(String accountId, Collection<String> eventIds) {
        Map<String, String> out = new HashMap<>();
        if (eventIds.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select event_id, payload_hash from microsoft_sync.calendar_events where account_id = ? and event_id = any(?)")) {
            ps.setString(1, accountId);
            ps.setArray(2, c.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new RepositoryException("could not read published calendar events", e);
        }
    }

    /** Forgets every published event of the account (mode full: everything is published again). */
    public void forgetEvents(String accountId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("delete from microsoft_sync.calendar_events where account_id = ?")) {
            ps.setString(1, accountId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RepositoryException("could not reset published calendar events", e);
        }
    }

    /**
     * An event as published: the payload's hash, its changeKey, whether it went out cancelled (a delete), its times
     * (null when unknown).
     */
    public record PublishedEvent(String hash, String changeKey, boolean cancelled, Instant startsAt, Instant endsAt) {
    }

    /** A published event as the completeness audit compares it. */
    public record EventRow(String changeKey, boolean cancelled) {
    }

    /** Events published for the account that overlap the window (or whose times are unknown). */
    public Map<String, EventRow> published(String accountId, Instant windowStart, Instant windowEnd) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select event_id, change_key, cancelled from microsoft_sync.calendar_events
                where account_id = ? and (starts_at is null or ends_at is null or (ends_at > ? and starts_at < ?))
                """)) {
            ps.setString(1, accountId);
            ps.setTimestamp(2, Timestamp.from(windowStart));
            ps.setTimestamp(3, Timestamp.from(windowEnd));
            Map<String, EventRow> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new EventRow(rs.getString(2), rs.getBoolean(3)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new RepositoryException("could not read published calendar events", e);
        }
    }

    /** Events the completeness audit published (upserts, cancellations) or deleted, after Kafka's acks. */
    public void repaired(String accountId, Map<String, PublishedEvent> upserted, Collection<String> deleted) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                writeEvents(c, accountId, upserted, deleted);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not save repaired calendar events", e);
        }
    }

    private static void writeEvents(Connection c, String accountId, Map<String, PublishedEvent> upserted,
                                    Collection<String> deleted) throws SQLException {
        if (!upserted.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into microsoft_sync.calendar_events (account_id, event_id, payload_hash, change_key, cancelled,
                        starts_at, ends_at)
                    values (?, ?, ?, ?, ?, ?, ?)
                    on conflict (account_id, event_id) do update set payload_hash = excluded.payload_hash,
                        change_key = excluded.change_key, cancelled = excluded.cancelled, starts_at = excluded.starts_at,
                        ends_at = excluded.ends_at
                    """)) {
                for (Map.Entry<String, PublishedEvent> e : upserted.entrySet()) {
                    PublishedEvent p = e.getValue();
                    ps.setString(1, accountId);
                    ps.setString(2, e.getKey());
                    ps.setString(3, p.hash());
                    ps.setString(4, p.changeKey());
                    ps.setBoolean(5, p.cancelled());
                    ps.setTimestamp(6, timestamp(p.startsAt()));
                    ps.setTimestamp(7, timestamp(p.endsAt()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!deleted.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "delete from microsoft_sync.calendar_events where account_id = ? and event_id = any(?)")) {
                ps.setString(1, accountId);
                ps.setArray(2, c.createArrayOf("text", deleted.toArray()));
                ps.executeUpdate();
            }
        }
    }

    /**
     * Saves the cursor together with the page's published events: {@code upserted} id → what was published,
     * {@code deleted} ids.
     */
    public void save(String accountId, CalendarCursor k, Map<String, PublishedEvent> upserted, Collection<String> deleted) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                writeEvents(c, accountId, upserted, deleted);
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into microsoft_sync.calendar_cursors (account_id, sync_run_id, phase, window_start, window_end,
                            anchored_at, next_link, delta_link, fetched, published, started_at, last_synced_at, updated_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
                        on conflict (account_id) do update set sync_run_id = excluded.sync_run_id, phase = excluded.phase,
                            window_start = excluded.window_start, window_end = excluded.window_end,
                            anchored_at = excluded.anchored_at, next_link = excluded.next_link,
                            delta_link = excluded.delta_link, fetched = excluded.fetched, published = excluded.published,
                            started_at = excluded.started_at, last_synced_at = excluded.last_synced_at, updated_at = now()
                        """)) {
                    int i = 1;
                    ps.setString(i++, accountId);
                    ps.setString(i++, k.syncRunId());
                    ps.setString(i++, k.phase().wire());
                    ps.setTimestamp(i++, timestamp(k.windowStart()));
                    ps.setTimestamp(i++, timestamp(k.windowEnd()));
                    ps.setTimestamp(i++, timestamp(k.anchoredAt()));
                    ps.setString(i++, k.nextLink());
                    ps.setString(i++, k.deltaLink());
                    ps.setLong(i++, k.fetched());
                    ps.setLong(i++, k.published());
                    ps.setTimestamp(i++, timestamp(k.startedAt()));
                    ps.setTimestamp(i, timestamp(k.lastSyncedAt()));
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new RepositoryException("calendar cursor write failed", e);
        }
    }
}

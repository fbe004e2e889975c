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
     * Saves the cursor together with the page's published events: {@code upserted} id → hash, {@code deleted} ids.
     */
    public void save(String accountId, CalendarCursor k, Map<String, String> upserted, Collection<String> deleted) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!upserted.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement("""
                            insert into microsoft_sync.calendar_events (account_id, event_id, payload_hash) values (?, ?, ?)
                            on conflict (account_id, event_id) do update set payload_hash = excluded.payload_hash
                            """)) {
                        for (Map.Entry<String, String> e : upserted.entrySet()) {
                            ps.setString(1, accountId);
                            ps.setString(2, e.getKey());
                            ps.setString(3, e.getValue());
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

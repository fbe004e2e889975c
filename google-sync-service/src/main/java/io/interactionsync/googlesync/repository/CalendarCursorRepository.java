package io.interactionsync.googlesync.repository;

import io.interactionsync.sync.jobs.RepositoryException;
import io.agroal.api.AgroalDataSource;
import io.interactionsync.googlesync.source.calendar.CalendarCursor;
import io.interactionsync.model.Source;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Google Calendar cursors ({@code google_sync.source_cursors}, source {@code google_calendar}) and the published
 * events ({@code calendar_published_events}).
 */
@ApplicationScoped
public class CalendarCursorRepository implements CalendarCursor.Loader {

    private static final String SOURCE = Source.GOOGLE_CALENDAR.wireName();

    private final AgroalDataSource dataSource;

    public CalendarCursorRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Optional<CalendarCursor> load(String accountId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select phase, sync_run_id, horizon, sync_token, page_token, fetched, published, estimated_total,
                       started_at, last_synced_at, resync
                from google_sync.source_cursors where account_id = ? and source = ?
                """)) {
            ps.setString(1, accountId);
            ps.setString(2, SOURCE);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long total = rs.getLong(8);
                Long estimatedTotal = rs.wasNull() ? null : total;
                return Optional.of(new CalendarCursor(CalendarCursor.Phase.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)),
                        rs.getString(2), instant(rs.getTimestamp(3)), rs.getString(4), rs.getString(5), rs.getLong(6),
                        rs.getLong(7), estimatedTotal, instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)),
                        rs.getBoolean(11)));
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not load the Calendar cursor of account " + accountId, e);
        }
    }

    /** Saves the cursor (after the Kafka acks of the records it covers). */
    public void save(String accountId, CalendarCursor k) {
        inTransaction(c -> upsert(c, accountId, k));
    }

    /** A listed event that is not cancelled: what tells a later change, and when it ends. */
    public record ListedEvent(String id, String etag, String updated, Instant endAt) {
    }

    /**
     * After a page's records were acknowledged: saves the cursor, remembers the listed live events (published or
     * unchanged) as listed by {@code run}, and forgets the deleted ones — in one transaction.
     */
    public void saveAfterPage(String accountId, CalendarCursor cursor, List<ListedEvent> listed, String run,
                              Collection<String> deleted) {
        inTransaction(c -> {
            upsert(c, accountId, cursor);
            if (!listed.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into google_sync.calendar_published_events (account_id, event_id, etag, updated, end_at,
                            listed_run) values (?, ?, ?, ?, ?, ?)
                        on conflict (account_id, event_id) do update set etag = excluded.etag, updated = excluded.updated,
                            end_at = excluded.end_at, listed_run = excluded.listed_run
                        """)) {
                    for (ListedEvent e : listed) {
                        ps.setString(1, accountId);
                        ps.setString(2, e.id());
                        ps.setString(3, e.etag());
                        ps.setString(4, e.updated());
                        ps.setTimestamp(5, timestamp(e.endAt()));
                        ps.setString(6, run);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            forget(c, accountId, deleted);
        });
    }

    /** Of {@code ids}, the published ones with their etag and updated ({@code [etag, updated]}). */
    public Map<String, String[]> published(String accountId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select event_id, etag, updated from google_sync.calendar_published_events
                where account_id = ? and event_id = any(?::text[])
                """)) {
            ps.setString(1, accountId);
            ps.setArray(2, c.createArrayOf("text", ids.toArray()));
            Map<String, String[]> found = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
                }
            }
            return found;
        } catch (SQLException e) {
            throw new RepositoryException("could not read published events of account " + accountId, e);
        }
    }

    /**
     * What the completeness audit compares with the calendar: every published event that does not end before
     * {@code horizon} (the listing's timeMin) → {@code [etag, updated]}.
     */
    public Map<String, String[]> publishedWithin(String accountId, Instant horizon) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select event_id, etag, updated from google_sync.calendar_published_events
                where account_id = ? and (end_at is null or end_at > ?)
                """)) {
            ps.setString(1, accountId);
            ps.setTimestamp(2, timestamp(horizon));
            Map<String, String[]> found = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
                }
            }
            return found;
        } catch (SQLException e) {
            throw new RepositoryException("could not read published events of account " + accountId, e);
        }
    }

    /**
     * The completeness audit's repairs, after Kafka's acks: events published as upserts (the full listing that last
     * listed one stays recorded) and events deleted.
     */
    public void saveRepairs(String accountId, List<ListedEvent> upserted, Collection<String> deleted) {
        inTransaction(c -> {
            if (!upserted.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into google_sync.calendar_published_events (account_id, event_id, etag, updated, end_at)
                        values (?, ?, ?, ?, ?)
                        on conflict (account_id, event_id) do update set etag = excluded.etag, updated = excluded.updated,
                            end_at = excluded.end_at
                        """)) {
                    for (ListedEvent e : upserted) {
                        ps.setString(1, accountId);
                        ps.setString(2, e.id());
                        ps.setString(3, e.etag());
                        ps.setString(4, e.updated());
                        ps.setTimestamp(5, timestamp(e.endAt()));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            forget(c, accountId, deleted);
        });
    }

    private static void forget(Connection c, String accountId, Collection<String> deleted) throws SQLException {
        if (deleted.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                delete from google_sync.calendar_published_events where account_id = ? and event_id = any(?::text[])
                """)) {
            ps.setString(1, accountId);
            ps.setArray(2, c.createArrayOf("text", deleted.toArray()));
            ps.executeUpdate();
        }
    }

    /** Published events not deleted since (the live events this service knows). */
    public long publishedCount(String accountId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select count(*) from google_sync.calendar_published_events where account_id = ?")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not count published events of account " + accountId, e);
        }
    }

    /**
     * Published events that the full listing {@code run} did not list although they end at or after its horizon
     * (those ending earlier merely left the range): they were deleted or lost meanwhile.
     */
    public List<String> vanished(String accountId, String run, Instant horizon) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select event_id from google_sync.calendar_published_events
                where account_id = ? and listed_run is distinct from ? and (end_at is null or end_at >= ?)
                order by event_id
                """)) {
            ps.setString(1, accountId);
            ps.setString(2, run);
            ps.setTimestamp(3, timestamp(horizon));
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new RepositoryException("could not read published events of account " + accountId, e);
        }
    }

    private static void upsert(Connection c, String accountId, CalendarCursor k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into google_sync.source_cursors (account_id, source, phase, sync_run_id, horizon, sync_token,
                    page_token, more_pages, fetched, published, estimated_total, started_at, last_synced_at, resync,
                    updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
                on conflict (account_id, source) do update set phase = excluded.phase, sync_run_id = excluded.sync_run_id,
                    horizon = excluded.horizon, sync_token = excluded.sync_token, page_token = excluded.page_token,
                    more_pages = excluded.more_pages, fetched = excluded.fetched, published = excluded.published,
                    estimated_total = excluded.estimated_total, started_at = excluded.started_at,
                    last_synced_at = excluded.last_synced_at, resync = excluded.resync, updated_at = now()
                """)) {
            int i = 1;
            ps.setString(i++, accountId);
            ps.setString(i++, SOURCE);
            ps.setString(i++, k.phase().wire());
            ps.setString(i++, k.syncRunId());
            ps.setTimestamp(i++, timestamp(k.horizon()));
            ps.setString(i++, k.syncToken());
            ps.setString(i++, k.pageToken());
            ps.setBoolean(i++, k.morePages());
            ps.setLong(i++, k.fetched());
            ps.setLong(i++, k.published());
            if (k.estimatedTotal() == null) {
                ps.setNull(i++, Types.BIGINT);
            } else {
                ps.setLong(i++, k.estimatedTotal());
            }
            ps.setTimestamp(i++, timestamp(k.startedAt()));
            ps.setTimestamp(i++, timestamp(k.lastSyncedAt()));
            ps.setBoolean(i, k.resync());
            ps.executeUpdate();
        }
    }

    private void inTransaction(Work work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new RepositoryException("Calendar cursor write failed", e);
        }
    }

    @FunctionalInterface
    private interface Work {
        void run(Connection c) throws SQLException;
    }

    private static Timestamp timestamp(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}

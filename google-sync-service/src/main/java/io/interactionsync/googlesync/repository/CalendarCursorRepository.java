package io.interactionsync.googlesync.repository;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.googlesync.source.calendar.CalendarCursor;
import io.interactionsync.model.Source;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** Google Calendar cursors: {@code google_sync.source_cursors}, source {@code google_calendar}. */
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
                select phase, sync_run_id, horizon, sync_token, page_token, fetched, published, started_at, last_synced_at
                from google_sync.source_cursors where account_id = ? and source = ?
                """)) {
            ps.setString(1, accountId);
            ps.setString(2, SOURCE);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CalendarCursor(CalendarCursor.Phase.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)),
                        rs.getString(2), instant(rs.getTimestamp(3)), rs.getString(4), rs.getString(5), rs.getLong(6),
                        rs.getLong(7), instant(rs.getTimestamp(8)), instant(rs.getTimestamp(9))));
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not load the Calendar cursor of account " + accountId, e);
        }
    }

    /** Saves the cursor (after the Kafka acks of the records it covers). */
    public void save(String accountId, CalendarCursor k) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                insert into google_sync.source_cursors (account_id, source, phase, sync_run_id, horizon, sync_token,
                    page_token, more_pages, fetched, published, started_at, last_synced_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
                on conflict (account_id, source) do update set phase = excluded.phase, sync_run_id = excluded.sync_run_id,
                    horizon = excluded.horizon, sync_token = excluded.sync_token, page_token = excluded.page_token,
                    more_pages = excluded.more_pages, fetched = excluded.fetched, published = excluded.published,
                    started_at = excluded.started_at, last_synced_at = excluded.last_synced_at, updated_at = now()
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
            ps.setTimestamp(i++, timestamp(k.startedAt()));
            ps.setTimestamp(i, timestamp(k.lastSyncedAt()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RepositoryException("Calendar cursor write failed", e);
        }
    }

    private static Timestamp timestamp(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}

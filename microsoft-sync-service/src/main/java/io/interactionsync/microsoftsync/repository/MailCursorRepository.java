package io.interactionsync.microsoftsync.repository;

import io.interactionsync.sync.jobs.RepositoryException;
import io.agroal.api.AgroalDataSource;
import io.interactionsync.microsoftsync.source.mail.MailCursor;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Mail delta cursors ({@code microsoft_sync.mail_cursors}), one per account × mailbox × folder id. */
@ApplicationScoped
public class MailCursorRepository {

    private final AgroalDataSource dataSource;

    public MailCursorRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<MailCursor> load(String accountKey, String mailbox, String folder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select sync_run_id, phase, horizon, next_link, delta_link, fetched, published, beyond_horizon, started_at,
                       last_synced_at
                from microsoft_sync.mail_cursors where account_id = ? and mailbox = ? and folder = ?
                """)) {
            ps.setString(1, accountKey);
            ps.setString(2, mailbox.toLowerCase(Locale.ROOT));
            ps.setString(3, folder);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new MailCursor(accountKey, mailbox.toLowerCase(Locale.ROOT), folder, rs.getString(1),
                        MailCursor.Phase.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)), instant(rs.getTimestamp(3)),
                        rs.getString(4), rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8),
                        instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10))));
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not load the mail cursor of folder " + folder, e);
        }
    }

    /** Saves the cursor (after the Kafka acks of the records it covers). */
    public void save(MailCursor k) {
        try (Connection c = dataSource.getConnection()) {
            save(c, k);
        } catch (SQLException e) {
            throw new RepositoryException("mail cursor write failed", e);
        }
    }

    /** Saves the cursor on the caller's connection (inside its transaction). */
    static void save(Connection c, MailCursor k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into microsoft_sync.mail_cursors (account_id, mailbox, folder, sync_run_id, phase, horizon, next_link,
                    delta_link, fetched, published, beyond_horizon, started_at, last_synced_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
                on conflict (account_id, mailbox, folder) do update set sync_run_id = excluded.sync_run_id,
                    phase = excluded.phase, horizon = excluded.horizon, next_link = excluded.next_link,
                    delta_link = excluded.delta_link, fetched = excluded.fetched, published = excluded.published,
                    beyond_horizon = excluded.beyond_horizon, started_at = excluded.started_at,
                    last_synced_at = excluded.last_synced_at, updated_at = now()
                """)) {
            int i = 1;
            ps.setString(i++, k.accountKey());
            ps.setString(i++, k.mailbox().toLowerCase(Locale.ROOT));
            ps.setString(i++, k.folder());
            ps.setString(i++, k.syncRunId());
            ps.setString(i++, k.phase().wire());
            ps.setTimestamp(i++, timestamp(k.horizon()));
            ps.setString(i++, k.nextLink());
            ps.setString(i++, k.deltaLink());
            ps.setLong(i++, k.fetched());
            ps.setLong(i++, k.published());
            ps.setLong(i++, k.beyondHorizon());
            ps.setTimestamp(i++, timestamp(k.startedAt()));
            ps.setTimestamp(i, timestamp(k.lastSyncedAt()));
            ps.executeUpdate();
        }
    }

    /** The folders of a mailbox that have a cursor. */
    public List<String> folders(String accountKey, String mailbox) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select folder from microsoft_sync.mail_cursors where account_id = ? and mailbox = ? order by folder")) {
            ps.setString(1, accountKey);
            ps.setString(2, mailbox.toLowerCase(Locale.ROOT));
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new RepositoryException("could not list the mail cursors (account " + accountKey + ")", e);
        }
    }

    /** Drops a folder's cursor on the caller's connection. */
    static void delete(Connection c, String accountKey, String mailbox, String folder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "delete from microsoft_sync.mail_cursors where account_id = ? and mailbox = ? and folder = ?")) {
            ps.setString(1, accountKey);
            ps.setString(2, mailbox.toLowerCase(Locale.ROOT));
            ps.setString(3, folder);
            ps.executeUpdate();
        }
    }

    static Timestamp timestamp(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}

package io.interactionsync.microsoftsync.repository;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.microsoftsync.source.mail.MailCursor;
import io.interactionsync.sync.jobs.RepositoryException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What this service published per mailbox ({@code published_messages}) and the removals it has not confirmed yet
 * ({@code mail_pending_removals}). A page's rows, its removals and the folder's cursor are saved in one transaction,
 * after Kafka acknowledged the page's records: a crash never leaves a cursor ahead of what it covers.
 */
@ApplicationScoped
public class PublishedMessageRepository {

    private final AgroalDataSource dataSource;

    public PublishedMessageRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A message published as an upsert from a folder. */
    public record Published(String messageId, String folderId, Instant receivedAt) {
    }

    /** A message that left {@code folderId}; {@code confirm}: ask Graph where it is (else its folder is gone). */
    public record PendingRemoval(String messageId, String folderId, boolean confirm, String payload, String syncRunId,
                                 Instant observedAt) {
    }

    /** A published message: the folder it was last seen in, and whether its delete was published. */
    public record Row(String messageId, String folderId, Instant receivedAt, boolean deleted, String publishedBy) {
    }

    /** How a pending removal ended: {@code deleted} (a delete was published), or still synced in {@code folderId}. */
    public record Resolution(PendingRemoval removal, boolean deleted, String folderId) {
    }

    /**
     * One delta page of a folder, after Kafka acknowledged its records: upserted messages (their pending removal from
     * this folder is obsolete), messages seen but not published (beyond the horizon: only their folder is updated),
     * new removals, and the cursor.
     */
    public void commitPage(MailCursor next, String publishedBy, List<Published> upserts, Collection<String> seenNotPublished,
                           List<PendingRemoval> removals) {
        String account = next.accountKey();
        String mailbox = MailboxRepository.key(next.mailbox());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                upsert(c, account, mailbox, publishedBy, upserts);
                if (!seenNotPublished.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement("""
                            update microsoft_sync.published_messages set folder_id = ?, updated_at = now()
                            where account_id = ? and mailbox = ? and message_id = any(?)
                            """)) {
                        ps.setString(1, next.folder());
                        ps.setString(2, account);
                        ps.setString(3, mailbox);
                        ps.setArray(4, c.createArrayOf("text", seenNotPublished.toArray()));
                        ps.executeUpdate();
                    }
                }
                insertPending(c, account, mailbox, removals);
                MailCursorRepository.save(c, next);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not save the page of folder " + next.folder(), e);
        }
    }

    /** Upserted messages' rows (live, in their folder); their pending removal from that folder is obsolete. */
    private static void upsert(Connection c, String account, String mailbox, String publishedBy, List<Published> upserts)
            throws SQLException {
        if (upserts.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                insert into microsoft_sync.published_messages (account_id, mailbox, message_id, folder_id,
                    received_at, deleted, published_by, updated_at)
                values (?, ?, ?, ?, ?, false, ?, now())
                on conflict (account_id, mailbox, message_id) do update set folder_id = excluded.folder_id,
                    received_at = excluded.received_at, deleted = false, published_by = excluded.published_by,
                    updated_at = now()
                """); PreparedStatement pending = c.prepareStatement("""
                delete from microsoft_sync.mail_pending_removals
                where account_id = ? and mailbox = ? and message_id = ? and folder_id = ?
                """)) {
            for (Published p : upserts) {
                ps.setString(1, account);
                ps.setString(2, mailbox);
                ps.setString(3, p.messageId());
                ps.setString(4, p.folderId());
                ps.setTimestamp(5, p.receivedAt() == null ? null : Timestamp.from(p.receivedAt()));
                ps.setString(6, publishedBy);
                ps.addBatch();
                pending.setString(1, account);
                pending.setString(2, mailbox);
                pending.setString(3, p.messageId());
                pending.setString(4, p.folderId());
                pending.addBatch();
            }
            ps.executeBatch();
            pending.executeBatch();
        }
    }

    /** Messages the completeness audit fetched and published again (after Kafka's acks). */
    public void repaired(String accountKey, String mailbox, String publishedBy, List<Published> upserts) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                upsert(c, accountKey, MailboxRepository.key(mailbox), publishedBy, upserts);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not save repaired messages (account " + accountKey + ")", e);
        }
    }

    /** Messages whose delete the completeness audit published (after Kafka's acks). */
    public void markDeleted(String accountKey, String mailbox, Collection<String> messageIds) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                update microsoft_sync.published_messages set deleted = true, updated_at = now()
                where account_id = ? and mailbox = ? and message_id = any(?)
                """)) {
            ps.setString(1, accountKey);
            ps.setString(2, MailboxRepository.key(mailbox));
            ps.setArray(3, c.createArrayOf("text", messageIds.toArray()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RepositoryException("could not mark messages deleted (account " + accountKey + ")", e);
        }
    }

    /**
     * The published rows of messages received since {@code horizon} (or without a date): what the completeness audit
     * compares with Graph's listing.
     */
    public Map<String, Row> since(String accountKey, String mailbox, Instant horizon) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select message_id, folder_id, received_at, deleted, published_by from microsoft_sync.published_messages
                where account_id = ? and mailbox = ? and (received_at is null or received_at >= ?)
                """)) {
            ps.setString(1, accountKey);
            ps.setString(2, MailboxRepository.key(mailbox));
            ps.setTimestamp(3, Timestamp.from(horizon));
            Map<String, Row> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp received = rs.getTimestamp(3);
                    out.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2),
                            received == null ? null : received.toInstant(), rs.getBoolean(4), rs.getString(5)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new RepositoryException("could not read the published messages (account " + accountKey + ")", e);
        }
    }

    private static void insertPending(Connection c, String account, String mailbox, List<PendingRemoval> removals)
            throws SQLException {
        if (removals.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                insert into microsoft_sync.mail_pending_removals (account_id, mailbox, message_id, folder_id, confirm, payload,
                    sync_run_id, observed_at)
                values (?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (account_id, mailbox, message_id, folder_id) do update set confirm = excluded.confirm,
                    payload = excluded.payload, sync_run_id = excluded.sync_run_id, observed_at = excluded.observed_at
                """)) {
            for (PendingRemoval r : removals) {
                ps.setString(1, account);
                ps.setString(2, mailbox);
                ps.setString(3, r.messageId());
                ps.setString(4, r.folderId());
                ps.setBoolean(5, r.confirm());
                ps.setString(6, r.payload());
                ps.setString(7, r.syncRunId());
                ps.setTimestamp(8, Timestamp.from(r.observedAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Folders no longer synced (deleted, or moved under an excluded folder): their cursors are dropped and every
     * message still published from them becomes a pending removal (confirmed at the end of the run), in one
     * transaction.
     */
    public void retireFolders(String accountKey, String mailbox, Collection<String> folderIds, String syncRunId, Instant now) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (String folder : folderIds) {
                    try (PreparedStatement ps = c.prepareStatement("""
                            insert into microsoft_sync.mail_pending_removals (account_id, mailbox, message_id, folder_id, confirm,
                                payload, sync_run_id, observed_at)
                            select account_id, mailbox, message_id, folder_id, false,
                                json_build_object('@odata.type', '#microsoft.graph.message', 'id', message_id,
                                                  '@removed', json_build_object('reason', 'deleted'))::text, ?, ?
                            from microsoft_sync.published_messages
                            where account_id = ? and mailbox = ? and folder_id = ? and not deleted
                            on conflict (account_id, mailbox, message_id, folder_id) do nothing
                            """)) {
                        ps.setString(1, syncRunId);
                        ps.setTimestamp(2, Timestamp.from(now));
                        ps.setString(3, accountKey);
                        ps.setString(4, MailboxRepository.key(mailbox));
                        ps.setString(5, folder);
                        ps.executeUpdate();
                    }
                    MailCursorRepository.delete(c, accountKey, mailbox, folder);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not retire folders (account " + accountKey + ")", e);
        }
    }

    /** Up to {@code limit} pending removals of a mailbox after the first {@code offset}, oldest first. */
    public List<PendingRemoval> pending(String accountKey, String mailbox, int limit, int offset) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select message_id, folder_id, confirm, payload, sync_run_id, observed_at
                from microsoft_sync.mail_pending_removals where account_id = ? and mailbox = ?
                order by observed_at, message_id, folder_id limit ? offset ?
                """)) {
            ps.setString(1, accountKey);
            ps.setString(2, MailboxRepository.key(mailbox));
            ps.setInt(3, limit);
            ps.setInt(4, offset);
            List<PendingRemoval> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new PendingRemoval(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
                            rs.getString(5), rs.getTimestamp(6).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new RepositoryException("could not load the pending removals (account " + accountKey + ")", e);
        }
    }

    /** The published rows of these messages (absent: never published). */
    public Map<String, Row> rows(String accountKey, String mailbox, Collection<String> messageIds) {
        return query(accountKey, mailbox, messageIds);
    }

    /** Every published row of a mailbox (tests, and the completeness audit's comparison). */
    public Map<String, Row> all(String accountKey, String mailbox) {
        return query(accountKey, mailbox, null);
    }

    private Map<String, Row> query(String accountKey, String mailbox, Collection<String> ids) {
        String sql = """
                select message_id, folder_id, received_at, deleted, published_by from microsoft_sync.published_messages
                where account_id = ? and mailbox = ?""" + (ids == null ? "" : " and message_id = any(?)");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, accountKey);
            ps.setString(2, MailboxRepository.key(mailbox));
            if (ids != null) {
                ps.setArray(3, c.createArrayOf("text", ids.toArray()));
            }
            Map<String, Row> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp received = rs.getTimestamp(3);
                    out.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2),
                            received == null ? null : received.toInstant(), rs.getBoolean(4), rs.getString(5)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new RepositoryException("could not read the published messages (account " + accountKey + ")", e);
        }
    }

    /**
     * Ends pending removals in one transaction, after Kafka acknowledged the deletes: deleted rows are marked, rows
     * of messages found in a synced folder follow it, and the pending entries go.
     */
    public void resolve(String accountKey, String mailbox, List<Resolution> resolutions) {
        String key = MailboxRepository.key(mailbox);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement delete = c.prepareStatement("""
                    update microsoft_sync.published_messages set deleted = true, updated_at = now()
                    where account_id = ? and mailbox = ? and message_id = ? and folder_id = ?
                    """); PreparedStatement follow = c.prepareStatement("""
                    update microsoft_sync.published_messages set folder_id = ?, updated_at = now()
                    where account_id = ? and mailbox = ? and message_id = ? and folder_id = ?
                    """); PreparedStatement done = c.prepareStatement("""
                    delete from microsoft_sync.mail_pending_removals
                    where account_id = ? and mailbox = ? and message_id = ? and folder_id = ? and observed_at = ?
                    """)) {
                for (Resolution r : resolutions) {
                    PendingRemoval p = r.removal();
                    if (r.deleted()) {
                        set(delete, 1, accountKey, key, p.messageId(), p.folderId());
                        delete.addBatch();
                    } else if (r.folderId() != null && !r.folderId().equals(p.folderId())) {
                        follow.setString(1, r.folderId());
                        set(follow, 2, accountKey, key, p.messageId(), p.folderId());
                        follow.addBatch();
                    }
                    set(done, 1, accountKey, key, p.messageId(), p.folderId());
                    done.setTimestamp(5, Timestamp.from(p.observedAt()));
                    done.addBatch();
                }
                delete.executeBatch();
                follow.executeBatch();
                done.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not resolve the pending removals (account " + accountKey + ")", e);
        }
    }

    private static void set(PreparedStatement ps, int from, String... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            ps.setString(from + i, values[i]);
        }
    }
}

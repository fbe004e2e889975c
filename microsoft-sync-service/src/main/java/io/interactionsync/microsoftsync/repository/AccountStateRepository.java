package io.interactionsync.microsoftsync.repository;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.sync.jobs.AccountStateEraser;
import io.interactionsync.sync.jobs.RepositoryException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Erasure of {@code microsoft_sync} state: an account's rows (its own mailbox and calendar, its subscriptions), and a
 * shared mailbox's rows (account key {@code ''}) once no subscriber is left. sync-core deletes its own tables' rows
 * ({@code sync_jobs}, {@code source_audits}) of an account; a shared mailbox's audits are deleted here.
 */
@ApplicationScoped
public class AccountStateRepository implements AccountStateEraser {

    /** The tables keyed by {@code account_id} (a shared mailbox's state uses account {@code ''}). */
    public static final List<String> ACCOUNT_TABLES = List.of("mail_cursors", "mailboxes", "mail_folders",
            "published_messages", "mail_pending_removals", "calendar_cursors", "calendar_events",
            "shared_mailbox_subscribers");

    /** A shared mailbox's state: rows of account {@code ''} and that mailbox. */
    private static final List<String> MAILBOX_TABLES = List.of("mail_cursors", "mailboxes", "mail_folders",
            "published_messages", "mail_pending_removals");

    private static final String SHARED = "";

    private final AgroalDataSource dataSource;

    public AccountStateRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public int erase(Connection c, String accountId) throws SQLException {
        List<String> subscribed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select address from microsoft_sync.shared_mailbox_subscribers where account_id = ?")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    subscribed.add(rs.getString(1));
                }
            }
        }
        int rows = 0;
        for (String table : ACCOUNT_TABLES) {
            rows += update(c, "delete from microsoft_sync." + table + " where account_id = ?", accountId);
        }
        // Shared mailboxes it read or audited for everyone keep their state for the other subscribers, not its id.
        update(c, "update microsoft_sync.shared_mailboxes set last_account_id = null where last_account_id = ?", accountId);
        update(c, "update microsoft_sync.shared_mailboxes set audited_by = null where audited_by = ?", accountId);
        for (String address : subscribed) {
            rows += eraseIfUnsubscribed(c, address);
        }
        return rows;
    }

    /**
     * A shared mailbox nobody subscribes to any more: its cursors, folders, published ids, pending removals, audits and
     * lease row are deleted (a later subscriber starts afresh). Nothing happens while a subscriber is left.
     *
     * @return rows deleted
     */
    public int eraseIfUnsubscribed(String address) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int rows = eraseIfUnsubscribed(c, address);
                c.commit();
                if (rows > 0) {
                    Log.infof("a shared mailbox lost its last subscriber: its sync state is erased, %d rows deleted", rows);
                }
                return rows;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not erase a shared mailbox's sync state", e);
        }
    }

    private int eraseIfUnsubscribed(Connection c, String address) throws SQLException {
        String key = address.toLowerCase(Locale.ROOT);
        // Serialises with subscribe() on the lease row: a subscriber arriving now waits, then finds nothing to reuse.
        try (PreparedStatement lock = c.prepareStatement(
                "select 1 from microsoft_sync.shared_mailboxes where address = ? for update")) {
            lock.setString(1, key);
            lock.executeQuery().close();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "select 1 from microsoft_sync.shared_mailbox_subscribers where address = ? limit 1")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return 0;
                }
            }
        }
        int rows = 0;
        for (String table : MAILBOX_TABLES) {
            rows += update(c, "delete from microsoft_sync." + table + " where account_id = ? and mailbox = ?", SHARED, key);
        }
        rows += update(c, "delete from microsoft_sync.source_audits where mailbox = ?", key);
        rows += update(c, "delete from microsoft_sync.shared_mailboxes where address = ?", key);
        return rows;
    }

    private static int update(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}

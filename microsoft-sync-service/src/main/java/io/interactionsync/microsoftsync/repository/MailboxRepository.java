package io.interactionsync.microsoftsync.repository;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.microsoftsync.source.mail.MailFolders;
import io.interactionsync.sync.jobs.RepositoryException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Per mailbox read ({@code microsoft_sync.mailboxes}): the folder delta position, the excluded well-known folders'
 * ids, the end of the last complete run; and its folder tree ({@code microsoft_sync.mail_folders}).
 */
@ApplicationScoped
public class MailboxRepository {

    private final AgroalDataSource dataSource;

    public MailboxRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @param excludedIds null until resolved */
    public record MailboxState(List<String> excludedIds, String foldersDeltaLink, Instant lastSyncedAt) {
    }

    /** A folder as one mailFolders delta page reported it. */
    public record FolderChange(String id, String displayName, String parentId, boolean removed) {
    }

    public Optional<MailboxState> load(String accountKey, String mailbox) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select excluded_folder_ids, folders_delta_link, last_synced_at from microsoft_sync.mailboxes
                where account_id = ? and mailbox = ?
                """)) {
            ps.setString(1, accountKey);
            ps.setString(2, key(mailbox));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Array ids = rs.getArray(1);
                Timestamp at = rs.getTimestamp(3);
                return Optional.of(new MailboxState(ids == null ? null : List.of((String[]) ids.getArray()), rs.getString(2),
                        at == null ? null : at.toInstant()));
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not load a mailbox state (account " + accountKey + ")", e);
        }
    }

    /** The live folders and the excluded ids. */
    public MailFolders folders(String accountKey, String mailbox, List<String> excludedIds) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select folder_id, display_name, parent_folder_id from microsoft_sync.mail_folders
                where account_id = ? and mailbox = ? and not removed
                """)) {
            ps.setString(1, accountKey);
            ps.setString(2, key(mailbox));
            Map<String, MailFolders.Folder> folders = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    folders.put(rs.getString(1), new MailFolders.Folder(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            return new MailFolders(folders, excludedIds == null ? Set.of() : Set.copyOf(excludedIds));
        } catch (SQLException e) {
            throw new RepositoryException("could not load the folders (account " + accountKey + ")", e);
        }
    }

    /**
     * Saves a complete folder round in one transaction: the changes, the excluded ids and the new deltaLink. After an
     * initial round (no previous link) a folder the round did not list is marked removed.
     */
    public void saveFolderRound(String accountKey, String mailbox, List<String> excludedIds, List<FolderChange> changes,
                                boolean initialRound, String deltaLink) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (initialRound) {
                    try (PreparedStatement ps = c.prepareStatement("""
                            update microsoft_sync.mail_folders set removed = true, updated_at = now()
                            where account_id = ? and mailbox = ? and not removed
                            """)) {
                        ps.setString(1, accountKey);
                        ps.setString(2, key(mailbox));
                        ps.executeUpdate();
                    }
                }
                upsertFolders(c, accountKey, mailbox, changes);
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into microsoft_sync.mailboxes (account_id, mailbox, excluded_folder_ids, folders_delta_link, updated_at)
                        values (?, ?, ?, ?, now())
                        on conflict (account_id, mailbox) do update set excluded_folder_ids = excluded.excluded_folder_ids,
                            folders_delta_link = excluded.folders_delta_link, updated_at = now()
                        """)) {
                    ps.setString(1, accountKey);
                    ps.setString(2, key(mailbox));
                    ps.setArray(3, c.createArrayOf("text", excludedIds.toArray()));
                    ps.setString(4, deltaLink);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not save the folders (account " + accountKey + ")", e);
        }
    }

    /**
     * Folder changes found outside a folder delta round (the audit's listing, a confirmation by GET), saved as the
     * delta would have reported them; the folder delta's position is left as it is.
     */
    public void saveFolders(String accountKey, String mailbox, List<FolderChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            upsertFolders(c, accountKey, mailbox, changes);
        } catch (SQLException e) {
            throw new RepositoryException("could not save the folders (account " + accountKey + ")", e);
        }
    }

    private static void upsertFolders(Connection c, String accountKey, String mailbox, List<FolderChange> changes)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into microsoft_sync.mail_folders (account_id, mailbox, folder_id, display_name, parent_folder_id,
                    removed, updated_at)
                values (?, ?, ?, ?, ?, ?, now())
                on conflict (account_id, mailbox, folder_id) do update set
                    display_name = coalesce(excluded.display_name, mail_folders.display_name),
                    parent_folder_id = case when excluded.removed then mail_folders.parent_folder_id
                                            else excluded.parent_folder_id end,
                    removed = excluded.removed, updated_at = now()
                """)) {
            for (FolderChange f : changes) {
                ps.setString(1, accountKey);
                ps.setString(2, key(mailbox));
                ps.setString(3, f.id());
                ps.setString(4, f.displayName());
                ps.setString(5, f.parentId());
                ps.setBoolean(6, f.removed());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The run read every folder and confirmed its removals. */
    public void completed(String accountKey, String mailbox, Instant at) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                update microsoft_sync.mailboxes set last_synced_at = ?, updated_at = now() where account_id = ? and mailbox = ?
                """)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, accountKey);
            ps.setString(3, key(mailbox));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RepositoryException("could not mark a mailbox synced (account " + accountKey + ")", e);
        }
    }

    static String key(String mailbox) {
        return mailbox.toLowerCase(Locale.ROOT);
    }
}

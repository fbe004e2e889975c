package io.interactionsync.googlesync.repository;

import io.interactionsync.sync.jobs.AccountStateEraser;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Every per-account table of {@code google_sync} (sync-core's {@code sync_jobs}, {@code source_audits} and
 * {@code push_channels} are sync-core's to delete): cursors, Gmail message states and backfill ids, published Calendar
 * events, skipped records.
 * {@code quota_windows} holds no account data.
 */
@ApplicationScoped
public class AccountStateRepository implements AccountStateEraser {

    /** The tables keyed by {@code account_id}; a test checks that no other table of the schema has that column. */
    public static final List<String> TABLES = List.of("source_cursors", "gmail_message_states", "gmail_backfill_ids",
            "calendar_published_events", "skipped_records");

    @Override
    public int erase(Connection connection, String accountId) throws SQLException {
        int rows = 0;
        for (String table : TABLES) {
            try (PreparedStatement ps = connection.prepareStatement(
                    "delete from google_sync." + table + " where account_id = ?")) {
                ps.setString(1, accountId);
                rows += ps.executeUpdate();
            }
        }
        return rows;
    }
}

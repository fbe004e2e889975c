package io.interactionsync.sync.jobs;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A sync service's own per-account state (cursors, published ids, message states, folders…), deleted when the
 * account is disconnected. Each service provides exactly one bean; {@link ClosedAccounts} calls it inside its
 * transaction, after deleting sync-core's rows of the account ({@code sync_jobs}, {@code source_audits}).
 */
public interface AccountStateEraser {

    /**
     * Deletes every row of the account in the service's tables, on {@code connection} (the caller commits).
     *
     * @return the number of rows deleted
     */
    int erase(Connection connection, String accountId) throws SQLException;
}

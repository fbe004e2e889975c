package io.interactionsync.microsoftsync.repository;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.sync.jobs.RepositoryException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The one write the Graph lifecycle endpoint makes to sync-core's {@code push_channels}: a subscription Graph asks to
 * reauthorize is due for renewal now. Only {@code renew_at} changes (one statement, by subscription id), so it cannot
 * undo a renewal or re-creation the account's job saves at the same moment.
 */
@ApplicationScoped
public class PushRenewalRepository {

    private final AgroalDataSource dataSource;

    public PushRenewalRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Returns whether a live (not stopped) channel had that id. */
    public boolean renewNow(String channelId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                update microsoft_sync.push_channels set renew_at = now(), updated_at = now()
                where channel_id = ? and state <> 'stopped'
                """)) {
            ps.setString(1, channelId);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new RepositoryException("could not mark a subscription for renewal", e);
        }
    }
}

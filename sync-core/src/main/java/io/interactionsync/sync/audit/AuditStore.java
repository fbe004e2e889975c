package io.interactionsync.sync.audit;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.model.Completeness;
import io.interactionsync.model.Source;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.jobs.RepositoryException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** {@code source_audits} in the service's schema: the last audit per account × source × mailbox ('' = own). */
@ApplicationScoped
public class AuditStore {

    private final AgroalDataSource dataSource;
    private final String schema;

    public AuditStore(AgroalDataSource dataSource, SyncServiceDefinition service) {
        this.dataSource = dataSource;
        this.schema = service.schema(); // a plain identifier: SyncServiceDefinition checks it
    }

    public Optional<AuditResult> last(String accountId, Source source, String mailbox) {
        String sql = "select checked_at, provider_count, ingested_count, missing, repaired, unresolved_ids, last_error "
                + "from " + schema + ".source_audits where account_id = ? and source = ? and mailbox = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, accountId);
            ps.setString(2, source.wireName());
            ps.setString(3, key(mailbox));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Completeness completeness = new Completeness(rs.getTimestamp(1).toInstant(), rs.getLong(2),
                        rs.getLong(3), rs.getLong(4), rs.getLong(5));
                List<String> ids = Arrays.asList((String[]) rs.getArray(6).getArray());
                return Optional.of(new AuditResult(completeness, ids, rs.getString(7)));
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not read the last audit of account " + accountId, e);
        }
    }

    public void save(String accountId, Source source, String mailbox, AuditResult result) {
        String sql = "insert into " + schema + ".source_audits as a (account_id, source, mailbox, checked_at, "
                + "provider_count, ingested_count, missing, repaired, unresolved_ids, last_error) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (account_id, source, mailbox) do update set "
                + "checked_at = excluded.checked_at, provider_count = excluded.provider_count, "
                + "ingested_count = excluded.ingested_count, missing = excluded.missing, repaired = excluded.repaired, "
                + "unresolved_ids = excluded.unresolved_ids, last_error = excluded.last_error";
        Completeness c = result.completeness();
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, accountId);
            ps.setString(2, source.wireName());
            ps.setString(3, key(mailbox));
            ps.setTimestamp(4, Timestamp.from(c.checkedAt()));
            ps.setLong(5, c.providerCount());
            ps.setLong(6, c.ingestedCount());
            ps.setLong(7, c.missing());
            ps.setLong(8, c.repaired());
            Array ids = conn.createArrayOf("text", result.unresolvedIds().toArray());
            ps.setArray(9, ids);
            ps.setString(10, result.lastError());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RepositoryException("could not save the audit of account " + accountId, e);
        }
    }

    /** Sources whose last audit left gaps open (the wellness check and gauge). */
    public long incompleteSources() {
        String sql = "select count(*) from " + schema + ".source_audits where missing > repaired";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new RepositoryException("could not count incomplete sources", e);
        }
    }

    /** An account disconnected: its audits go with it. */
    public void deleteAccount(String accountId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("delete from " + schema + ".source_audits where account_id = ?")) {
            ps.setString(1, accountId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RepositoryException("could not delete the audits of account " + accountId, e);
        }
    }

    private static String key(String mailbox) {
        return mailbox == null ? "" : mailbox;
    }
}

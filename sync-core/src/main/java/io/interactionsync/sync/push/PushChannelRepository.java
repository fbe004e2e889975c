package io.interactionsync.sync.push;

import io.agroal.api.AgroalDataSource;
import io.interactionsync.model.PushHealth;
import io.interactionsync.model.Source;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.jobs.RepositoryException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code push_channels} in the service's schema. The account's sync job (one replica at a time) creates, renews and
 * stops its channels; the notification endpoints only read them and record when they were heard from.
 */
@ApplicationScoped
public class PushChannelRepository {

    private static final String COLUMNS = "account_id, source, mailbox, channel_id, resource_id, secret_hash, state, "
            + "expires_at, renew_at, renewed_at, last_notification_at, checked_at, last_error";

    private final AgroalDataSource dataSource;
    private final String schema;

    public PushChannelRepository(AgroalDataSource dataSource, SyncServiceDefinition service) {
        this.dataSource = dataSource;
        this.schema = service.schema();
    }

    public Optional<PushChannel> find(String accountId, Source source, String mailbox) {
        List<PushChannel> found = query("select " + COLUMNS + " from {schema}.push_channels"
                + " where account_id = ? and source = ? and mailbox = ?", ps -> {
            ps.setString(1, accountId);
            ps.setString(2, source.wireName());
            ps.setString(3, mailbox == null ? PushChannel.OWN_MAILBOX : mailbox);
        });
        return found.stream().findFirst();
    }

    /** The channel a notification names (Calendar channel id, Graph subscription id). */
    public Optional<PushChannel> byChannelId(String channelId) {
        if (channelId == null || channelId.isEmpty()) {
            return Optional.empty();
        }
        return query("select " + COLUMNS + " from {schema}.push_channels where channel_id = ?",
                ps -> ps.setString(1, channelId)).stream().findFirst();
    }

    /** The channels of one provider resource (Gmail: every account of the notified mailbox address). */
    public List<PushChannel> byResource(Source source, String resourceId) {
        return query("select " + COLUMNS + " from {schema}.push_channels where source = ? and resource_id = ?", ps -> {
            ps.setString(1, source.wireName());
            ps.setString(2, resourceId);
        });
    }

    public List<PushChannel> list(String accountId) {
        return query("select " + COLUMNS + " from {schema}.push_channels where account_id = ? order by source, mailbox",
                ps -> ps.setString(1, accountId));
    }

    /** Creates or replaces the account × source × mailbox row. */
    public void save(PushChannel ch) {
        update("""
                insert into {schema}.push_channels as p (account_id, source, mailbox, channel_id, resource_id, secret_hash,
                    state, expires_at, renew_at, renewed_at, last_notification_at, checked_at, last_error)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (account_id, source, mailbox) do update set
                  channel_id = excluded.channel_id, resource_id = excluded.resource_id,
                  secret_hash = excluded.secret_hash, state = excluded.state, expires_at = excluded.expires_at,
                  renew_at = excluded.renew_at, renewed_at = excluded.renewed_at,
                  last_notification_at = greatest(p.last_notification_at, excluded.last_notification_at),
                  checked_at = excluded.checked_at, last_error = excluded.last_error, updated_at = now()
                """, ps -> {
            ps.setString(1, ch.accountId());
            ps.setString(2, ch.source().wireName());
            ps.setString(3, ch.mailbox());
            ps.setString(4, ch.channelId());
            ps.setString(5, ch.resourceId());
            ps.setString(6, ch.secretHash());
            ps.setString(7, ch.state().wire());
            ps.setTimestamp(8, ts(ch.expiresAt()));
            ps.setTimestamp(9, ts(ch.renewAt()));
            ps.setTimestamp(10, ts(ch.renewedAt()));
            ps.setTimestamp(11, ts(ch.lastNotificationAt()));
            ps.setTimestamp(12, ts(ch.checkedAt() == null ? Instant.now() : ch.checkedAt()));
            ps.setString(13, ch.lastError());
        });
    }

    /**
     * Creation or renewal failed: the row says so (kept channel id and expiry: an old channel may still notify until
     * it expires) and the job tries again at {@code retryAt}.
     */
    public void failed(String accountId, Source source, String mailbox, String error, Instant retryAt) {
        update("""
                insert into {schema}.push_channels as p (account_id, source, mailbox, state, renew_at, last_error)
                values (?, ?, ?, 'failed', ?, ?)
                on conflict (account_id, source, mailbox) do update set
                  state = 'failed', renew_at = excluded.renew_at, last_error = excluded.last_error, updated_at = now()
                """, ps -> {
            ps.setString(1, accountId);
            ps.setString(2, source.wireName());
            ps.setString(3, mailbox == null ? PushChannel.OWN_MAILBOX : mailbox);
            ps.setTimestamp(4, ts(retryAt));
            ps.setString(5, error);
        });
    }

    /** Stopped at the provider (or given up): no more renewals; a notification for it is refused. */
    public void stopped(String accountId, Source source, String mailbox, String reason) {
        update("""
                update {schema}.push_channels set state = 'stopped', renew_at = null, last_error = ?, updated_at = now()
                where account_id = ? and source = ? and mailbox = ?
                """, ps -> {
            ps.setString(1, reason);
            ps.setString(2, accountId);
            ps.setString(3, source.wireName());
            ps.setString(4, mailbox == null ? PushChannel.OWN_MAILBOX : mailbox);
        });
    }

    /**
     * The provider asks for it to be renewed (Graph's {@code reauthorizationRequired}): due now, for the account's next
     * job. Only {@code renew_at} changes, so it cannot undo a renewal the job saves at the same moment. Returns whether a
     * live (not stopped) channel had that id.
     */
    public boolean renewNow(String channelId) {
        return update("update {schema}.push_channels set renew_at = now(), updated_at = now()"
                + " where channel_id = ? and state <> 'stopped'", ps -> ps.setString(1, channelId)) > 0;
    }

    /** An authenticated notification arrived for it. */
    public void notified(String accountId, Source source, String mailbox, Instant at) {
        update("""
                update {schema}.push_channels set last_notification_at = greatest(last_notification_at, ?), updated_at = now()
                where account_id = ? and source = ? and mailbox = ?
                """, ps -> {
            ps.setTimestamp(1, ts(at));
            ps.setString(2, accountId);
            ps.setString(3, source.wireName());
            ps.setString(4, mailbox == null ? PushChannel.OWN_MAILBOX : mailbox);
        });
    }

    /** A sync run of the account's source completed: the safety-net poll counts from now (every mailbox of it). */
    public void checked(String accountId, Source source, Instant at) {
        update("update {schema}.push_channels set checked_at = ?, updated_at = now() where account_id = ? and source = ?",
                ps -> {
                    ps.setTimestamp(1, ts(at));
                    ps.setString(2, accountId);
                    ps.setString(3, source.wireName());
                });
    }

    /** Forgets an account's rows (a shared mailbox removed: {@code mailbox} given; else all of them). */
    public int delete(String accountId, Source source, String mailbox) {
        return update("delete from {schema}.push_channels where account_id = ? and source = ? and mailbox = ?", ps -> {
            ps.setString(1, accountId);
            ps.setString(2, source.wireName());
            ps.setString(3, mailbox);
        });
    }

    /**
     * Sources whose job must run: a channel to create again or renew ({@code renew_at} reached), or a safety-net poll
     * due ({@code checked_at} older than {@code pollEvery} while push is healthy, {@code unhealthyPollEvery} while it
     * is failed, stopped, expired or silent for {@code silentAfter}).
     */
    public List<Due> due(Duration pollEvery, Duration unhealthyPollEvery, Duration silentAfter, int limit) {
        String sql = """
                select account_id, source, bool_or(renew_at is not null and renew_at <= now()) as renew
                from {schema}.push_channels
                where (renew_at is not null and renew_at <= now())
                   or checked_at <= now() - case when state = 'active' and expires_at > now()
                          and coalesce(last_notification_at, renewed_at, created_at) > now() - make_interval(secs => ?)
                        then make_interval(secs => ?) else make_interval(secs => ?) end
                group by account_id, source
                order by min(checked_at)
                limit ?
                """;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(qualified(sql))) {
            ps.setDouble(1, silentAfter.toMillis() / 1000.0);
            ps.setDouble(2, pollEvery.toMillis() / 1000.0);
            ps.setDouble(3, unhealthyPollEvery.toMillis() / 1000.0);
            ps.setInt(4, limit);
            List<Due> due = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new Due(rs.getString(1), Source.fromWireName(rs.getString(2)), rs.getBoolean(3)));
                }
            }
            return due;
        } catch (SQLException e) {
            throw new RepositoryException("could not read the due push channels", e);
        }
    }

    /** A source whose job the safety net requests; {@code renewal} when a channel needs creating or renewing. */
    public record Due(String accountId, Source source, boolean renewal) {
    }

    /** Channels per source and health state (the {@code <prefix>.push.channels} gauge). */
    public List<HealthCount> healthCounts(Duration silentAfter) {
        String sql = """
                select source, case when state <> 'active' then state
                                    when expires_at is null or expires_at <= now() then 'expired'
                                    when coalesce(last_notification_at, renewed_at, created_at)
                                         <= now() - make_interval(secs => ?) then 'silent'
                                    else 'active' end as health, count(*)
                from {schema}.push_channels group by 1, 2
                """;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(qualified(sql))) {
            ps.setDouble(1, silentAfter.toMillis() / 1000.0);
            List<HealthCount> counts = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.add(new HealthCount(Source.fromWireName(rs.getString(1)),
                            PushHealth.State.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)), rs.getLong(3)));
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new RepositoryException("could not count push channels", e);
        }
    }

    public record HealthCount(Source source, PushHealth.State state, long channels) {
    }

    private List<PushChannel> query(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(qualified(sql))) {
            binder.bind(ps);
            List<PushChannel> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new PushChannel(rs.getString(1), Source.fromWireName(rs.getString(2)), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6),
                            PushChannel.State.valueOf(rs.getString(7).toUpperCase(Locale.ROOT)), instant(rs, 8),
                            instant(rs, 9), instant(rs, 10), instant(rs, 11), instant(rs, 12), rs.getString(13)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new RepositoryException("push channel query failed", e);
        }
    }

    private int update(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(qualified(sql))) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new RepositoryException("push channel update failed", e);
        }
    }

    private String qualified(String sql) {
        return sql.replace("{schema}", schema);
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }
}

package io.interactionsync.microsoftsync.repository;

import io.interactionsync.sync.jobs.RepositoryException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Shared mailboxes and their subscribers ({@code shared_mailbox_subscribers}, from account-events), and the lease
 * that lets exactly one subscriber's job read a shared mailbox at a time ({@code shared_mailboxes}).
 */
@ApplicationScoped
public class SharedMailboxRepository {

    private final AgroalDataSource dataSource;

    public SharedMailboxRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void subscribe(String address, String accountId) {
        update("""
                insert into microsoft_sync.shared_mailbox_subscribers (address, account_id) values (?, ?)
                on conflict do nothing
                """, address.toLowerCase(Locale.ROOT), accountId);
        update("insert into microsoft_sync.shared_mailboxes (address) values (?) on conflict do nothing",
                address.toLowerCase(Locale.ROOT));
    }

    /** The subscription ends, with the audit the account's job saved for the mailbox. */
    public void unsubscribe(String address, String accountId) {
        update("delete from microsoft_sync.shared_mailbox_subscribers where address = ? and account_id = ?",
                address.toLowerCase(Locale.ROOT), accountId);
        update("delete from microsoft_sync.source_audits where mailbox = ? and account_id = ?",
                address.toLowerCase(Locale.ROOT), accountId);
    }

    /** The account is gone: it subscribes to nothing any more. */
    public void forgetAccount(String accountId) {
        update("delete from microsoft_sync.shared_mailbox_subscribers where account_id = ?", accountId);
    }

    /** Shared addresses the account subscribes to, sorted. */
    public List<String> addresses(String accountId) {
        return strings("select address from microsoft_sync.shared_mailbox_subscribers where account_id = ? order by address",
                accountId);
    }

    /** Accounts subscribing to the address, sorted. */
    public List<String> subscribers(String address) {
        return strings("select account_id from microsoft_sync.shared_mailbox_subscribers where address = ? order by account_id",
                address.toLowerCase(Locale.ROOT));
    }

    /**
     * Records the result of a check of {@code accountId}'s access to the mailbox ({@code allowed} or {@code denied});
     * returns the previous result ({@code unknown} before the first check), or empty when the account no longer
     * subscribes.
     */
    public Optional<String> recordAccess(String address, String accountId, boolean allowed) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                update microsoft_sync.shared_mailbox_subscribers s set access = ?, access_checked_at = now()
                from (select access from microsoft_sync.shared_mailbox_subscribers
                      where address = ? and account_id = ? for update) prev
                where s.address = ? and s.account_id = ?
                returning prev.access
                """)) {
            String key = address.toLowerCase(Locale.ROOT);
            ps.setString(1, allowed ? "allowed" : "denied");
            ps.setString(2, key);
            ps.setString(3, accountId);
            ps.setString(4, key);
            ps.setString(5, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not record an access check of shared mailbox " + address, e);
        }
    }

    /** The last access check of {@code accountId} to the mailbox: {@code allowed}, {@code denied} or {@code unknown}. */
    public Optional<String> access(String address, String accountId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select access from microsoft_sync.shared_mailbox_subscribers where address = ? and account_id = ?")) {
            ps.setString(1, address.toLowerCase(Locale.ROOT));
            ps.setString(2, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not read shared mailbox " + address, e);
        }
    }

    /**
     * Takes the mailbox's lease if it is free, expired, already {@code owner}'s (a restarted replica with the same
     * instance id), or held by another job of {@code accountId} ({@code <other instance>/<accountId>}): this replica
     * runs that account's job now, so its job lease was taken over and the job that left this lease is dead or stops
     * at its next step (sync-core's lease guarantee). False when another account's job reads the mailbox now.
     */
    public boolean tryLease(String address, String owner, String accountId, Duration lease) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                insert into microsoft_sync.shared_mailboxes as m (address, lease_owner, lease_until, updated_at)
                values (?, ?, now() + make_interval(secs => ?), now())
                on conflict (address) do update set lease_owner = excluded.lease_owner, lease_until = excluded.lease_until,
                    updated_at = now()
                where m.lease_owner is null or m.lease_until < now() or m.lease_owner = excluded.lease_owner
                    or right(m.lease_owner, char_length(?)) = ?
                """)) {
            String sameAccount = "/" + accountId;
            ps.setString(1, address.toLowerCase(Locale.ROOT));
            ps.setString(2, owner);
            ps.setDouble(3, lease.toMillis() / 1000.0);
            ps.setString(4, sameAccount);
            ps.setString(5, sameAccount);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new RepositoryException("could not lease shared mailbox " + address, e);
        }
    }

    /** A lease held by this replica: the mailbox (lower case) and its owner. */
    public record Held(String address, String owner) {
    }

    /**
     * The heartbeat: extends, in one statement, the leases among {@code held} that their owners still hold; returns
     * those. A lease missing from the answer was taken over or its row erased (the last subscriber left).
     */
    public Set<Held> renewLeases(Collection<Held> held, Duration lease) {
        if (held.isEmpty()) {
            return Set.of();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                update microsoft_sync.shared_mailboxes m set lease_until = now() + make_interval(secs => ?), updated_at = now()
                from unnest(?::text[], ?::text[]) as h(address, owner)
                where m.address = h.address and m.lease_owner = h.owner
                returning m.address, m.lease_owner
                """)) {
            ps.setDouble(1, lease.toMillis() / 1000.0);
            ps.setArray(2, c.createArrayOf("text", held.stream().map(Held::address).toArray()));
            ps.setArray(3, c.createArrayOf("text", held.stream().map(Held::owner).toArray()));
            Set<Held> renewed = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    renewed.add(new Held(rs.getString(1), rs.getString(2)));
                }
            }
            return renewed;
        } catch (SQLException e) {
            throw new RepositoryException("could not renew the leases of " + held.size() + " shared mailboxes", e);
        }
    }

    /** Releases the lease; {@code syncedBy} non-null records a complete read by that account now. */
    public void release(String address, String owner, String syncedBy) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                update microsoft_sync.shared_mailboxes set lease_owner = null, lease_until = null,
                    last_synced_at = case when ? then now() else last_synced_at end,
                    last_account_id = coalesce(?, last_account_id), updated_at = now()
                where address = ? and lease_owner = ?
                """)) {
            ps.setBoolean(1, syncedBy != null);
            ps.setString(2, syncedBy);
            ps.setString(3, address.toLowerCase(Locale.ROOT));
            ps.setString(4, owner);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RepositoryException("could not release shared mailbox " + address, e);
        }
    }

    /** When the mailbox was last read completely (by any subscriber). */
    public Optional<Instant> lastSyncedAt(String address) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select last_synced_at from microsoft_sync.shared_mailboxes where address = ?")) {
            ps.setString(1, address.toLowerCase(Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp t = rs.getTimestamp(1);
                return Optional.ofNullable(t == null ? null : t.toInstant());
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not read shared mailbox " + address, e);
        }
    }

    /** The last completeness audit of a shared mailbox: when, and by whose job (its source_audits row's account). */
    public record LastAudit(Instant at, String by) {
    }

    public Optional<LastAudit> lastAudit(String address) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select audited_at, audited_by from microsoft_sync.shared_mailboxes where address = ? and audited_at is not null")) {
            ps.setString(1, address.toLowerCase(Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new LastAudit(rs.getTimestamp(1).toInstant(), rs.getString(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not read shared mailbox " + address, e);
        }
    }

    /**
     * {@code accountId}'s job audited the mailbox (its result is saved under that account): recorded here, and the
     * audits other subscribers' jobs saved for it before are dropped, so that one shared mailbox has one current audit
     * (sync-core's {@code source_audits}, in this schema) and an old gap never keeps it incomplete.
     */
    public void audited(String address, String accountId, String source) {
        String key = address.toLowerCase(Locale.ROOT);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement mark = c.prepareStatement("""
                    update microsoft_sync.shared_mailboxes set audited_at = now(), audited_by = ?, updated_at = now()
                    where address = ?
                    """); PreparedStatement others = c.prepareStatement("""
                    delete from microsoft_sync.source_audits where source = ? and mailbox = ? and account_id <> ?
                    """)) {
                mark.setString(1, accountId);
                mark.setString(2, key);
                mark.executeUpdate();
                others.setString(1, source);
                others.setString(2, key);
                others.setString(3, accountId);
                others.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not record the audit of shared mailbox " + address, e);
        }
    }

    private List<String> strings(String sql, String arg) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new RepositoryException("shared mailbox query failed", e);
        }
    }

    private void update(String sql, String... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RepositoryException("shared mailbox update failed", e);
        }
    }
}

package io.interactionsync.connector.repository;

import io.interactionsync.connector.SourceSyncStatus;
import io.interactionsync.model.Completeness;
import io.interactionsync.model.PushHealth;
import io.interactionsync.model.SyncStatus;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class SyncStatusRepository implements PanacheRepositoryBase<SourceSyncStatus, SourceSyncStatus.Key> {

    /**
     * Stores a report unless an equal-or-newer one is already stored; ignores reports for accounts that do
     * not exist (any more). Returns whether a row was written.
     */
    public boolean upsert(UUID accountId, SyncStatus s) {
        Completeness c = s.completeness();
        PushHealth p = s.push();
        int rows = getEntityManager().createNativeQuery("""
                insert into connector.source_sync_status
                    (account_id, source, mailbox, state, fetched, estimated_total, last_synced_at, last_error, reported_at,
                     completeness_checked_at, completeness_provider_count, completeness_ingested_count,
                     completeness_missing, completeness_repaired,
                     push_state, push_expires_at, push_last_notification_at, push_last_error)
                select ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18
                where exists (select 1 from connector.accounts a where a.id = ?1)
                on conflict (account_id, source, mailbox) do update set
                    state = excluded.state, fetched = excluded.fetched, estimated_total = excluded.estimated_total,
                    last_synced_at = coalesce(excluded.last_synced_at, source_sync_status.last_synced_at),
                    last_error = excluded.last_error, reported_at = excluded.reported_at,
                    -- the last audit stays until a report carries a newer one (progress reports carry none)
                    completeness_checked_at = coalesce(excluded.completeness_checked_at,
                        source_sync_status.completeness_checked_at),
                    completeness_provider_count = case when excluded.completeness_checked_at is null
                        then source_sync_status.completeness_provider_count else excluded.completeness_provider_count end,
                    completeness_ingested_count = case when excluded.completeness_checked_at is null
                        then source_sync_status.completeness_ingested_count else excluded.completeness_ingested_count end,
                    completeness_missing = case when excluded.completeness_checked_at is null
                        then source_sync_status.completeness_missing else excluded.completeness_missing end,
                    completeness_repaired = case when excluded.completeness_checked_at is null
                        then source_sync_status.completeness_repaired else excluded.completeness_repaired end,
                    -- push health likewise stays until a report carries it
                    push_state = coalesce(excluded.push_state, source_sync_status.push_state),
                    push_expires_at = case when excluded.push_state is null
                        then source_sync_status.push_expires_at else excluded.push_expires_at end,
                    push_last_notification_at = case when excluded.push_state is null
                        then source_sync_status.push_last_notification_at else excluded.push_last_notification_at end,
                    push_last_error = case when excluded.push_state is null
                        then source_sync_status.push_last_error else excluded.push_last_error end
                where source_sync_status.reported_at <= excluded.reported_at
                """)
                .setParameter(1, accountId)
                .setParameter(2, s.source().wireName())
                .setParameter(3, s.mailbox() == null ? SourceSyncStatus.OWN_MAILBOX : s.mailbox())
                .setParameter(4, wire(s.state()))
                .setParameter(5, s.fetched())
                .setParameter(6, s.estimatedTotal())
                .setParameter(7, s.lastSyncedAt() == null ? null : Timestamp.from(s.lastSyncedAt()))
                .setParameter(8, s.lastError())
                .setParameter(9, Timestamp.from(s.at()))
                .setParameter(10, c == null || c.checkedAt() == null ? null : Timestamp.from(c.checkedAt()))
                .setParameter(11, c == null ? null : c.providerCount())
                .setParameter(12, c == null ? null : c.ingestedCount())
                .setParameter(13, c == null ? null : c.missing())
                .setParameter(14, c == null ? null : c.repaired())
                .setParameter(15, p == null || p.state() == null ? null : p.state().name().toLowerCase(java.util.Locale.ROOT))
                .setParameter(16, p == null || p.expiresAt() == null ? null : Timestamp.from(p.expiresAt()))
                .setParameter(17, p == null || p.lastNotificationAt() == null ? null : Timestamp.from(p.lastNotificationAt()))
                .setParameter(18, p == null ? null : p.lastError())
                .executeUpdate();
        return rows > 0;
    }

    public List<SourceSyncStatus> listFor(Collection<UUID> accountIds) {
        if (accountIds.isEmpty()) {
            return List.of();
        }
        return list("key.accountId in ?1", accountIds);
    }

    /**
     * Reports of these shared mailboxes from any subscriber: a shared mailbox is read once, by whichever subscriber's
     * job gets to it, so the others learn its state from that report.
     */
    public List<SourceSyncStatus> listForMailboxes(Collection<String> addresses) {
        if (addresses.isEmpty()) {
            return List.of();
        }
        return list("key.source = ?1 and lower(key.mailbox) in ?2", "outlook_mail",
                addresses.stream().map(a -> a.toLowerCase(java.util.Locale.ROOT)).distinct().toList());
    }

    /** The account's own reports of its shared mailboxes' mail, by lower-cased address. */
    public java.util.Map<String, SourceSyncStatus> ownSharedMailboxReports(UUID accountId) {
        java.util.Map<String, SourceSyncStatus> out = new java.util.HashMap<>();
        list("key.accountId = ?1 and key.source = ?2 and key.mailbox <> ?3", accountId, "outlook_mail",
                SourceSyncStatus.OWN_MAILBOX)
                .forEach(s -> out.merge(s.key.mailbox.toLowerCase(java.util.Locale.ROOT), s,
                        (a, b) -> a.reportedAt.isAfter(b.reportedAt) ? a : b));
        return out;
    }

    private static String wire(SyncStatus.State state) {
        return state.name().toLowerCase(java.util.Locale.ROOT);
    }
}

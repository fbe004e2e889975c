package io.interactionsync.googlesync.repository;

import io.interactionsync.sync.jobs.RepositoryException;
import io.agroal.api.AgroalDataSource;
import io.interactionsync.googlesync.source.gmail.GmailCursor;
import io.interactionsync.model.Source;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Gmail cursors ({@code google_sync.source_cursors}, source {@code gmail}), the backfill's dedup ids
 * ({@code gmail_backfill_ids}) and the state of every message decided on ({@code gmail_message_states}).
 */
@ApplicationScoped
public class GmailCursorRepository implements GmailCursor.Loader {

    private static final String SOURCE = Source.GMAIL.wireName();

    private final AgroalDataSource dataSource;

    public GmailCursorRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Optional<GmailCursor> load(String accountId) {
        String sql = """
                select phase, sync_run_id, horizon, history_id, label, more_pages, page_token, pending_ids, head_failures,
                       estimated_total, fetched, published, skipped, beyond_horizon, started_at, last_synced_at, resync
                from google_sync.source_cursors where account_id = ? and source = ?
                """;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, accountId);
            ps.setString(2, SOURCE);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Array ids = rs.getArray(8);
                long estimate = rs.getLong(10);
                Long estimatedTotal = rs.wasNull() ? null : estimate;
                return Optional.of(new GmailCursor(
                        GmailCursor.Phase.valueOf(rs.getString(1).toUpperCase(java.util.Locale.ROOT)),
                        rs.getString(2), instant(rs.getTimestamp(3)), rs.getString(4), rs.getString(5), rs.getBoolean(6),
                        rs.getString(7), ids == null ? List.of() : List.of((String[]) ids.getArray()), rs.getInt(9),
                        estimatedTotal, rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14),
                        instant(rs.getTimestamp(15)), instant(rs.getTimestamp(16)), rs.getBoolean(17)));
            }
        } catch (SQLException e) {
            throw new RepositoryException("could not load the Gmail cursor of account " + accountId, e);
        }
    }

    /** Saves the cursor (after the Kafka acks of the records it covers). */
    public void save(String accountId, GmailCursor cursor) {
        inTransaction(c -> upsert(c, accountId, cursor));
    }

    /**
     * Saves the cursor and remembers the listed ids with their thread ids (dedup across pages and labels, thread
     * grouping, resync), in one transaction.
     */
    public void saveWithListedIds(String accountId, GmailCursor cursor, java.util.Map<String, String> listedThreads) {
        inTransaction(c -> {
            upsert(c, accountId, cursor);
            rememberListed(c, accountId, listedThreads);
        });
    }

    /**
     * After a batch of gets, once Kafka acknowledged its records: saves the cursor, remembers the batch's decisions,
     * and records the messages taken from fetched threads without having been listed as listed (so later pages skip
     * them) — in one transaction.
     */
    public void saveAfterFetch(String accountId, GmailCursor cursor, Decisions decisions,
                               java.util.Map<String, String> takenUnlisted) {
        inTransaction(c -> {
            upsert(c, accountId, cursor);
            rememberListed(c, accountId, takenUnlisted);
            remember(c, accountId, decisions);
        });
    }

    private static void rememberListed(Connection c, String accountId, java.util.Map<String, String> listedThreads)
            throws SQLException {
        if (listedThreads.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>(listedThreads.keySet());
        List<String> threads = ids.stream().map(listedThreads::get).toList();
        try (PreparedStatement ps = c.prepareStatement("""
                insert into google_sync.gmail_backfill_ids (account_id, message_id, thread_id)
                select ?, m, t from unnest(?::text[], ?::text[]) as u(m, t) on conflict do nothing
                """)) {
            ps.setString(1, accountId);
            ps.setArray(2, c.createArrayOf("text", ids.toArray()));
            ps.setArray(3, c.createArrayOf("text", threads.toArray()));
            ps.executeUpdate();
        }
    }

    /** Thread ids of listed messages of the current backfill (ids without a known thread are absent). */
    public java.util.Map<String, String> threadIds(String accountId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return java.util.Map.of();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select message_id, thread_id from google_sync.gmail_backfill_ids
                where account_id = ? and message_id = any(?::text[]) and thread_id is not null
                """)) {
            ps.setString(1, accountId);
            ps.setArray(2, c.createArrayOf("text", ids.toArray()));
            java.util.Map<String, String> found = new java.util.HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getString(2));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new RepositoryException("could not read thread ids of account " + accountId, e);
        }
    }

    /** A message as {@code gmail_message_states} knows it: id, thread id, internalDate (epoch ms, null if unknown). */
    public record MessageRef(String id, String threadId, Long internalDate) {
    }

    /** The last decision on a message: its last record was an upsert, a delete, or it is never published. */
    public enum MessageState {
        LIVE, DELETED, EXCLUDED;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * What a step decided, written with its cursor: messages published as upserts ({@code live}), ids published as
     * deletes ({@code deleted}), drafts and chats seen ({@code excluded}), and excluded ones gone for good (forgotten).
     */
    public record Decisions(Collection<MessageRef> upserted, Collection<String> deleted, Collection<MessageRef> excluded,
                            Collection<String> forgotten) {
        public static final Decisions NONE = new Decisions(List.of(), List.of(), List.of(), List.of());

        public static Decisions deleted(Collection<String> ids) {
            return new Decisions(List.of(), ids, List.of(), List.of());
        }
    }

    /** Saves the cursor after Kafka acknowledged a step's records, with the step's decisions, in one transaction. */
    public void saveAfterPublish(String accountId, GmailCursor cursor, Decisions decisions) {
        inTransaction(c -> {
            upsert(c, accountId, cursor);
            remember(c, accountId, decisions);
        });
    }

    private static void remember(Connection c, String accountId, Decisions d) throws SQLException {
        rememberState(c, accountId, d.upserted(), MessageState.LIVE);
        rememberState(c, accountId, d.excluded(), MessageState.EXCLUDED);
        if (!d.deleted().isEmpty()) {
            // Only what was published can be deleted: the row exists (live), its thread and date stay for the audit.
            try (PreparedStatement ps = c.prepareStatement("""
                    update google_sync.gmail_message_states set state = 'deleted', updated_at = now()
                    where account_id = ? and message_id = any(?::text[])
                    """)) {
                ps.setString(1, accountId);
                ps.setArray(2, c.createArrayOf("text", d.deleted().toArray()));
                ps.executeUpdate();
            }
        }
        if (!d.forgotten().isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    delete from google_sync.gmail_message_states
                    where account_id = ? and message_id = any(?::text[]) and state = 'excluded'
                    """)) {
                ps.setString(1, accountId);
                ps.setArray(2, c.createArrayOf("text", d.forgotten().toArray()));
                ps.executeUpdate();
            }
        }
    }

    private static void rememberState(Connection c, String accountId, Collection<MessageRef> messages,
                                      MessageState state) throws SQLException {
        if (messages.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                insert into google_sync.gmail_message_states (account_id, message_id, thread_id, internal_date, state)
                values (?, ?, ?, ?, ?) on conflict (account_id, message_id) do update
                set thread_id = coalesce(excluded.thread_id, gmail_message_states.thread_id),
                    internal_date = coalesce(excluded.internal_date, gmail_message_states.internal_date),
                    state = excluded.state, updated_at = now()
                """)) {
            for (MessageRef m : messages) {
                ps.setString(1, accountId);
                ps.setString(2, m.id());
                ps.setString(3, m.threadId());
                if (m.internalDate() == null) {
                    ps.setNull(4, Types.BIGINT);
                } else {
                    ps.setLong(4, m.internalDate());
                }
                ps.setString(5, state.wire());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The state of each of {@code ids} this service knows (ids it never decided on are absent). */
    public java.util.Map<String, MessageState> states(String accountId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return java.util.Map.of();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select message_id, state from google_sync.gmail_message_states
                where account_id = ? and message_id = any(?::text[])
                """)) {
            ps.setString(1, accountId);
            ps.setArray(2, c.createArrayOf("text", ids.toArray()));
            java.util.Map<String, MessageState> found = new java.util.HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), MessageState.valueOf(rs.getString(2).toUpperCase(java.util.Locale.ROOT)));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new RepositoryException("could not read message states of account " + accountId, e);
        }
    }

    /** Which of {@code ids} were last published as upserts (live). */
    public Set<String> live(String accountId, Collection<String> ids) {
        Set<String> live = new HashSet<>();
        states(accountId, ids).forEach((id, state) -> {
            if (state == MessageState.LIVE) {
                live.add(id);
            }
        });
        return live;
    }

    /**
     * Live messages not listed during the current (resync) backfill whose internalDate is at or after the horizon
     * (older ones merely aged out of the window): moved to TRASH/SPAM or deleted while the history was lost.
     */
    public List<MessageRef> liveButNotListed(String accountId, Instant horizon) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select p.message_id, p.thread_id, p.internal_date from google_sync.gmail_message_states p
                where p.account_id = ? and p.state = 'live' and (p.internal_date is null or p.internal_date >= ?)
                  and not exists (select 1 from google_sync.gmail_backfill_ids b
                                  where b.account_id = p.account_id and b.message_id = p.message_id)
                order by p.message_id
                """)) {
            ps.setString(1, accountId);
            ps.setLong(2, horizon.toEpochMilli());
            List<MessageRef> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long date = rs.getLong(3);
                    rows.add(new MessageRef(rs.getString(1), rs.getString(2), rs.wasNull() ? null : date));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new RepositoryException("could not read message states of account " + accountId, e);
        }
    }

    /** Saves the cursor of a completed resync backfill, marks the messages just deleted, drops the dedup ids. */
    public void saveCompleted(String accountId, GmailCursor cursor, Collection<String> deleted) {
        inTransaction(c -> {
            upsert(c, accountId, cursor);
            remember(c, accountId, Decisions.deleted(deleted));
            clearListedIds(c, accountId);
        });
    }

    /** Starts a backfill afresh: the new cursor replaces the old one and the dedup ids are dropped. */
    public void restart(String accountId, GmailCursor cursor) {
        inTransaction(c -> {
            clearListedIds(c, accountId);
            upsert(c, accountId, cursor);
        });
    }

    /** Saves the cursor of a completed backfill and drops its dedup ids. */
    public void saveCompleted(String accountId, GmailCursor cursor) {
        inTransaction(c -> {
            upsert(c, accountId, cursor);
            clearListedIds(c, accountId);
        });
    }

    /** Which of {@code ids} this backfill already listed (or published from a fetched thread). */
    public Set<String> alreadyListed(String accountId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select message_id from google_sync.gmail_backfill_ids where account_id = ? and message_id = any(?::text[])
                """)) {
            ps.setString(1, accountId);
            ps.setArray(2, c.createArrayOf("text", ids.toArray()));
            Set<String> found = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new RepositoryException("could not read listed ids of account " + accountId, e);
        }
    }

    /** Records messages given up on, with the reason (counted in the cursor's {@code skipped}). */
    public void recordSkipped(String accountId, String syncRunId, List<String> messageIds, String reason) {
        if (messageIds.isEmpty()) {
            return;
        }
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into google_sync.skipped_records (account_id, source, remote_id, sync_run_id, reason)
                    values (?, ?, ?, ?, ?) on conflict do nothing
                    """)) {
                for (String id : messageIds) {
                    ps.setString(1, accountId);
                    ps.setString(2, SOURCE);
                    ps.setString(3, id);
                    ps.setString(4, syncRunId);
                    ps.setString(5, reason);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    /** Skipped messages of an account: id → reason. */
    public List<String[]> skipped(String accountId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select remote_id, reason from google_sync.skipped_records where account_id = ? and source = ? order by remote_id
                """)) {
            ps.setString(1, accountId);
            ps.setString(2, SOURCE);
            List<String[]> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new RepositoryException("could not read skipped records of account " + accountId, e);
        }
    }

    private static void clearListedIds(Connection c, String accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from google_sync.gmail_backfill_ids where account_id = ?")) {
            ps.setString(1, accountId);
            ps.executeUpdate();
        }
    }

    private static void upsert(Connection c, String accountId, GmailCursor k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into google_sync.source_cursors (account_id, source, phase, sync_run_id, horizon, history_id, label,
                    more_pages, page_token, pending_ids, head_failures, estimated_total, fetched, published, skipped,
                    beyond_horizon, started_at, last_synced_at, resync, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
                on conflict (account_id, source) do update set phase = excluded.phase, sync_run_id = excluded.sync_run_id,
                    horizon = excluded.horizon, history_id = excluded.history_id, label = excluded.label,
                    more_pages = excluded.more_pages, page_token = excluded.page_token, pending_ids = excluded.pending_ids,
                    head_failures = excluded.head_failures, estimated_total = excluded.estimated_total,
                    fetched = excluded.fetched, published = excluded.published, skipped = excluded.skipped,
                    beyond_horizon = excluded.beyond_horizon, started_at = excluded.started_at,
                    last_synced_at = excluded.last_synced_at, resync = excluded.resync, updated_at = now()
                """)) {
            int i = 1;
            ps.setString(i++, accountId);
            ps.setString(i++, SOURCE);
            ps.setString(i++, k.phase().wire());
            ps.setString(i++, k.syncRunId());
            ps.setTimestamp(i++, timestamp(k.horizon()));
            ps.setString(i++, k.historyId());
            ps.setString(i++, k.listing());
            ps.setBoolean(i++, k.morePages());
            ps.setString(i++, k.pageToken());
            ps.setArray(i++, c.createArrayOf("text", k.pendingIds().toArray()));
            ps.setInt(i++, k.headFailures());
            if (k.estimatedTotal() == null) {
                ps.setNull(i++, Types.BIGINT);
            } else {
                ps.setLong(i++, k.estimatedTotal());
            }
            ps.setLong(i++, k.fetched());
            ps.setLong(i++, k.published());
            ps.setLong(i++, k.skipped());
            ps.setLong(i++, k.beyondHorizon());
            ps.setTimestamp(i++, timestamp(k.startedAt()));
            ps.setTimestamp(i++, timestamp(k.lastSyncedAt()));
            ps.setBoolean(i, k.resync());
            ps.executeUpdate();
        }
    }

    private void inTransaction(Work work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new RepositoryException("Gmail cursor write failed", e);
        }
    }

    private static Timestamp timestamp(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    @FunctionalInterface
    private interface Work {
        void run(Connection c) throws SQLException;
    }
}

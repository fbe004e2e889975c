package io.interactionsync.relationship.repository;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads for the API. Orders ties by their effective key {@code case when uncapped then score_key else
 * least(score_key, capKey) end}: capKey (the anchored key at which the one-way cap is reached) is fixed by the
 * listing's time, so a keyset cursor over (key, contact) is stable across pages.
 */
@ApplicationScoped
public class QueryRepository {

    private static final String TIE_COLUMNS = "t.user_id, t.contact_email, t.contact_name, t.out_sum, t.in_sum, "
            + "t.meet_sum, t.score_key, t.uncapped, t.emails_sent, t.emails_received, t.meetings, "
            + "t.last_interaction_at";
    private static final String EFFECTIVE = "case when t.uncapped then t.score_key else least(t.score_key, ?) end";

    /** A keyset position: strictly after (key desc, contact asc). */
    public record After(double key, String contact) {
    }

    /** One member's page of ties, strongest first; {@code contact} and {@code after} optional. */
    public List<TieRow> page(Connection c, String userId, String contact, double capKey, double minKey, After after,
                             int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("select * from (select " + TIE_COLUMNS + ", " + EFFECTIVE
                + " as eff from ties t where t.user_id = ? and t.last_interaction_at is not null");
        if (contact != null) {
            sql.append(" and t.contact_email = ?");
        }
        sql.append(") x where x.eff >= ?");
        if (after != null) {
            sql.append(" and (x.eff < ? or (x.eff = ? and x.contact_email > ?))");
        }
        sql.append(" order by x.eff desc, x.contact_email limit ?");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setDouble(i++, capKey);
            ps.setString(i++, userId);
            if (contact != null) {
                ps.setString(i++, contact);
            }
            ps.setDouble(i++, minKey);
            if (after != null) {
                ps.setDouble(i++, after.key());
                ps.setDouble(i++, after.key());
                ps.setString(i++, after.contact());
            }
            ps.setInt(i, limit);
            return ties(ps);
        }
    }

    /** Ties of these members with these contacts. */
    public List<TieRow> ties(Connection c, Collection<String> userIds, Collection<String> contacts, double capKey)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + TIE_COLUMNS + ", " + EFFECTIVE + " as eff"
                + " from ties t where t.user_id = any(?) and t.contact_email = any(?)"
                + " and t.last_interaction_at is not null")) {
            ps.setDouble(1, capKey);
            ps.setArray(2, c.createArrayOf("text", userIds.toArray()));
            ps.setArray(3, c.createArrayOf("text", contacts.toArray()));
            return ties(ps);
        }
    }

    /** A team's contacts (not members), ordered by the key connection's effective key. */
    public List<After> teamPage(Connection c, Collection<String> userIds,
                                Collection<String> memberEmails, Collection<String> internalDomains,
                                String contact, double capKey, After after, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("select t.contact_email, max(" + EFFECTIVE + ") as k from ties t"
                + " where t.user_id = any(?) and t.last_interaction_at is not null"
                + " and not (t.contact_email = any(?))"
                + " and not exists (select 1 from unnest(?::text[]) d where split_part(t.contact_email, '@', 2) = d"
                + " or right(split_part(t.contact_email, '@', 2), length(d) + 1) = '.' || d)");
        if (contact != null) {
            sql.append(" and t.contact_email = ?");
        }
        sql.append(" group by t.contact_email");
        if (after != null) {
            sql.append(" having max(" + EFFECTIVE + ") < ? or (max(" + EFFECTIVE + ") = ? and t.contact_email > ?)");
        }
        sql.append(" order by k desc, t.contact_email limit ?");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setDouble(i++, capKey);
            ps.setArray(i++, c.createArrayOf("text", userIds.toArray()));
            ps.setArray(i++, c.createArrayOf("text", memberEmails.toArray()));
            ps.setArray(i++, c.createArrayOf("text", internalDomains.toArray()));
            if (contact != null) {
                ps.setString(i++, contact);
            }
            if (after != null) {
                ps.setDouble(i++, capKey);
                ps.setDouble(i++, after.key());
                ps.setDouble(i++, capKey);
                ps.setDouble(i++, after.key());
                ps.setString(i++, after.contact());
            }
            ps.setInt(i, limit);
            List<After> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new After(rs.getDouble(2), rs.getString(1)));
                }
            }
            return out;
        }
    }

    /**
     * Team-deduplicated counts per contact (R-E2): copies of one message in several members' mailboxes count once when
     * they share the Internet Message-ID, the sender and a date within 24 h of each other (Exchange rewrites ids on
     * redirect; some senders reuse an id for different mail). The sender of a member's copy is the contact of its
     * {@code from} event, or "a member" when it has none (sent by the member or a colleague, never a contact).
     * Meetings count once per start and end.
     */
    public record TeamCounts(long emails, long meetings, Instant lastInteractionAt) {
    }

    public Map<String, TeamCounts> teamCounts(Connection c, Collection<String> userIds, Collection<String> contacts,
                                              Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                with copies as (
                    select e.contact_email, e.bucket, e.dedup_key, e.occurred_at,
                           coalesce((select f.contact_email from events f
                                     where f.user_id = e.user_id and f.dedup_key = e.dedup_key and f.role = 'from'
                                     order by f.contact_email limit 1), '') as sender
                    from events e
                    where e.user_id = any(?) and e.contact_email = any(?) and e.occurred_at <= ?),
                merged as (
                    select contact_email, bucket, occurred_at,
                           case when occurred_at - lag(occurred_at) over w <= interval '24 hours' then 0 else 1 end
                               as first_copy
                    from copies
                    window w as (partition by contact_email, dedup_key, sender order by occurred_at))
                select contact_email,
                       sum(first_copy) filter (where bucket in ('O', 'I')),
                       sum(first_copy) filter (where bucket = 'M'),
                       max(occurred_at)
                from merged
                group by contact_email""")) {
            ps.setArray(1, c.createArrayOf("text", userIds.toArray()));
            ps.setArray(2, c.createArrayOf("text", contacts.toArray()));
            ps.setTimestamp(3, Timestamp.from(now));
            Map<String, TeamCounts> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new TeamCounts(rs.getLong(2), rs.getLong(3),
                            rs.getTimestamp(4).toInstant()));
                }
            }
            return out;
        }
    }

    /** A contributing interaction of a tie (deduplicated like the tie's sums). */
    public record Contribution(String eventId, String kind, String direction, String role, Instant occurredAt,
                               double weight, double anchored, String source, String threadId,
                               String internetMessageId) {
    }

    /** The top {@code n} contributions of a member × contact that have happened by {@code now}. */
    public List<Contribution> topContributions(Connection c, String userId, String contact, Instant now, int n)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select * from (
                    select distinct on (dedup_key) event_id, kind, direction, role, occurred_at, weight, anchored,
                           source, thread_id, internet_message_id
                    from events where user_id = ? and contact_email = ? and occurred_at <= ?
                    order by dedup_key, weight desc, event_id) k
                where anchored > 0
                order by anchored desc, occurred_at desc limit ?""")) {
            ps.setString(1, userId);
            ps.setString(2, contact);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setInt(4, n);
            List<Contribution> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Contribution(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5).toInstant(), rs.getDouble(6), rs.getDouble(7), rs.getString(8),
                            rs.getString(9), rs.getString(10)));
                }
            }
            return out;
        }
    }

    /** A collection's member emails and internal domains. */
    public record CollectionRow(List<String> memberEmails, List<String> internalDomains) {
    }

    /** The collection, or null when unknown. */
    public CollectionRow collection(Connection c, String collectionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select member_emails, internal_domains from collections where collection_id = ?")) {
            ps.setString(1, collectionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new CollectionRow(List.of((String[]) rs.getArray(1).getArray()),
                        List.of((String[]) rs.getArray(2).getArray()));
            }
        }
    }

    /** user id → the member email it was resolved from, for these member emails (through the accounts' emails). */
    public Map<String, String> resolveMembers(Connection c, Collection<String> memberEmails) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select user_id, email from accounts where email = any(?) order by email")) {
            ps.setArray(1, c.createArrayOf("text", memberEmails.toArray()));
            Map<String, String> out = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.putIfAbsent(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        }
    }

    private static List<TieRow> ties(PreparedStatement ps) throws SQLException {
        List<TieRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp last = rs.getTimestamp(12);
                out.add(new TieRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4),
                        rs.getDouble(5), rs.getDouble(6), rs.getDouble(7), rs.getBoolean(8), rs.getInt(9),
                        rs.getInt(10), rs.getInt(11), last == null ? null : last.toInstant(), rs.getDouble(13)));
            }
        }
        return out;
    }
}

package io.interactionsync.relationship.repository;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Set-based writes of {@code relationship.events} and {@code relationship.ties}: one statement per step of a batch,
 * arrays bound through {@code unnest}. A tie is recomputed from its member × contact's events only (never a full
 * recompute), so per-member dedup (one message counts once, its highest weight) stays exact under deletions.
 */
@ApplicationScoped
public class WriteRepository {

    /** Removes these events; returns the ties they belonged to. */
    public Set<TiePair> deleteEvents(Connection c, Collection<UUID> ids) throws SQLException {
        if (ids.isEmpty()) {
            return Set.of();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "delete from events where event_id = any(?) returning user_id, contact_email")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            return pairs(ps);
        }
    }

    /** Inserts live events (their ids were deleted first: re-delivery replaces, never duplicates). */
    public void insertEvents(Connection c, List<EventRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        Object[] ids = new Object[n];
        String[] users = new String[n], accounts = new String[n], contacts = new String[n], names = new String[n],
                kinds = new String[n], directions = new String[n], roles = new String[n], buckets = new String[n],
                dedup = new String[n], sources = new String[n], threads = new String[n], messageIds = new String[n];
        Double[] weights = new Double[n], anchored = new Double[n];
        Long[] micros = new Long[n];
        for (int i = 0; i < n; i++) {
            EventRow r = rows.get(i);
            ids[i] = r.eventId();
            users[i] = r.userId();
            accounts[i] = r.accountId();
            contacts[i] = r.contactEmail();
            names[i] = r.contactName();
            kinds[i] = r.kind();
            directions[i] = r.direction();
            roles[i] = r.role();
            buckets[i] = r.bucket();
            weights[i] = r.weight();
            anchored[i] = r.anchored();
            micros[i] = r.occurredAt().getEpochSecond() * 1_000_000L + r.occurredAt().getNano() / 1_000;
            dedup[i] = r.dedupKey();
            sources[i] = r.source();
            threads[i] = r.threadId();
            messageIds[i] = r.internetMessageId();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                insert into events (event_id, user_id, account_id, contact_email, contact_name, kind, direction, role,
                                    bucket, weight, anchored, occurred_at, dedup_key, source, thread_id,
                                    internet_message_id)
                select id, u, a, ce, cn, k, d, r, b, w, an, timestamptz 'epoch' + us * interval '1 microsecond',
                       dk, s, t, m
                from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                            ?::text[], ?::float8[], ?::float8[], ?::int8[], ?::text[], ?::text[], ?::text[], ?::text[])
                     as x(id, u, a, ce, cn, k, d, r, b, w, an, us, dk, s, t, m)
                on conflict (event_id) do nothing""")) {
            int i = 1;
            ps.setArray(i++, c.createArrayOf("uuid", ids));
            String[][] texts = {users, accounts, contacts, names, kinds, directions, roles, buckets};
            for (String[] column : texts) {
                ps.setArray(i++, c.createArrayOf("text", column));
            }
            ps.setArray(i++, c.createArrayOf("float8", weights));
            ps.setArray(i++, c.createArrayOf("float8", anchored));
            ps.setArray(i++, c.createArrayOf("int8", micros));
            for (String[] column : new String[][] {dedup, sources, threads, messageIds}) {
                ps.setArray(i++, c.createArrayOf("text", column));
            }
            ps.executeUpdate();
        }
    }

    /**
     * Recomputes these ties from their events as of {@code now}: per member × contact each dedup key (message or
     * meeting) counts once with its highest weight; only events that have happened count; the earliest future one is
     * kept in {@code next_event_at} for the promotion job. Ties without events are deleted.
     */
    public void recomputeTies(Connection c, Collection<TiePair> pairs, Instant now, double imbalanceFactor)
            throws SQLException {
        if (pairs.isEmpty()) {
            return;
        }
        Set<TiePair> distinct = new LinkedHashSet<>(pairs);
        Array users = c.createArrayOf("text", distinct.stream().map(TiePair::userId).toArray());
        Array contacts = c.createArrayOf("text", distinct.stream().map(TiePair::contactEmail).toArray());
        Timestamp at = Timestamp.from(now);
        try (PreparedStatement ps = c.prepareStatement("""
                insert into ties (user_id, contact_email, contact_name, out_sum, in_sum, meet_sum, score_key, uncapped,
                                  emails_sent, emails_received, meetings, last_interaction_at, next_event_at)
                select p.u, p.ce, a.name, a.o, a.i, a.m,
                       least(a.o, a.i) + ? * abs(a.o - a.i) + a.m, (a.o > 0 and a.i > 0) or a.m > 0,
                       a.sent, a.received, a.meetings, a.last_at, f.next_at
                from unnest(?::text[], ?::text[]) as p(u, ce)
                cross join lateral (
                    select coalesce(sum(k.anchored) filter (where k.bucket = 'O'), 0) as o,
                           coalesce(sum(k.anchored) filter (where k.bucket = 'I'), 0) as i,
                           coalesce(sum(k.anchored) filter (where k.bucket = 'M'), 0) as m,
                           count(*) filter (where k.bucket = 'O') as sent,
                           count(*) filter (where k.bucket = 'I') as received,
                           count(*) filter (where k.bucket = 'M') as meetings,
                           max(k.occurred_at) as last_at,
                           (array_agg(k.contact_name order by k.occurred_at desc)
                                filter (where k.contact_name is not null))[1] as name
                    from (select distinct on (e.dedup_key) e.*
                          from events e
                          where e.user_id = p.u and e.contact_email = p.ce and e.occurred_at <= ?
                          order by e.dedup_key, e.weight desc, e.event_id) k) a
                cross join lateral (
                    select min(e.occurred_at) as next_at from events e
                    where e.user_id = p.u and e.contact_email = p.ce and e.occurred_at > ?) f
                where a.last_at is not null or f.next_at is not null
                on conflict (user_id, contact_email) do update set
                    contact_name = excluded.contact_name, out_sum = excluded.out_sum, in_sum = excluded.in_sum,
                    meet_sum = excluded.meet_sum, score_key = excluded.score_key, uncapped = excluded.uncapped,
                    emails_sent = excluded.emails_sent, emails_received = excluded.emails_received,
                    meetings = excluded.meetings, last_interaction_at = excluded.last_interaction_at,
                    next_event_at = excluded.next_event_at""")) {
            ps.setDouble(1, imbalanceFactor);
            ps.setArray(2, users);
            ps.setArray(3, contacts);
            ps.setTimestamp(4, at);
            ps.setTimestamp(5, at);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                delete from ties t using unnest(?::text[], ?::text[]) as p(u, ce)
                where t.user_id = p.u and t.contact_email = p.ce
                  and not exists (select 1 from events e where e.user_id = p.u and e.contact_email = p.ce)""")) {
            ps.setArray(1, users);
            ps.setArray(2, contacts);
            ps.executeUpdate();
        }
    }

    /** Ties whose earliest future event has happened by {@code now} (a meeting started), at most {@code limit}. */
    public List<TiePair> dueTies(Connection c, Instant now, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select user_id, contact_email from ties where next_event_at <= ? limit ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setInt(2, limit);
            return new ArrayList<>(pairs(ps));
        }
    }

    /** The {@code limit}-th distinct member × contact pair after {@code after} in key order (or the last), or null. */
    public TiePair pairBoundary(Connection c, TiePair after, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select user_id, contact_email from (
                    select distinct user_id, contact_email from events
                    where (user_id, contact_email) > (?, ?)
                    order by user_id, contact_email limit ?) x
                order by user_id desc, contact_email desc limit 1""")) {
            ps.setString(1, after.userId());
            ps.setString(2, after.contactEmail());
            ps.setInt(3, limit);
            Set<TiePair> last = pairs(ps);
            return last.isEmpty() ? null : last.iterator().next();
        }
    }

    /**
     * The rebuild's bulk form of {@link #recomputeTies}: every tie with key in (after, last], one grouped pass over
     * their events instead of one lookup per tie (the same rules: dedup key once at its highest weight, only what has
     * happened by {@code now}, the earliest future event kept). RebuildIT checks both give the same ties.
     */
    public void computeTieRange(Connection c, TiePair after, TiePair last, Instant now, double imbalanceFactor)
            throws SQLException {
        String range = "(user_id, contact_email) > (?, ?) and (user_id, contact_email) <= (?, ?)";
        try (PreparedStatement ps = c.prepareStatement("""
                with k as (
                    select distinct on (user_id, contact_email, dedup_key) *
                    from events where %s and occurred_at <= ?
                    order by user_id, contact_email, dedup_key, weight desc, event_id),
                a as (
                    select user_id, contact_email,
                           coalesce(sum(anchored) filter (where bucket = 'O'), 0) as o,
                           coalesce(sum(anchored) filter (where bucket = 'I'), 0) as i,
                           coalesce(sum(anchored) filter (where bucket = 'M'), 0) as m,
                           count(*) filter (where bucket = 'O') as sent,
                           count(*) filter (where bucket = 'I') as received,
                           count(*) filter (where bucket = 'M') as meetings,
                           max(occurred_at) as last_at,
                           (array_agg(contact_name order by occurred_at desc)
                                filter (where contact_name is not null))[1] as name
                    from k group by user_id, contact_email),
                f as (
                    select user_id, contact_email, min(occurred_at) as next_at
                    from events where %s and occurred_at > ? group by user_id, contact_email),
                t as (
                    select coalesce(a.user_id, f.user_id) as u, coalesce(a.contact_email, f.contact_email) as ce,
                           a.name, coalesce(a.o, 0) as o, coalesce(a.i, 0) as i, coalesce(a.m, 0) as m,
                           coalesce(a.sent, 0) as sent, coalesce(a.received, 0) as received,
                           coalesce(a.meetings, 0) as meetings, a.last_at, f.next_at
                    from a full join f on a.user_id = f.user_id and a.contact_email = f.contact_email)
                insert into ties (user_id, contact_email, contact_name, out_sum, in_sum, meet_sum, score_key, uncapped,
                                  emails_sent, emails_received, meetings, last_interaction_at, next_event_at)
                select u, ce, name, o, i, m, least(o, i) + ? * abs(o - i) + m, (o > 0 and i > 0) or m > 0,
                       sent, received, meetings, last_at, next_at
                from t
                on conflict (user_id, contact_email) do update set
                    contact_name = excluded.contact_name, out_sum = excluded.out_sum, in_sum = excluded.in_sum,
                    meet_sum = excluded.meet_sum, score_key = excluded.score_key, uncapped = excluded.uncapped,
                    emails_sent = excluded.emails_sent, emails_received = excluded.emails_received,
                    meetings = excluded.meetings, last_interaction_at = excluded.last_interaction_at,
                    next_event_at = excluded.next_event_at""".formatted(range, range))) {
            Timestamp at = Timestamp.from(now);
            int i = 1;
            for (int pass = 0; pass < 2; pass++) {
                ps.setString(i++, after.userId());
                ps.setString(i++, after.contactEmail());
                ps.setString(i++, last.userId());
                ps.setString(i++, last.contactEmail());
                ps.setTimestamp(i++, at);
            }
            ps.setDouble(i, imbalanceFactor);
            ps.executeUpdate();
        }
    }

    /** Deletes every event of an account (purge); returns the ties to recompute. */
    public Deleted deleteAccountEvents(Connection c, String accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "delete from events where account_id = ? returning user_id, contact_email")) {
            ps.setString(1, accountId);
            return deleted(ps);
        }
    }

    /**
     * Deletes these users' events with contacts matching {@code entries} (addresses, or {@code @domain} for the domain
     * and its subdomains); returns the ties to recompute.
     */
    public Deleted deleteBlocked(Connection c, Collection<String> userIds, Collection<String> entries)
            throws SQLException {
        if (userIds.isEmpty() || entries.isEmpty()) {
            return new Deleted(Set.of(), 0);
        }
        List<String> addresses = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        for (String entry : entries) {
            if (entry.startsWith("@")) {
                domains.add(entry.substring(1));
            } else {
                addresses.add(entry);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                delete from events e
                where e.user_id = any(?)
                  and (e.contact_email = any(?)
                       or exists (select 1 from unnest(?::text[]) d
                                  where split_part(e.contact_email, '@', 2) = d
                                     or right(split_part(e.contact_email, '@', 2), length(d) + 1) = '.' || d))
                returning user_id, contact_email""")) {
            ps.setArray(1, c.createArrayOf("text", userIds.toArray()));
            ps.setArray(2, c.createArrayOf("text", addresses.toArray()));
            ps.setArray(3, c.createArrayOf("text", domains.toArray()));
            return deleted(ps);
        }
    }

    /** Of these accounts, the ones purged for good. */
    public Set<String> erased(Connection c, Collection<String> accountIds) throws SQLException {
        if (accountIds.isEmpty()) {
            return Set.of();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "select account_id from erased_accounts where account_id = any(?)")) {
            ps.setArray(1, c.createArrayOf("text", accountIds.toArray()));
            Set<String> out = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    /** Every blocklist entry that applies to each of these users: their own list and their collections' lists. */
    public Map<String, List<String>> blocklistsOf(Connection c, Collection<String> userIds) throws SQLException {
        Map<String, List<String>> out = new HashMap<>();
        if (userIds.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                select b.owner_id, unnest(b.entries) from blocklists b
                where b.scope = 'user' and b.owner_id = any(?)
                union
                select a.user_id, unnest(b.entries) from accounts a
                join collections col on a.email = any(col.member_emails)
                join blocklists b on b.scope = 'collection' and b.owner_id = col.collection_id
                where a.user_id = any(?)""")) {
            Array users = c.createArrayOf("text", userIds.toArray());
            ps.setArray(1, users);
            ps.setArray(2, users);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    public void upsertAccount(Connection c, String accountId, String userId, String email) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into accounts (account_id, user_id, email) values (?, ?, ?)
                on conflict (account_id) do update set user_id = excluded.user_id,
                    email = coalesce(excluded.email, accounts.email)""")) {
            ps.setString(1, accountId);
            ps.setString(2, userId);
            ps.setString(3, email);
            ps.executeUpdate();
        }
    }

    public void deleteAccount(Connection c, String accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from accounts where account_id = ?")) {
            ps.setString(1, accountId);
            ps.executeUpdate();
        }
    }

    public void markErased(Connection c, String accountId, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into erased_accounts (account_id, erased_at) values (?, ?) on conflict do nothing")) {
            ps.setString(1, accountId);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    public void upsertCollection(Connection c, String collectionId, String name, List<String> memberEmails,
                                 List<String> internalDomains) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into collections (collection_id, name, member_emails, internal_domains) values (?, ?, ?, ?)
                on conflict (collection_id) do update set name = excluded.name,
                    member_emails = excluded.member_emails, internal_domains = excluded.internal_domains""")) {
            ps.setString(1, collectionId);
            ps.setString(2, name);
            ps.setArray(3, c.createArrayOf("text", memberEmails.toArray()));
            ps.setArray(4, c.createArrayOf("text", internalDomains.toArray()));
            ps.executeUpdate();
        }
    }

    public void upsertBlocklist(Connection c, String scope, String ownerId, List<String> entries) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into blocklists (scope, owner_id, entries) values (?, ?, ?)
                on conflict (scope, owner_id) do update set entries = excluded.entries""")) {
            ps.setString(1, scope);
            ps.setString(2, ownerId);
            ps.setArray(3, c.createArrayOf("text", entries.toArray()));
            ps.executeUpdate();
        }
    }

    /** The user ids of a collection's members, resolved through their accounts' emails. */
    public Set<String> collectionUsers(Connection c, String collectionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select distinct a.user_id from collections col join accounts a on a.email = any(col.member_emails)
                where col.collection_id = ?""")) {
            ps.setString(1, collectionId);
            Set<String> out = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    /** Empties the derived tables (rebuild); accounts, collections, blocklists and erasures stay. */
    public void truncateDerived(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("truncate events, ties")) {
            ps.execute();
        }
    }

    private static Set<TiePair> pairs(PreparedStatement ps) throws SQLException {
        return deleted(ps).ties();
    }

    /** Events deleted, and the ties they belonged to. */
    public record Deleted(Set<TiePair> ties, int events) {
    }

    private static Deleted deleted(PreparedStatement ps) throws SQLException {
        Set<TiePair> out = new LinkedHashSet<>();
        int events = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                events++;
                out.add(new TiePair(rs.getString(1), rs.getString(2)));
            }
        }
        return new Deleted(out, events);
    }
}

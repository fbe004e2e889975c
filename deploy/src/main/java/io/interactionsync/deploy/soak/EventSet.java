package io.interactionsync.deploy.soak;

import io.interactionsync.deploy.LocalDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The users' rows of {@code normalizer.interaction_events} as the soak compares them: identity (user, source, remote
 * id, contact, role, kind) → outcome (direction, deleted, newsletter, classification). Account ids are left out (each
 * run connects new accounts); so are times and names, which the rules copy from the record.
 *
 * @param rows       identity → outcome (the first row seen, when an identity appears twice)
 * @param duplicates rows whose (user, source, remote id, contact, role) — the table's unique identity — or whose whole
 *                   identity was already on another row
 */
public record EventSet(Map<String, String> rows, List<String> duplicates) {

    public static EventSet read(LocalDatabase database, Collection<String> userIds) throws SQLException {
        Map<String, String> rows = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        java.util.Set<String> uniqueIdentities = new java.util.HashSet<>();
        try (Connection c = database.connect(); PreparedStatement q = c.prepareStatement("""
                select user_id, source, remote_id, contact_email, role, kind, direction, deleted, newsletter,
                       classification
                  from normalizer.interaction_events where user_id = any(?)""")) {
            Array ids = c.createArrayOf("text", userIds.toArray());
            q.setArray(1, ids);
            q.setFetchSize(10_000);
            c.setAutoCommit(false);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String key = String.join(" | ", rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6));
                    String outcome = "direction=" + rs.getString(7) + " deleted=" + rs.getBoolean(8) + " newsletter="
                            + rs.getBoolean(9) + " classification=" + rs.getString(10);
                    String unique = String.join(" | ", rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5));
                    boolean keySeen = rows.putIfAbsent(key, outcome) != null;
                    boolean uniqueSeen = !uniqueIdentities.add(unique);
                    if (keySeen || uniqueSeen) {
                        duplicates.add(key);
                    }
                }
            }
        }
        return new EventSet(Map.copyOf(rows), List.copyOf(duplicates));
    }

    /** How {@code actual} differs from this (the baseline); each list sorted. */
    public Comparison compare(EventSet actual) {
        TreeSet<String> missing = new TreeSet<>();
        TreeSet<String> reclassified = new TreeSet<>();
        rows.forEach((key, outcome) -> {
            String other = actual.rows.get(key);
            if (other == null) {
                missing.add(key);
            } else if (!other.equals(outcome)) {
                reclassified.add(key + " : " + outcome + " → " + other);
            }
        });
        TreeSet<String> extra = new TreeSet<>();
        actual.rows.keySet().forEach(key -> {
            if (!rows.containsKey(key)) {
                extra.add(key);
            }
        });
        return new Comparison(List.copyOf(missing), List.copyOf(extra), List.copyOf(new TreeSet<>(actual.duplicates)),
                List.copyOf(reclassified));
    }

    public record Comparison(List<String> missing, List<String> extra, List<String> duplicates,
                             List<String> reclassified) {

        public boolean identical() {
            return missing.isEmpty() && extra.isEmpty() && duplicates.isEmpty() && reclassified.isEmpty();
        }
    }
}

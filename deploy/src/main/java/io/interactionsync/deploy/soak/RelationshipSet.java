package io.interactionsync.deploy.soak;

import io.interactionsync.deploy.LocalDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The users' email ties in relationship-service ({@code relationship.ties}) as the soak compares them: (user, contact)
 * → emails sent and received and the decay-anchored outbound and inbound sums. A kill of relationship-service, of the
 * broker or of the normalizer must leave the same ties as the fault-free run: the service is idempotent by event id
 * and the last value per key wins. Meetings are left out: a meeting that starts between the two runs is promoted
 * ({@code ScoringJobs}) in one and not yet in the other, a difference of time, not of faults.
 */
public record RelationshipSet(Map<String, Tie> ties) {

    /** Sums compare with this relative tolerance: the batches add the same terms in another order. */
    static final double TOLERANCE = 1e-9;

    public record Tie(int sent, int received, double outSum, double inSum) {

        boolean sameAs(Tie other) {
            return sent == other.sent && received == other.received && close(outSum, other.outSum)
                    && close(inSum, other.inSum);
        }

        private static boolean close(double a, double b) {
            return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
        }

        @Override
        public String toString() {
            return "sent=" + sent + " received=" + received + " out=" + outSum + " in=" + inSum;
        }
    }

    public static RelationshipSet read(LocalDatabase database, Collection<String> userIds) throws SQLException {
        Map<String, Tie> ties = new HashMap<>();
        try (Connection c = database.connect(); PreparedStatement q = c.prepareStatement("""
                select user_id, contact_email, emails_sent, emails_received, out_sum, in_sum
                  from relationship.ties where user_id = any(?)""")) {
            q.setArray(1, c.createArrayOf("text", userIds.toArray()));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ties.put(rs.getString(1) + " | " + rs.getString(2),
                            new Tie(rs.getInt(3), rs.getInt(4), rs.getDouble(5), rs.getDouble(6)));
                }
            }
        }
        return new RelationshipSet(Map.copyOf(ties));
    }

    /** Every tie that differs from {@code actual}'s (missing, extra or other figures), sorted; empty when equal. */
    public List<String> differences(RelationshipSet actual) {
        TreeSet<String> out = new TreeSet<>();
        ties.forEach((key, tie) -> {
            Tie other = actual.ties.get(key);
            if (other == null) {
                out.add("missing " + key + " : " + tie);
            } else if (!tie.sameAs(other)) {
                out.add("different " + key + " : " + tie + " → " + other);
            }
        });
        actual.ties.forEach((key, tie) -> {
            if (!ties.containsKey(key)) {
                out.add("extra " + key + " : " + tie);
            }
        });
        return List.copyOf(out);
    }
}

package io.interactionsync.normalizer.it;

import io.interactionsync.testsupport.PostgresTestResource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain JDBC reads of the contract table, as an acceptance test would do them, and the odd write behind the service. */
final class Db {

    private Db() {
    }

    static List<Map<String, Object>> rows(String sql, Object... params) {
        return withStatement(sql, params, ps -> {
            try (ResultSet rs = ps.executeQuery()) {
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                    }
                    out.add(row);
                }
                return out;
            }
        });
    }

    /** A write the test makes behind the service's back (e.g. rows as an older version left them). */
    static int update(String sql, Object... params) {
        return withStatement(sql, params, PreparedStatement::executeUpdate);
    }

    private interface StatementWork<T> {
        T apply(PreparedStatement ps) throws SQLException;
    }

    private static <T> T withStatement(String sql, Object[] params, StatementWork<T> work) {
        try (Connection c = DriverManager.getConnection(PostgresTestResource.jdbcUrl(PostgresTestResource.DATABASE),
                PostgresTestResource.user(), "");
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return work.apply(ps);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(String sql, Object... params) {
        return ((Number) rows(sql, params).get(0).values().iterator().next()).longValue();
    }
}

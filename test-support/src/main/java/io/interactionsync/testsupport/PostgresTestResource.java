package io.interactionsync.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Points the application at the test database on the machine's PostgreSQL (127.0.0.1:5432, trust
 * auth), creating it if missing. Tests never touch the local stack's {@code interaction_sync} database.
 * Host, port and user can be overridden with {@code PGHOST}, {@code PGPORT}, {@code PGUSER}, the database name
 * with {@code INTERACTION_SYNC_TEST_DB} (two checkouts testing at once on one machine must not share it: each
 * test app cleans its schemas at start).
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE = env("INTERACTION_SYNC_TEST_DB", "interaction_sync_test");

    @Override
    public Map<String, String> start() {
        ensureDatabase(DATABASE);
        return Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl(DATABASE),
                "quarkus.datasource.reactive.url", "postgresql://" + host() + ":" + port() + "/" + DATABASE,
                "quarkus.datasource.username", user(),
                "quarkus.datasource.password", "");
    }

    @Override
    public void stop() {
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    public static String user() {
        return env("PGUSER", "postgres");
    }

    /** Creates {@code database} unless it exists. Safe to call concurrently from several JVMs. */
    public static void ensureDatabase(String database) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), "")) {
            try (PreparedStatement exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
                exists.setString(1, database);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("create database \"" + database + "\"");
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // duplicate_database: created by a concurrent run
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is not reachable at " + host() + ":" + port()
                    + " as user " + user() + " (" + e.getMessage() + "). Start it with: "
                    + "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", e);
        }
    }

    private static String host() {
        return env("PGHOST", "127.0.0.1");
    }

    private static String port() {
        return env("PGPORT", "5432");
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}

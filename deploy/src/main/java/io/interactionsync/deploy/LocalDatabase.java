package io.interactionsync.deploy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The PostgreSQL database of a stack: one database, one schema per service (each service migrates its own). */
public record LocalDatabase(String host, int port, String user, String name) {

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    public String reactiveUrl() {
        return "postgresql://" + host + ":" + port + "/" + name;
    }

    /** Creates the database unless it exists; a clear message when PostgreSQL is not reachable. */
    public void ensureExists() {
        try (Connection c = admin(); PreparedStatement q = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("create database \"" + name + "\"");
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    /** Drops (closing its sessions) and creates the database: a clean slate for the end-to-end test. */
    public void recreate() {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("drop database if exists \"" + name + "\" with (force)");
            s.execute("create database \"" + name + "\"");
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, "");
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, "");
    }

    private IllegalStateException unreachable(SQLException e) {
        return new IllegalStateException("PostgreSQL is not reachable at " + host + ":" + port + " as user " + user
                + " (" + e.getMessage() + ").\n  Start it with: pg_ctlcluster --skip-systemctl-redirect "
                + "$(ls /etc/postgresql) main start", e);
    }
}

package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code k8s/base/postgres/roles.sql} on the real PostgreSQL, run with psql as the Job runs it (twice: it is
 * idempotent) on a database where the former shared user already migrated a schema: each service role owns its schema
 * and what was there, and can touch no other schema and nothing in {@code public}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresRolesTests {

    static final Path SCRIPT = Path.of("k8s/base/postgres/roles.sql");
    static final Map<String, String> SCHEMAS = Map.of("connector_service", "connector", "google_sync_service",
            "google_sync", "microsoft_sync_service", "microsoft_sync", "event_normalizer", "normalizer",
            "relationship_service", "relationship");

    final LocalDatabase database = new LocalDatabase("127.0.0.1", 5432, "postgres", "interaction_sync_roles_test");

    @BeforeAll
    void runTheScriptTwiceOnADatabaseMigratedByTheSharedUser() throws Exception {
        database.recreate();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("create schema normalizer");
            s.execute("create table normalizer.interaction_events (id bigserial primary key, contact_email text)");
            s.execute("insert into normalizer.interaction_events (contact_email) values ('bob@example.com')");
        }
        psql();
        psql();
    }

    @AfterAll
    void dropTheDatabaseAndRoles() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("drop database if exists " + database.name() + " with (force)");
            for (String role : SCHEMAS.keySet()) {
                s.execute("drop role if exists " + role);
            }
        }
    }

    @Test
    void shouldLetEachRoleMigrateItsOwnSchema() throws Exception {
        for (Map.Entry<String, String> e : SCHEMAS.entrySet()) {
            try (Connection c = as(e.getKey()); Statement s = c.createStatement()) {
                s.execute("create table " + e.getValue() + ".flyway_probe (id int)");
                s.execute("alter table " + e.getValue() + ".flyway_probe add column v text");
                s.execute("drop table " + e.getValue() + ".flyway_probe");
            }
        }
        try (Connection c = as("event_normalizer"); Statement s = c.createStatement()) {
            s.execute("insert into normalizer.interaction_events (contact_email) values ('carol@example.com')");
            s.execute("alter table normalizer.interaction_events add column migrated boolean"); // it owns the old table
        }
    }

    @Test
    void shouldRefuseEveryOtherSchemaAndPublic() throws Exception {
        for (String role : SCHEMAS.keySet()) {
            try (Connection c = as(role); Statement s = c.createStatement()) {
                for (String other : SCHEMAS.values()) {
                    if (!other.equals(SCHEMAS.get(role))) {
                        assertThatThrownBy(() -> s.execute("create table " + other + ".intruder (id int)"))
                                .as(role + " in " + other).isInstanceOf(SQLException.class)
                                .extracting(t -> ((SQLException) t).getSQLState()).isEqualTo("42501");
                    }
                }
                assertThatThrownBy(() -> s.execute("create table public.intruder (id int)")).as(role + " in public")
                        .extracting(t -> ((SQLException) t).getSQLState()).isEqualTo("42501");
                if (!role.equals("event_normalizer")) {
                    assertThatThrownBy(() -> s.executeQuery("select contact_email from normalizer.interaction_events"))
                            .as(role + " reading the normalizer's events")
                            .extracting(t -> ((SQLException) t).getSQLState()).isEqualTo("42501");
                }
            }
        }
    }

    @Test
    void shouldCreateLoginRolesWithoutPrivileges() throws Exception {
        try (Connection c = database.connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("select rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls "
                     + "from pg_roles where rolname in ('connector_service', 'google_sync_service', "
                     + "'microsoft_sync_service', 'event_normalizer', 'relationship_service')")) {
            List<String> roles = new ArrayList<>();
            while (rs.next()) {
                roles.add(rs.getString(1));
                assertThat(rs.getBoolean(2)).isTrue();
                assertThat(rs.getBoolean(3) || rs.getBoolean(4) || rs.getBoolean(5) || rs.getBoolean(6)).isFalse();
            }
            assertThat(roles).containsExactlyInAnyOrderElementsOf(SCHEMAS.keySet());
        }
    }

    private Connection as(String role) throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), role, "pw-" + SCHEMAS.get(role));
    }

    private void psql() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database.name(),
                "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "db=" + database.name()));
        for (String v : List.of("connector", "google_sync", "microsoft_sync", "normalizer", "relationship")) {
            command.addAll(List.of("-v", v + "_password=pw-" + v));
        }
        command.addAll(List.of("-f", SCRIPT.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}

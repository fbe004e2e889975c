package io.interactionsync.sync;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.interactionsync.testsupport.PostgresTestResource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** sync-core's tables in a schema of their own in the test database, for the tests that need real PostgreSQL. */
public final class SyncCoreSchema {

    private SyncCoreSchema() {
    }

    /** A pool on the test database ({@code INTERACTION_SYNC_TEST_DB}), created if missing. */
    public static AgroalDataSource dataSource(int maxSize) {
        PostgresTestResource.ensureDatabase(PostgresTestResource.DATABASE);
        try {
            return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier().connectionPoolConfiguration(pool -> pool
                    .maxSize(maxSize).acquisitionTimeout(Duration.ofSeconds(2)).connectionFactoryConfiguration(factory -> factory
                            .jdbcUrl(PostgresTestResource.jdbcUrl(PostgresTestResource.DATABASE))
                            .principal(new NamePrincipal(PostgresTestResource.user())))));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops and creates {@code schema} with sync-core's migrations {@code files} (from {@code db/sync-core}). */
    public static void recreate(AgroalDataSource dataSource, String schema, String... files) throws SQLException, IOException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + schema + " cascade");
            s.execute("create schema " + schema);
            s.execute("set search_path to " + schema);
            for (String file : files) {
                try (InputStream in = SyncCoreSchema.class.getResourceAsStream("/db/sync-core/" + file)) {
                    s.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            s.execute("set search_path to default");
        }
    }
}

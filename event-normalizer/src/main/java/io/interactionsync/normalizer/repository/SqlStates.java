package io.interactionsync.normalizer.repository;

import io.vertx.pgclient.PgException;

/** PostgreSQL errors the callers of the repositories recover from, by SQLSTATE. */
public final class SqlStates {

    private SqlStates() {
    }

    /** A unique violation (23505): an insert met a row that exists, or a second row took a one-only slot. */
    public static boolean isUniqueViolation(Throwable e) {
        return e instanceof PgException pg && "23505".equals(pg.getSqlState());
    }
}

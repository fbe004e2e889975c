package io.interactionsync.normalizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** R-F3 at write time: which PostgreSQL failures dead-letter a record and which stop (and retry) the batch. */
class WriteFailureTests {

    @Test
    void R_F3_dataErrorsAreIsolatedAndDeadLettered() {
        assertThat(NormalizerService.isDataError(new PgException("timestamp out of range", "ERROR", "22008", null))).isTrue();
        assertThat(NormalizerService.isDataError(new PgException("index row size exceeds maximum", "ERROR", "54000", null)))
                .isTrue();
        assertThat(NormalizerService.isDataError(new PgException("not-null violation", "ERROR", "23502", null))).isTrue();
    }

    @Test
    void R_F3_outagesAreRetriedNotDeadLettered() {
        assertThat(NormalizerService.isDataError(new IOException("connection reset"))).isFalse();
        assertThat(NormalizerService.isDataError(new PgException("the database system is shutting down", "FATAL",
                "57P03", null))).isFalse();
        assertThat(NormalizerService.isDataError(new PgException("deadlock detected", "ERROR", "40P01", null))).isFalse();
        assertThat(NormalizerService.isDataError(new PgException("relation does not exist", "ERROR", "42P01", null)))
                .as("a schema bug must stop the consumer, not dead-letter everything").isFalse();
    }
}

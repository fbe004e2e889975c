package io.interactionsync.normalizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.Json;
import io.interactionsync.normalizer.service.RecordDecoder.Rejected;
import io.vertx.pgclient.PgException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

/** Dead-letter reasons name the failure and the field, never a value of the record (issue 17, PII hygiene). */
class DeadLetterReasonsTests {

    static final String ADDRESS = "jane.secret@client.example";

    private final RecordDecoder decoder = new RecordDecoder(
            Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC));

    private Rejected reject(String value) {
        return (Rejected) decoder.decode(new IncomingRecord("raw-records", 0, 7, "acc-1",
                value.getBytes(StandardCharsets.UTF_8)));
    }

    private static ObjectNode envelope() {
        ObjectNode e = Json.mapper().createObjectNode()
                .put("schemaVersion", 1).put("source", "gmail").put("op", "upsert")
                .put("accountId", "acc-1").put("userId", "user-1").put("mailbox", "ann@acme.test")
                .put("sharedMailbox", false).put("remoteId", "m-1").put("observedAt", "2026-11-24T10:00:00Z");
        e.putObject("payload").put("id", "m-1");
        return e;
    }

    @Test
    void shouldNameTheJsonPositionNotTheToken() {
        Rejected r = reject("{\"schemaVersion\": 1, \"mailbox\": " + ADDRESS + "}");

        assertThat(r.deadLetter().code()).isEqualTo(RecordDecoder.INVALID_JSON);
        assertThat(r.deadLetter().reason()).startsWith("not valid JSON at line 1, column").doesNotContain("jane");
    }

    @Test
    void shouldNameTheSchemaPathNotTheValue() {
        Rejected wrongValue = reject(envelope().put("source", ADDRESS).toString());
        ObjectNode missing = envelope();
        missing.remove("observedAt");
        Rejected missingField = reject(missing.toString());
        Rejected notAnInstant = reject(envelope().put("observedAt", ADDRESS).toString());

        assertThat(wrongValue.deadLetter().code()).isEqualTo(RecordDecoder.SCHEMA_VIOLATION);
        assertThat(wrongValue.deadLetter().reason()).isEqualTo("schema violation at $.source");
        assertThat(missingField.deadLetter().reason()).isEqualTo("schema violation at $.observedAt");
        assertThat(notAnInstant.deadLetter().reason()).startsWith("envelope does not bind").doesNotContain("jane");
    }

    @Test
    void shouldNameTheSqlStateAndColumnNotTheRow() {
        PgException e = new PgException("invalid input syntax for type timestamp: \"" + ADDRESS + "\"", "ERROR",
                "22007", "Key (contact_email)=(" + ADDRESS + ") already exists.");

        assertThat(DeadLetterReasons.writeFailed(e)).isEqualTo("PostgreSQL rejected the record's rows: SQLSTATE 22007");
    }

    @Test
    void shouldNameTheExceptionTypeAndPlaceNotItsMessage() {
        RuntimeException e = new DateTimeParseException("Text '" + ADDRESS + "' could not be parsed", ADDRESS, 0);

        assertThat(DeadLetterReasons.mappingFailed(e)).startsWith("DateTimeParseException at DeadLetterReasonsTests.")
                .doesNotContain("jane");
    }
}

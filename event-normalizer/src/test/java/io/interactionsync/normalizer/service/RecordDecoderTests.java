package io.interactionsync.normalizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.normalizer.service.RecordDecoder.Rejected;
import io.interactionsync.normalizer.service.RecordDecoder.Valid;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The envelope is bound by hand (no second copy of the payload tree): it must bind exactly as Jackson would. */
class RecordDecoderTests {

    private final RecordDecoder decoder = new RecordDecoder(
            Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC));

    private static ObjectNode envelope() {
        ObjectNode e = Json.mapper().createObjectNode()
                .put("schemaVersion", 1).put("source", "outlook_mail").put("op", "upsert")
                .put("accountId", "acc-1").put("userId", "user-1").put("mailbox", "Sales@Acme.test")
                .put("sharedMailbox", true).put("remoteId", "AAMk=").put("observedAt", "2026-11-24T10:00:00Z")
                .put("syncRunId", "run-7");
        e.putObject("payload").put("id", "AAMk=").putArray("toRecipients").addObject().putObject("emailAddress")
                .put("address", "jane@client.example");
        return e;
    }

    private RecordDecoder.Decoded decode(ObjectNode envelope) {
        return decoder.decode(new IncomingRecord("raw-records", 3, 42, "acc-1",
                envelope.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-24T10:00:00Z", "2026-11-24T12:00:00+02:00", "2026-11-24T10:00:00.123456Z"})
    void R_F3_anEnvelopeBindsAsJacksonBindsIt(String observedAt) throws Exception {
        ObjectNode e = envelope().put("observedAt", observedAt);
        RawRecord expected = Json.mapper().treeToValue(e, RawRecord.class);

        assertThat(decode(e)).isInstanceOfSatisfying(Valid.class, v -> assertThat(v.record()).isEqualTo(expected));
    }

    @Test
    void R_F3_aDeleteWithoutSyncRunBinds() throws Exception {
        ObjectNode e = envelope().put("op", "delete").put("sharedMailbox", false).put("source", "gmail");
        e.remove("syncRunId");
        RawRecord expected = Json.mapper().treeToValue(e, RawRecord.class);

        assertThat(decode(e)).isInstanceOfSatisfying(Valid.class, v -> {
            assertThat(v.record()).isEqualTo(expected);
            assertThat(v.record().op()).isEqualTo(RawRecord.Op.DELETE);
            assertThat(v.record().syncRunId()).isNull();
        });
    }

    @Test
    void R_F3_anObservedAtThatIsNoInstantIsASchemaViolation() {
        assertThat(decode(envelope().put("observedAt", "yesterday"))).isInstanceOfSatisfying(Rejected.class,
                r -> assertThat(r.deadLetter().code()).isEqualTo(RecordDecoder.SCHEMA_VIOLATION));
    }
}

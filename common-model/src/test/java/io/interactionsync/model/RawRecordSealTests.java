package io.interactionsync.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.serde.JsonSerializer;
import io.interactionsync.model.serde.RawRecordDeserializer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class RawRecordSealTests {

    static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

    private static SecretKey randomKey() {
        byte[] raw = new byte[RawRecordSeal.KEY_BYTES];
        new SecureRandom().nextBytes(raw);
        return RawRecordSeal.key(raw);
    }

    private static RawRecord plain(String accountId, String remoteId) throws Exception {
        JsonNode payload = Json.mapper().readTree("""
                {"id":"%s","payload":{"headers":[{"name":"From","value":"Bob Smith <bob@example.com>"},
                 {"name":"Subject","value":"Term sheet"}]}}""".formatted(remoteId));
        return new RawRecord(1, Source.GMAIL, RawRecord.Op.UPSERT, accountId, "user-1", "alice@acme.test", false,
                remoteId, AT, "run-1", payload);
    }

    private static String wire(RawRecord r) {
        return new String(new JsonSerializer<RawRecord>().serialize("t", r), StandardCharsets.UTF_8);
    }

    @Test
    void shouldHideMailboxAndPayloadAndOpenThemAgainWithTheKey() throws Exception {
        SecretKey key = randomKey();
        RawRecord plain = plain("acc-1", "18c1");

        RawRecord sealed = RawRecordSeal.seal(plain, "kid-1", key);
        String json = wire(sealed);

        assertThat(json).doesNotContain("alice@acme.test").doesNotContain("bob@example.com").doesNotContain("Term sheet")
                .doesNotContain("\"payload\"").doesNotContain("\"mailbox\"")
                .contains("\"accountId\":\"acc-1\"").contains("\"remoteId\":\"18c1\"").contains("\"kid\":\"kid-1\"");
        assertThat(ContractSchemas.validate(Contract.RAW_RECORD, Json.mapper().readTree(json))).isEmpty();

        RawRecord read = new RawRecordDeserializer().deserialize("t", json.getBytes(StandardCharsets.UTF_8));
        assertThat(RawRecordSeal.unseal(read, key)).isEqualTo(plain);
    }

    @Test
    void shouldUseAFreshIvForEveryRecord() throws Exception {
        SecretKey key = randomKey();
        RawRecord plain = plain("acc-1", "18c1");
        RawRecord.Sealed a = RawRecordSeal.seal(plain, "kid-1", key).sealed();
        RawRecord.Sealed b = RawRecordSeal.seal(plain, "kid-1", key).sealed();
        assertThat(a.iv()).isNotEqualTo(b.iv());
        assertThat(a.ct()).isNotEqualTo(b.ct());
    }

    @Test
    void shouldNotOpenWithAnotherKey() throws Exception {
        RawRecord sealed = RawRecordSeal.seal(plain("acc-1", "18c1"), "kid-1", randomKey());
        assertThatThrownBy(() -> RawRecordSeal.unseal(sealed, randomKey()))
                .isInstanceOf(RawRecordSeal.SealException.class)
                .hasMessageNotContaining("alice");
    }

    @Test
    void shouldNotOpenInsideAnotherEnvelope() throws Exception {
        SecretKey key = randomKey();
        RawRecord sealed = RawRecordSeal.seal(plain("acc-1", "18c1"), "kid-1", key);
        RawRecord otherAccount = new RawRecord(1, sealed.source(), sealed.op(), "acc-2", sealed.userId(), null, false,
                sealed.remoteId(), AT, null, null, sealed.sealed());
        RawRecord otherResource = new RawRecord(1, sealed.source(), sealed.op(), "acc-1", sealed.userId(), null, false,
                "18c2", AT, null, null, sealed.sealed());
        RawRecord otherOp = new RawRecord(1, sealed.source(), RawRecord.Op.DELETE, "acc-1", sealed.userId(), null, false,
                sealed.remoteId(), AT, null, null, sealed.sealed());
        RawRecord otherSource = new RawRecord(1, Source.GOOGLE_CALENDAR, sealed.op(), "acc-1", sealed.userId(), null,
                false, sealed.remoteId(), AT, null, null, sealed.sealed());
        for (RawRecord moved : new RawRecord[] {otherAccount, otherResource, otherOp, otherSource}) {
            assertThatThrownBy(() -> RawRecordSeal.unseal(moved, key)).isInstanceOf(RawRecordSeal.SealException.class);
        }
        // the user, the observation time and the run are not bound: a re-attribution is the connector's business
        RawRecord otherUser = new RawRecord(1, sealed.source(), sealed.op(), "acc-1", "user-2", null, false,
                sealed.remoteId(), AT.plusSeconds(5), "run-2", null, sealed.sealed());
        assertThat(RawRecordSeal.unseal(otherUser, key).mailbox()).isEqualTo("alice@acme.test");
    }

    @Test
    void shouldRejectATamperedCiphertextAnUnknownAlgAndAWrongKeySize() throws Exception {
        SecretKey key = randomKey();
        RawRecord sealed = RawRecordSeal.seal(plain("acc-1", "18c1"), "kid-1", key);
        RawRecord.Sealed s = sealed.sealed();
        char[] ct = s.ct().toCharArray();
        ct[5] = ct[5] == 'A' ? 'B' : 'A';
        RawRecord tampered = new RawRecord(1, sealed.source(), sealed.op(), "acc-1", "user-1", null, false, "18c1", AT,
                null, null, new RawRecord.Sealed(s.alg(), s.kid(), s.iv(), new String(ct)));
        assertThatThrownBy(() -> RawRecordSeal.unseal(tampered, key)).isInstanceOf(RawRecordSeal.SealException.class);

        RawRecord otherAlg = new RawRecord(1, sealed.source(), sealed.op(), "acc-1", "user-1", null, false, "18c1", AT,
                null, null, new RawRecord.Sealed("none", s.kid(), s.iv(), s.ct()));
        assertThatThrownBy(() -> RawRecordSeal.unseal(otherAlg, key)).hasMessageContaining("unsupported alg");

        assertThatThrownBy(() -> RawRecordSeal.key(new byte[16])).isInstanceOf(RawRecordSeal.SealException.class);
        assertThatThrownBy(() -> RawRecordSeal.seal(sealed, "kid-1", key)).hasMessageContaining("sealed already");
    }
}

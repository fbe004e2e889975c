package io.interactionsync.normalizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.RawRecordSeal;
import io.interactionsync.normalizer.service.RecordDecoder.Erased;
import io.interactionsync.normalizer.service.RecordDecoder.Rejected;
import io.interactionsync.normalizer.service.RecordDecoder.Valid;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;
import io.interactionsync.normalizer.mapper.Mappers;
import org.junit.jupiter.api.Test;

/**
 * Sealed raw records (crypto-shredding): opened with their key, dropped when the key was erased, dead-lettered —
 * still sealed — when the key is unknown, another owner's, or the ciphertext does not open in its envelope; a purged
 * account's records dropped before anything else.
 */
class SealedRecordDecoderTests {

    private final RecordDecoder decoder = new RecordDecoder(Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC));

    private static SecretKey key() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return RawRecordSeal.key(raw);
    }

    private static RawRecord plain(String account, String mailbox, boolean shared, String id) throws Exception {
        ObjectNode e = Json.mapper().createObjectNode()
                .put("schemaVersion", 1).put("source", "outlook_mail").put("op", "upsert")
                .put("accountId", account).put("userId", "user-1").put("mailbox", mailbox)
                .put("sharedMailbox", shared).put("remoteId", id).put("observedAt", "2026-11-24T10:00:00Z")
                .put("syncRunId", "run-7");
        e.putObject("payload").put("id", id).putObject("from").putObject("emailAddress")
                .put("address", "jane@client.example");
        return Json.mapper().treeToValue(e, RawRecord.class);
    }

    private static IncomingRecord incoming(String key, RawRecord r) throws Exception {
        return new IncomingRecord("raw-records", 0, 7, key, Json.mapper().writeValueAsBytes(r));
    }

    @Test
    void aSealedRecordOpensToTheRecordItWasMadeOf() throws Exception {
        SecretKey k = key();
        RawRecord own = plain("acc-1", "alice@acme.test", false, "m1");
        RawRecord shared = plain("acc-1", "Sales@Acme.test", true, "m2");
        Map<String, DataKeys.Lookup> keys = Map.of("k-own", new DataKeys.Found("account:acc-1", k),
                "k-shared", new DataKeys.Found("mailbox:sales@acme.test", k));

        assertThat(decoder.decode(incoming("acc-1", RawRecordSeal.seal(own, "k-own", k)), keys))
                .isInstanceOfSatisfying(Valid.class, v -> assertThat(v.record()).isEqualTo(own));
        assertThat(decoder.decode(incoming("acc-1", RawRecordSeal.seal(shared, "k-shared", k)), keys))
                .isInstanceOfSatisfying(Valid.class, v -> assertThat(v.record()).isEqualTo(shared));
    }

    @Test
    void aRecordWhoseKeyWasErasedIsDroppedNotDeadLettered() throws Exception {
        SecretKey k = key();
        RawRecord r = plain("acc-1", "alice@acme.test", false, "m1");
        assertThat(decoder.decode(incoming("acc-1", RawRecordSeal.seal(r, "k-1", k)),
                Map.of("k-1", new DataKeys.Erased()))).isInstanceOf(Erased.class);
    }

    @Test
    void unknownForeignOrTamperedSealsAreDeadLetteredStillSealed() throws Exception {
        SecretKey k = key();
        RawRecord r = plain("acc-1", "alice@acme.test", false, "m1");
        RawRecord sealed = RawRecordSeal.seal(r, "k-1", k);
        RawRecord moved = new RawRecord(1, sealed.source(), sealed.op(), "acc-1", "user-1", null, false, "m2",
                sealed.observedAt(), null, null, sealed.sealed());

        Map<String, String> codes = Map.of(
                "unknown_data_key", "unknown", "data_key_mismatch", "mismatch", "unseal_failed", "moved");
        for (var c : codes.entrySet()) {
            RawRecord record = c.getValue().equals("moved") ? moved : sealed;
            Map<String, DataKeys.Lookup> keys = switch (c.getValue()) {
                case "unknown" -> Map.of();
                case "mismatch" -> Map.of("k-1", new DataKeys.Found("account:acc-2", k));
                default -> Map.of("k-1", new DataKeys.Found("account:acc-1", k));
            };
            assertThat(decoder.decode(incoming("acc-1", record), keys)).as(c.getKey())
                    .isInstanceOfSatisfying(Rejected.class, rj -> {
                        assertThat(rj.deadLetter().code()).isEqualTo(c.getKey());
                        assertThat(rj.deadLetter().original()).contains("\"sealed\"").doesNotContain("jane@client.example")
                                .doesNotContain("alice@acme.test");
                        assertThat(rj.key()).isNotNull();
                    });
        }
    }

    @Test
    void aBatchAsksForItsKeysOnceAndDropsWhatWasErased() throws Exception {
        SecretKey k = key();
        List<Set<String>> asked = new ArrayList<>();
        DataKeys keys = kids -> {
            asked.add(Set.copyOf(kids));
            return Map.of("k-1", new DataKeys.Found("account:acc-1", k), "k-gone", new DataKeys.Erased());
        };
        List<IncomingRecord> batch = List.of(
                incoming("acc-1", RawRecordSeal.seal(plain("acc-1", "alice@acme.test", false, "m1"), "k-1", k)),
                incoming("acc-1", RawRecordSeal.seal(plain("acc-1", "alice@acme.test", false, "m2"), "k-1", k)),
                incoming("acc-3", RawRecordSeal.seal(plain("acc-3", "carol@acme.test", false, "m3"), "k-gone", k)),
                incoming("acc-2", plain("acc-2", "bob@acme.test", false, "m4")), // purged: by Kafka key
                incoming("acc-1", plain("acc-2", "bob@acme.test", false, "m5")), // purged: by envelope
                new IncomingRecord("raw-records", 0, 9, "acc-2", "{broken".getBytes(StandardCharsets.UTF_8)));

        BatchNormalizer.Prepared p = new BatchNormalizer(decoder, Mappers.all()).prepare(batch, keys, Set.of("acc-2"));

        assertThat(asked).containsExactly(Set.of("k-1", "k-gone"));
        assertThat(p.records()).extracting(x -> x.record().remoteId()).containsExactly("m1", "m2");
        assertThat(p.deadLetters()).as("not even the purged account's broken record").isEmpty();
        assertThat(p.erased()).containsEntry(BatchNormalizer.KEY_ERASED, 1).containsEntry(BatchNormalizer.ACCOUNT_ERASED, 3);
        assertThat(p.accountIds()).containsExactly("acc-1");
    }
}

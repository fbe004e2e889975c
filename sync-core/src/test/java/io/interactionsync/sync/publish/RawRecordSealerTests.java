package io.interactionsync.sync.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.RawRecordSeal;
import io.interactionsync.model.Source;
import io.interactionsync.model.serde.JsonSerializer;
import io.interactionsync.sync.SyncSettings;
import io.interactionsync.sync.connector.ConnectorClient;
import io.interactionsync.sync.connector.DataKeyClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the sync services publish: every record sealed with its owner's key, no address or subject in clear. */
class RawRecordSealerTests {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    /** A fake connector: one key per owner, counting the requests; owners in {@code erased} answer 410. */
    static final class Keys implements RawRecordSealer.KeySource {
        final Map<String, DataKeyClient.DataKey> byOwner = new HashMap<>();
        final List<String> asked = new ArrayList<>();
        final List<String> erased = new ArrayList<>();

        @Override
        public DataKeyClient.DataKey dataKey(String owner) {
            asked.add(owner);
            if (erased.contains(owner)) {
                throw new ConnectorClient.AccountGoneException("the account's data was erased (erased)");
            }
            return byOwner.computeIfAbsent(owner, o -> {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                return new DataKeyClient.DataKey("kid-" + byOwner.size(), key);
            });
        }
    }

    static SyncSettings.RawRecords settings(boolean seal) {
        return new SyncSettings.RawRecords() {
            public boolean seal() { return seal; }
            public Duration keyCacheTtl() { return Duration.ofMinutes(10); }
        };
    }

    static RawRecord record(String accountId, String mailbox, boolean shared, String id) {
        JsonNode payload;
        try {
            payload = Json.mapper().readTree("{\"id\":\"" + id + "\",\"from\":{\"emailAddress\":{\"name\":\"Bob Smith\","
                    + "\"address\":\"bob@example.com\"}},\"subject\":\"Quarterly numbers\"}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new RawRecord(1, Source.OUTLOOK_MAIL, RawRecord.Op.UPSERT, accountId, "user-1", mailbox, shared, id, NOW,
                "run-1", payload);
    }

    @Test
    void shouldSealEveryRecordWithItsOwnersKeyAndLeaveNoAddressInClear() {
        Keys keys = new Keys();
        RawRecordSealer sealer = new RawRecordSealer(keys, settings(true), Clock.fixed(NOW, ZoneOffset.UTC));
        List<RawRecord> plain = List.of(record("acc-1", "alice@acme.test", false, "m1"),
                record("acc-1", "Team@Acme.test", true, "m2"), record("acc-1", "alice@acme.test", false, "m3"));

        List<RawRecord> sealed = sealer.seal(plain);

        assertThat(sealed).hasSize(3).allSatisfy(r -> {
            assertThat(r.sealed()).isNotNull();
            assertThat(r.payload()).isNull();
            assertThat(r.mailbox()).isNull();
            String wire = new String(new JsonSerializer<RawRecord>().serialize("t", r), StandardCharsets.UTF_8);
            assertThat(wire).doesNotContain("@").doesNotContain("Bob Smith").doesNotContain("Quarterly");
        });
        assertThat(keys.asked).containsExactly("account:acc-1", "mailbox:team@acme.test");
        assertThat(sealed.get(0).sealed().kid()).isEqualTo(keys.byOwner.get("account:acc-1").kid());
        assertThat(sealed.get(1).sealed().kid()).isEqualTo(keys.byOwner.get("mailbox:team@acme.test").kid());
        for (int i = 0; i < 3; i++) {
            String owner = RawRecordSealer.owner(plain.get(i));
            assertThat(RawRecordSeal.unseal(sealed.get(i), RawRecordSeal.key(keys.byOwner.get(owner).key())))
                    .isEqualTo(plain.get(i));
        }
    }

    @Test
    void shouldReuseAKeyUntilItsCacheTimeRunsOut() {
        Keys keys = new Keys();
        Instant[] now = {NOW};
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId zone) { return this; }
            public Instant instant() { return now[0]; }
        };
        RawRecordSealer sealer = new RawRecordSealer(keys, settings(true), clock);
        sealer.seal(List.of(record("acc-1", "alice@acme.test", false, "m1")));
        now[0] = NOW.plus(Duration.ofMinutes(9));
        sealer.seal(List.of(record("acc-1", "alice@acme.test", false, "m2")));
        assertThat(keys.asked).hasSize(1);
        now[0] = NOW.plus(Duration.ofMinutes(11));
        sealer.seal(List.of(record("acc-1", "alice@acme.test", false, "m3")));
        assertThat(keys.asked).hasSize(2);
    }

    @Test
    void shouldEndTheJobWhenTheOwnersKeyWasErased() {
        Keys keys = new Keys();
        keys.erased.add("account:acc-gone");
        RawRecordSealer sealer = new RawRecordSealer(keys, settings(true), Clock.fixed(NOW, ZoneOffset.UTC));
        assertThatThrownBy(() -> sealer.seal(List.of(record("acc-gone", "gone@acme.test", false, "m1"))))
                .isInstanceOf(ConnectorClient.AccountGoneException.class)
                .hasMessageNotContaining("gone@acme.test");
    }

    @Test
    void shouldPublishPlaintextOnlyWhenSealingIsSwitchedOff() {
        Keys keys = new Keys();
        RawRecordSealer sealer = new RawRecordSealer(keys, settings(false), Clock.fixed(NOW, ZoneOffset.UTC));
        List<RawRecord> plain = List.of(record("acc-1", "alice@acme.test", false, "m1"));
        assertThat(sealer.seal(plain)).isSameAs(plain);
        assertThat(keys.asked).isEmpty();
    }
}

package io.interactionsync.normalizer.it;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.RawRecordSeal;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.testsupport.DataKeyServer;
import io.interactionsync.testsupport.DataKeyServerTestResource;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Erasure that lasts (issue 17): sealed raw records are normalized like plaintext ones; after a purge — the connector
 * destroys the account's data key, the normalizer deletes its events and remembers the account — no full or
 * per-account replay, no redelivered or late record, sealed or plaintext, brings an event back, and none of them is
 * dead-lettered. A record whose key was destroyed is dropped and counted, never dead-lettered; an unreachable
 * connector makes the batch wait (retried), never lose it. Dead letters of sealed records stay sealed.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
@WithTestResource(DataKeyServerTestResource.class)
class ErasureIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KafkaTestClient kafka;

    @Inject
    MeterRegistry meters;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    /** An account whose records are sealed with its key at the (test) connector. */
    private record Who(String user, String account, String mailbox, DataKeyServer.Issued key) {
        static Who fresh() {
            String n = UUID.randomUUID().toString().substring(0, 8);
            String account = "acc-" + UUID.randomUUID();
            return new Who("user-" + n, account, "alice." + n + "@acme.test", DataKeyServer.issue("account:" + account));
        }

        RawRecord plain(String id, String from) {
            JsonNode p = message(id).labels("INBOX").from(from).to(mailbox).json();
            return GmailFixtures.envelope(RawRecord.Op.UPSERT, id, p, mailbox, account, user);
        }

        byte[] sealed(String id, String from) {
            return bytes(RawRecordSeal.seal(plain(id, from), key.kid(), RawRecordSeal.key(key.key())));
        }

        void send(byte[] value) {
            kafka.sendBytes(Topics.RAW_RECORDS, account, value);
        }

        long events() {
            return Db.count("select count(*) from normalizer.interaction_events where account_id = ?", account);
        }

        long live() {
            return Db.count("select count(*) from normalizer.interaction_events where account_id = ? and not deleted",
                    account);
        }

        /** As the connector purges: the key destroyed, then {@code disconnected} with purge=true. */
        void purge() {
            DataKeyServer.erase("account:" + account);
            kafka.send(Topics.ACCOUNT_EVENTS, account, new AccountEvent(1, AccountEvent.Type.DISCONNECTED, account, user,
                    Provider.GOOGLE, mailbox, null, null, null, true, null, Instant.now()));
            await().atMost(WAIT).until(() -> events() == 0
                    && Db.count("select count(*) from normalizer.erased_accounts where account_id = ?", account) == 1);
        }
    }

    private static byte[] bytes(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private double erased(String reason) {
        var c = meters.find("normalizer_erased_records_total").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private double deadLetters(String code) {
        var c = meters.find("normalizer_dead_letters_total").tag("code", code).counter();
        return c == null ? 0 : c.count();
    }

    private static List<ConsumerRecord<String, String>> deadLettersOf(String account) {
        return kafka.readAll(Topics.RAW_RECORDS_DLQ).stream().filter(r -> account.equals(r.key())).toList();
    }

    private static String admin() {
        return TestJwts.user("ops-" + UUID.randomUUID(), "ops@acme.test", "admin");
    }

    private static void replayAndWait(String accountId) {
        var request = given().auth().oauth2(admin());
        if (accountId != null) {
            request = request.queryParam("accountId", accountId);
        }
        String id = request.when().post("/api/v1/admin/replays").then().statusCode(202).extract().path("id");
        await().atMost(WAIT).until(() -> "completed".equals(given().auth().oauth2(admin())
                .when().get("/api/v1/admin/replays/" + id).then().statusCode(200).extract().path("state")));
    }

    @Test
    void sealedRecordsAreNormalizedLikePlaintextOnesWithTheServicesTokenAndCachedKeys() {
        Who who = Who.fresh();
        int reads = DataKeyServer.reads();
        who.send(who.sealed("s-1", "Bob <bob@client.example>"));
        who.send(who.sealed("s-2", "carol@client.example"));
        await().atMost(WAIT).until(() -> who.live() == 2);

        assertThat(Db.rows("select contact_email, mailbox from normalizer.interaction_events where account_id = ? "
                + "order by remote_id", who.account()))
                .extracting(r -> r.get("contact_email") + " " + r.get("mailbox"))
                .containsExactly("bob@client.example " + who.mailbox(), "carol@client.example " + who.mailbox());
        assertThat(DataKeyServer.reads() - reads).as("one key, asked for once").isEqualTo(1);
        String authorization = DataKeyServer.lastAuthorization();
        assertThat(authorization).startsWith("Bearer ");
        JsonNode claims = readJwt(authorization);
        assertThat(claims.path("sub").asText()).as("the normalizer's client-credentials token").isEqualTo("event-normalizer");
    }

    private static JsonNode readJwt(String authorization) {
        String payload = authorization.substring("Bearer ".length()).split("\\.")[1];
        try {
            return Json.mapper().readTree(Base64.getUrlDecoder().decode(payload));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPurgedAccountStaysEmptyThroughAFullAndAPerAccountReplay() {
        Who who = Who.fresh();
        Who bystander = Who.fresh();
        who.send(who.sealed("r-1", "x@client.example"));
        who.send(who.sealed("r-2", "y@client.example"));
        who.send(bytes(who.plain("r-3", "z@client.example"))); // plaintext v1 envelopes are still accepted
        bystander.send(bystander.sealed("b-1", "x@client.example"));
        await().atMost(WAIT).until(() -> who.live() == 3 && bystander.live() == 1);

        who.purge();
        given().auth().oauth2(TestJwts.user(who.user(), who.mailbox())).when().get("/api/v1/interaction-events")
                .then().statusCode(200).body("items.size()", equalTo(0));

        double erasedBefore = erased("key_erased") + erased("account_erased");
        replayAndWait(null);
        assertThat(who.events()).as("after a full replay").isZero();
        replayAndWait(who.account());
        assertThat(who.events()).as("after a replay of the account").isZero();
        assertThat(erased("key_erased") + erased("account_erased") - erasedBefore)
                .as("each replay met the three records and dropped them").isGreaterThanOrEqualTo(6);
        assertThat(bystander.live()).as("other accounts are rebuilt as before").isEqualTo(1);
        assertThat(deadLettersOf(who.account())).isEmpty();
    }

    @Test
    void redeliveredAndLateRecordsOfAPurgedAccountCreateNothingSealedOrPlaintext() {
        Who who = Who.fresh();
        byte[] inFlight = who.sealed("d-1", "x@client.example");
        who.send(inFlight);
        await().atMost(WAIT).until(() -> who.live() == 1);
        byte[] late = who.sealed("d-2", "y@client.example"); // sealed before the purge, delivered after it

        who.purge();
        double before = erased("account_erased") + erased("key_erased");
        who.send(inFlight); // a redelivery (re-produced record)
        who.send(late);
        who.send(bytes(who.plain("d-3", "z@client.example"))); // a plaintext producer
        who.send("{\"not\": \"an envelope\"".getBytes(StandardCharsets.UTF_8)); // not even its dead letter is kept
        await().atMost(WAIT).until(() -> erased("account_erased") + erased("key_erased") - before >= 4);

        assertThat(who.events()).isZero();
        assertThat(deadLettersOf(who.account())).isEmpty();
    }

    @Test
    void aRecordWhoseKeyWasDestroyedIsDroppedAndCountedNotDeadLettered() {
        // A shared mailbox whose last subscriber left: its key is gone, its subscribers' accounts are not purged.
        String shared = "team-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.test";
        DataKeyServer.Issued mailboxKey = DataKeyServer.issue("mailbox:" + shared);
        Who who = Who.fresh();
        JsonNode p = message("k-1").labels("INBOX").from("x@client.example").to(shared).json();
        RawRecord record = new RawRecord(1, io.interactionsync.model.Source.GMAIL, RawRecord.Op.UPSERT, who.account(),
                who.user(), shared, true, "k-1", Instant.parse("2026-11-24T10:00:00Z"), "run-1", p);
        byte[] sealed = bytes(RawRecordSeal.seal(record, mailboxKey.kid(), RawRecordSeal.key(mailboxKey.key())));
        DataKeyServer.erase("mailbox:" + shared);
        double before = erased("key_erased");
        double dlqBefore = deadLetters("unknown_data_key") + deadLetters("unseal_failed");

        who.send(sealed);
        await().atMost(WAIT).until(() -> erased("key_erased") - before >= 1);

        assertThat(Db.count("select count(*) from normalizer.interaction_events where remote_id = 'k-1' "
                + "and account_id = ?", who.account())).isZero();
        assertThat(deadLettersOf(who.account())).isEmpty();
        assertThat(deadLetters("unknown_data_key") + deadLetters("unseal_failed")).isEqualTo(dlqBefore);
        // the account itself is not erased: its own records go on
        who.send(who.sealed("k-2", "y@client.example"));
        await().atMost(WAIT).until(() -> who.live() == 1);
    }

    @Test
    void aBatchWaitsForAnUnreachableConnectorAndIsNotLost() {
        Who who = Who.fresh(); // a new key: not cached yet
        int requests = DataKeyServer.requests();
        DataKeyServer.unavailable(true);
        try {
            who.send(who.sealed("u-1", "x@client.example"));
            // refused more often than a failing batch is retried (normalizer.write.max-retries = 3): still waiting
            await().atMost(WAIT).until(() -> DataKeyServer.requests() > requests + 4);
        } finally {
            DataKeyServer.unavailable(false);
        }
        await().atMost(WAIT).until(() -> who.live() == 1);
        // the channel never failed: still ready, no restart needed
        given().get(ManagementInterface.url("/q/health/ready")).then().statusCode(200);
        assertThat(deadLettersOf(who.account())).isEmpty();
        assertThat(meters.find("normalizer_data_key_fetches_total").tag("outcome", "failed").counter().count())
                .isPositive();
    }

    @Test
    void deadLettersOfSealedRecordsStaySealed() {
        Who who = Who.fresh();
        RawRecord sealed = RawRecordSeal.seal(who.plain("t-1", "Mallory <mallory@client.example>"), who.key().kid(),
                RawRecordSeal.key(who.key().key()));
        // moved to another resource: the ciphertext does not open in this envelope
        RawRecord moved = new RawRecord(1, sealed.source(), sealed.op(), sealed.accountId(), sealed.userId(), null, false,
                "t-2", sealed.observedAt(), sealed.syncRunId(), null, sealed.sealed());
        RawRecord unknownKey = new RawRecord(1, sealed.source(), sealed.op(), sealed.accountId(), sealed.userId(), null,
                false, "t-3", sealed.observedAt(), sealed.syncRunId(), null, new RawRecord.Sealed(RawRecordSeal.ALG,
                "no-such-kid", sealed.sealed().iv(), sealed.sealed().ct()));
        who.send(bytes(moved));
        who.send(bytes(unknownKey));

        List<ConsumerRecord<String, String>> dlq = kafka.awaitRecords(Topics.RAW_RECORDS_DLQ,
                r -> who.account().equals(r.key()), 2, WAIT);
        assertThat(dlq).extracting(r -> readTree(r.value()).get("code").asText())
                .containsExactlyInAnyOrder("unseal_failed", "unknown_data_key");
        assertThat(dlq).allSatisfy(r -> {
            assertThat(r.value()).doesNotContain("mallory").doesNotContain(who.mailbox());
            assertThat(readTree(readTree(r.value()).get("original").asText()).has("sealed")).isTrue();
        });
        assertThat(who.events()).isZero();
    }

    private static JsonNode readTree(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

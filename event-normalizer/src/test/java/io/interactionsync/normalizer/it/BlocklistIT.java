package io.interactionsync.normalizer.it;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.Json;
import io.interactionsync.model.Provider;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blocklists (issue 17 item 2): a blocked contact's events are erased as a purge erases (rows deleted, published
 * deleted=true), never stored again — replays included — for the user, or for every member of a team.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class BlocklistIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KafkaTestClient kafka;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    private record Who(String user, String account, String mailbox) {
        static Who fresh() {
            String n = UUID.randomUUID().toString().substring(0, 8);
            return new Who("user-" + n, "acc-" + n, "alice." + n + "@acme.test");
        }

        void receive(String id, String from) {
            JsonNode p = message(id).labels("INBOX").from(from).to(mailbox).json();
            kafka.send(Topics.RAW_RECORDS, account, GmailFixtures.envelope(RawRecord.Op.UPSERT, id, p, mailbox, account, user));
        }

        void connected() {
            kafka.send(Topics.ACCOUNT_EVENTS, account, AccountEvent.of(AccountEvent.Type.CONNECTED, account, user,
                    Provider.GOOGLE, mailbox, List.of(), List.of(), Instant.now()));
        }

        /** Every row of the user with this contact, live or retracted. */
        long rows(String contact) {
            return Db.count("select count(*) from normalizer.interaction_events where user_id = ? and contact_email = ?",
                    user, contact);
        }

        long live() {
            return Db.count("select count(*) from normalizer.interaction_events where user_id = ? and not deleted", user);
        }

        /** The contacts the query API answers for this user. */
        List<String> queried() {
            return given().auth().oauth2(TestJwts.user(user, mailbox)).when().get("/api/v1/interaction-events?limit=100")
                    .then().statusCode(200).extract().<List<String>>path("items.contactEmail");
        }

        /**
         * Sends a marker record and waits for its event: every record sent before it (same partition) was processed,
         * and every event committed before it published.
         */
        void settle(String marker) {
            receive(marker, marker + "@marker.example");
            await().atMost(WAIT).until(() -> rows(marker + "@marker.example") == 1);
            kafka.awaitRecords(Topics.INTERACTION_EVENTS, r -> user.equals(r.key()) && r.value().contains(marker), 1, WAIT);
        }

        List<JsonNode> published(String contact) {
            return kafka.readAll(Topics.INTERACTION_EVENTS).stream().filter(r -> user.equals(r.key()))
                    .map(BlocklistIT::readTree).filter(e -> contact.equals(e.get("contactEmail").asText())).toList();
        }
    }

    private static void block(Who who, String... entries) {
        kafka.send(Topics.ACCOUNT_EVENTS, who.user(), AccountEvent.blocklistChanged(new AccountEvent.Blocklist(
                AccountEvent.Blocklist.Scope.USER, who.user(), List.of(entries)), Instant.now()));
    }

    private static void blockForTeam(String collectionId, String... entries) {
        kafka.send(Topics.ACCOUNT_EVENTS, collectionId, AccountEvent.blocklistChanged(new AccountEvent.Blocklist(
                AccountEvent.Blocklist.Scope.COLLECTION, collectionId, List.of(entries)), Instant.now()));
    }

    private static void awaitList(String scope, String owner, int entries) {
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.blocklists where scope = ? "
                + "and owner_id = ? and cardinality(entries) = ?", scope, owner, entries) == 1);
    }

    private static String replayAndWait(String accountId) {
        String admin = TestJwts.user("ops-" + UUID.randomUUID(), "ops@acme.test", "admin");
        String id = given().auth().oauth2(admin).queryParam("accountId", accountId).when().post("/api/v1/admin/replays")
                .then().statusCode(202).extract().path("id");
        await().atMost(WAIT).until(() -> "completed".equals(given().auth().oauth2(admin)
                .when().get("/api/v1/admin/replays/" + id).then().statusCode(200).extract().path("state")));
        return id;
    }

    @Test
    void blockingAContactErasesItsEventsEverywhereAndNewRecordsAndReplaysCreateNone() {
        Who who = Who.fresh();
        who.receive("b-1", "Bob <Bob@Client.example>");
        who.receive("b-2", "bob@client.example");
        who.receive("j-1", "jane@other.example");
        await().atMost(WAIT).until(() -> who.live() == 3);
        assertThat(who.queried()).contains("bob@client.example", "jane@other.example");

        block(who, "BOB@client.example");
        await().atMost(WAIT).until(() -> who.rows("bob@client.example") == 0);
        assertThat(who.rows("jane@other.example")).isEqualTo(1);
        assertThat(who.queried()).doesNotContain("bob@client.example").contains("jane@other.example");
        who.settle("mark-1");
        List<JsonNode> bob = who.published("bob@client.example");
        assertThat(bob).as("each bob event published live, then deleted").hasSize(4)
                .allSatisfy(e -> assertThat(ContractSchemas.validate(Contract.INTERACTION_EVENT, e)).isEmpty());
        assertThat(bob.stream().filter(e -> e.get("deleted").asBoolean()).map(e -> e.get("remoteId").asText()))
                .containsExactlyInAnyOrder("b-1", "b-2");

        // new mail from bob (and a redelivery of an old one) creates nothing
        who.receive("b-3", "bob@client.example");
        who.receive("b-1", "Bob <bob@client.example>");
        who.settle("mark-2");
        assertThat(who.rows("bob@client.example")).isZero();
        assertThat(who.published("bob@client.example")).hasSize(4);

        // a replay of the account leaves him out too
        replayAndWait(who.account());
        who.settle("mark-3");
        assertThat(who.rows("bob@client.example")).isZero();
        assertThat(who.rows("jane@other.example")).isEqualTo(1);
        assertThat(who.published("bob@client.example")).hasSize(4);
        given().when().get(ManagementInterface.url("/q/metrics")).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("normalizer_blocked_events_total"));
    }

    @Test
    void aBlockedContactLeavesNoHistoryEvidenceBehind() {
        Who who = Who.fresh();
        // list posts: their class asks the user's history (R-C6/R-C7), which is remembered per sender and Message-ID
        java.util.function.BiConsumer<String, String> listPost = (id, from) -> {
            JsonNode p = message(id).labels("INBOX").from(from).to(who.mailbox())
                    .header("List-Unsubscribe", "<https://lists.example/unsubscribe>")
                    .header("In-Reply-To", "<" + id + "-question@" + who.mailbox().split("@")[1] + ">").json();
            kafka.send(Topics.RAW_RECORDS, who.account(), GmailFixtures.envelope(RawRecord.Op.UPSERT, id, p,
                    who.mailbox(), who.account(), who.user()));
        };
        listPost.accept("h-1", "news@spam.example");
        listPost.accept("h-2", "digest@lists.example");
        await().atMost(WAIT).until(() -> who.live() == 2);
        assertThat(dependents(who, "to:news@spam.example")).isEqualTo(1);
        assertThat(dependents(who, "id:%")).isEqualTo(2);

        block(who, "@spam.example");
        await().atMost(WAIT).until(() -> who.rows("news@spam.example") == 0);
        assertThat(dependents(who, "to:news@spam.example")).as("the blocked address is forgotten").isZero();
        assertThat(dependents(who, "id:%")).as("so is the evidence of the message only with them").isEqualTo(1);
        assertThat(dependents(who, "to:digest@lists.example")).isEqualTo(1);

        // new mail from the blocked sender stores no evidence either; from someone else it still does
        listPost.accept("h-3", "news@spam.example");
        listPost.accept("h-4", "digest@lists.example");
        who.settle("mark-h");
        await().atMost(WAIT).until(() -> who.rows("digest@lists.example") == 2);
        assertThat(dependents(who, "to:%spam.example")).isZero();
        assertThat(dependents(who, "id:%")).isEqualTo(2);
    }

    /** The user's {@code history_dependents} rows whose evidence is like {@code evidence}. */
    private static long dependents(Who who, String evidence) {
        return Db.count("select count(*) from normalizer.history_dependents where user_id = ? and evidence like ?",
                who.user(), evidence);
    }

    @Test
    void aDomainEntryBlocksTheDomainAndItsSubdomainsOnly() {
        Who who = Who.fresh();
        who.receive("d-1", "x@corp.example");
        who.receive("d-2", "y@eu.corp.example");
        who.receive("d-3", "z@notcorp.example");
        who.receive("d-4", "John.Doe@gmail.com");
        await().atMost(WAIT).until(() -> who.live() == 4);

        block(who, "@Corp.Example", "johndoe+news@gmail.com"); // Gmail: dots and +tags are not part of the identity
        await().atMost(WAIT).until(() -> who.rows("x@corp.example") + who.rows("y@eu.corp.example")
                + who.rows("john.doe@gmail.com") == 0);
        assertThat(who.rows("z@notcorp.example")).isEqualTo(1);

        who.receive("d-5", "w@deep.sub.corp.example");
        who.receive("d-6", "w@corp.example.org");
        who.settle("mark-d");
        assertThat(who.rows("w@deep.sub.corp.example")).isZero();
        assertThat(who.rows("w@corp.example.org")).isEqualTo(1);
    }

    @Test
    void aTeamBlocklistAppliesToItsMembersOnly() {
        Who alice = Who.fresh();
        Who bob = Who.fresh();
        Who carol = Who.fresh(); // not in the team
        String team = "team-" + alice.account();
        for (Who w : List.of(alice, bob, carol)) {
            w.connected();
        }
        kafka.send(Topics.ACCOUNT_EVENTS, team, new AccountEvent(1, AccountEvent.Type.DIRECTORY_CHANGED, team, null, null,
                null, null, null, null, null, new AccountEvent.Directory(team, "Team", List.of(alice.mailbox(),
                bob.mailbox()), List.of()), Instant.now()));
        await().atMost(WAIT).until(() -> Db.count("select count(*) from normalizer.directory_collections "
                + "where collection_id = ?", team) == 1 && Db.count("select count(*) from normalizer.owner_aliases "
                + "where account_id in (?, ?, ?)", alice.account(), bob.account(), carol.account()) == 3);
        for (Who w : List.of(alice, bob, carol)) {
            w.receive("t-1", "eve@spy.example");
            w.receive("t-2", "frank@client.example");
        }
        await().atMost(WAIT).until(() -> alice.live() == 2 && bob.live() == 2 && carol.live() == 2);

        blockForTeam(team, "eve@spy.example");
        await().atMost(WAIT).until(() -> alice.rows("eve@spy.example") + bob.rows("eve@spy.example") == 0);
        awaitList("collection", team, 1);
        assertThat(carol.rows("eve@spy.example")).isEqualTo(1);
        for (Who w : List.of(alice, bob, carol)) {
            assertThat(w.rows("frank@client.example")).isEqualTo(1);
            w.receive("t-3", "eve@spy.example");
            w.settle("mark-" + w.account());
        }
        assertThat(alice.rows("eve@spy.example") + bob.rows("eve@spy.example")).isZero();
        assertThat(carol.rows("eve@spy.example")).isEqualTo(2);

        // carol joins the team: the team's list now applies to her past mail as well
        kafka.send(Topics.ACCOUNT_EVENTS, team, new AccountEvent(1, AccountEvent.Type.DIRECTORY_CHANGED, team, null, null,
                null, null, null, null, null, new AccountEvent.Directory(team, "Team", List.of(alice.mailbox(),
                bob.mailbox(), carol.mailbox()), List.of()), Instant.now()));
        await().atMost(WAIT).until(() -> carol.rows("eve@spy.example") == 0);
    }

    @Test
    void removingAnEntryBringsTheContactBackFromTheMailItself() {
        Who who = Who.fresh();
        who.receive("r-1", "dan@client.example");
        await().atMost(WAIT).until(() -> who.live() == 1);
        block(who, "dan@client.example");
        await().atMost(WAIT).until(() -> who.rows("dan@client.example") == 0);

        block(who); // the list is emptied: the user's mail is derived again (issue 18), no replay needed
        awaitList("user", who.user(), 0);
        await().atMost(WAIT).until(() -> who.rows("dan@client.example") == 1);
        given().auth().oauth2(TestJwts.user(who.user(), who.mailbox())).when()
                .get("/api/v1/interaction-events?contact=dan@client.example").then().statusCode(200)
                .body("items.size()", equalTo(1));
    }

    private static JsonNode readTree(ConsumerRecord<String, String> r) {
        try {
            return Json.mapper().readTree(r.value());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}

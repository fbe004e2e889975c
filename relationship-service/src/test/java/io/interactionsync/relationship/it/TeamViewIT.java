package io.interactionsync.relationship.it;

import io.interactionsync.testsupport.StateTopic;
import static io.interactionsync.relationship.it.Api.get;
import static io.interactionsync.relationship.it.Api.token;
import static io.interactionsync.relationship.support.Events.meeting;
import static io.interactionsync.relationship.support.Events.received;
import static io.interactionsync.relationship.support.Events.sent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.relationship.support.Events;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The team view: key connection, reachability, member strengths, team-deduplicated counts, who may see it. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(StateTopic.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class TeamViewIT {

    private static final StateTopic TOPIC = new StateTopic();
    private static final KafkaTestClient KAFKA = KafkaTestClient.connect();

    @AfterAll
    static void close() {
        TOPIC.close();
        KAFKA.close();
    }

    @Test
    void anEmailToThreeMembersCountsOnceForTheTeamAndInEveryMembersScore() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ann = "ann-" + run, ben = "ben-" + run, cid = "cid-" + run, dora = "dora-" + run;
        String collection = "col-" + run;
        String partner = "partner-" + run + "@example.com";
        String other = "other-" + run + "@example.com";
        for (String member : List.of(ann, ben, cid)) {
            Api.connected(KAFKA, "acc-" + member, member, member + "@acme.test");
        }
        // dora is a member by email only (no account connected yet): her JWT email lets her in
        Api.directory(KAFKA, collection, List.of(ann + "@acme.test", ben + "@acme.test", cid + "@acme.test",
                dora + "@ACME.test"));

        Instant now = Instant.now().minusSeconds(60);
        for (int i = 0; i < 10; i++) {
            TOPIC.publish(sent(ann, "acc-" + ann, partner, now, "<a-o" + i + "-" + run + ">"));
            TOPIC.publish(received(ann, "acc-" + ann, partner, now, "<a-i" + i + "-" + run + ">"));
        }
        for (int i = 0; i < 3; i++) {
            TOPIC.publish(sent(ben, "acc-" + ben, partner, now, "<b-o" + i + "-" + run + ">"));
            TOPIC.publish(received(ben, "acc-" + ben, partner, now, "<b-i" + i + "-" + run + ">"));
        }
        // one email from the partner to all three members: one Message-ID, three members' events
        String shared = "<shared-" + run + "@example.com>";
        for (String member : List.of(ann, ben, cid)) {
            TOPIC.publish(InteractionEventsFor.inboundTo(member, partner, now, shared));
        }
        // one meeting of ann and ben with the partner: same start and end in both calendars
        InteractionEvent annMeeting = meeting(ann, "acc-" + ann, partner, now, 3);
        TOPIC.publish(annMeeting);
        TOPIC.publish(meeting(ben, "acc-" + ben, partner, now, 3));
        TOPIC.publish(received(cid, "acc-" + cid, other, now, "<o-" + run + ">"));
        // a colleague is never a contact of the team: a member, or anyone at an internal domain (and its subdomains)
        TOPIC.publish(sent(ann, "acc-" + ann, ben + "@acme.test", now, "<colleague-" + run + ">"));
        TOPIC.publish(received(ann, "acc-" + ann, "new-hire-" + run + "@eu.acme.test", now, "<hire-" + run + ">"));
        TOPIC.flush();

        // each member keeps the shared email in their own score:
        // ann O = 10, I = 11, M = 3 → E + M = 10.1 + 3 → 100·(1 − e^(−13.1/8)) = 80.55 (warm)
        // ben O = 3, I = 4, M = 3 → 3.1 + 3 → 53.35 (known); cid I = 1 → E = 0.1 → 1.24 (cold)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(Api.strength(ann, partner)).isEqualTo(80.6);
            assertThat(Api.strength(ben, partner)).isEqualTo(53.4);
            assertThat(Api.strength(cid, partner)).isEqualTo(1.2);
            assertThat(Api.strength(cid, other)).isEqualTo(1.2);
        });
        assertThat(Api.relationship(ben, partner).getInt("emailsReceived")).isEqualTo(4);

        // account-events are keyed by account or collection: the directory may land after the events
        JsonPath team = await().atMost(Duration.ofSeconds(10)).until(
                () -> get(token(ann), "/api/v1/collections/{id}/relationships", collection).extract(),
                r -> r.statusCode() == 200 && r.jsonPath().getList("items[0].members").size() == 3).jsonPath();
        assertThat(team.getString("collectionId")).isEqualTo(collection);
        assertThat(team.getList("items.contactEmail")).containsExactly(partner, other);
        assertThat(team.getString("items[0].keyConnection.userId")).isEqualTo(ann);
        assertThat(team.getString("items[0].keyConnection.email")).isEqualTo(ann + "@acme.test");
        assertThat(team.getDouble("items[0].keyConnection.strength")).isEqualTo(80.6);
        assertThat(team.getString("items[0].keyConnection.tier")).isEqualTo("warm");
        assertThat(team.getString("items[0].reachability")).isEqualTo("high");
        assertThat(team.getList("items[0].members.userId")).containsExactly(ann, ben, cid);
        assertThat(team.getList("items[0].members.tier")).containsExactly("warm", "known", "cold");
        // 20 of ann's + 6 of ben's + the shared one once = 27 emails; the shared meeting once
        assertThat(team.getLong("items[0].teamEmails")).isEqualTo(27);
        assertThat(team.getLong("items[0].teamMeetings")).isEqualTo(1);
        assertThat(team.getString("items[0].lastInteractionAt")).isNotBlank();
        // only cid knows `other`, cold: low
        assertThat(team.getString("items[1].reachability")).isEqualTo("low");
        assertThat(team.getString("items[1].keyConnection.userId")).isEqualTo(cid);

        // paging and the contact filter
        JsonPath first = get(token(ann), "/api/v1/collections/{id}/relationships?limit=1", collection)
                .statusCode(200).extract().jsonPath();
        assertThat(first.getList("items.contactEmail")).containsExactly(partner);
        get(token(ann), "/api/v1/collections/{id}/relationships?limit=1&cursor=" + first.getString("nextCursor"),
                collection).statusCode(200).body("items[0].contactEmail", equalTo(other))
                .body("nextCursor", equalTo(null));
        get(token(ann), "/api/v1/collections/{id}/relationships?contact=" + other, collection).statusCode(200)
                .body("items.size()", equalTo(1));

        // dora (JWT email among the members) may look; an outsider may not; an admin may
        get(token(dora), "/api/v1/collections/{id}/relationships", collection).statusCode(200);
        get(token("outsider-" + run), "/api/v1/collections/{id}/relationships", collection).statusCode(403)
                .contentType(Api.PROBLEM).body("code", equalTo("not_a_member"));
        get(TestJwts.user("admin-" + run, "admin-" + run + "@acme.test", "admin"),
                "/api/v1/collections/{id}/relationships", collection).statusCode(200)
                .body("items.size()", equalTo(2));
        get(token(ann), "/api/v1/collections/{id}/relationships", "no-such-" + run).statusCode(404)
                .contentType(Api.PROBLEM).body("code", equalTo("collection_not_found"));
    }

    @Test
    void copiesMergeOnlyWithTheSameSenderWithin24Hours() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ann = "ann-" + run, ben = "ben-" + run, collection = "col-" + run;
        String partner = "partner-" + run + "@example.com", reuser = "reuser-" + run + "@example.com";
        for (String member : List.of(ann, ben)) {
            Api.connected(KAFKA, "acc-" + member, member, member + "@acme.test");
        }
        Api.directory(KAFKA, collection, List.of(ann + "@acme.test", ben + "@acme.test"));
        Instant now = Instant.now().minus(Duration.ofDays(3));
        // the same message in both mailboxes, dated 3 h apart (a redirect): once
        String redirected = "<redirected-" + run + "@example.com>";
        TOPIC.publish(received(ann, "acc-" + ann, partner, now, redirected));
        TOPIC.publish(received(ben, "acc-" + ben, partner, now.plus(Duration.ofHours(3)), redirected));
        // a sender reusing its Message-ID two days later: two emails
        String reused = "<reused-" + run + "@example.com>";
        TOPIC.publish(received(ann, "acc-" + ann, partner, now, reused));
        TOPIC.publish(received(ben, "acc-" + ben, partner, now.plus(Duration.ofDays(2)), reused));
        // another sender's mail under the same Message-ID, with the partner in Cc: the partner's copy in ben's
        // mailbox is a different email from the one ann got from the partner
        String clashing = "<clash-" + run + "@example.com>";
        TOPIC.publish(received(ann, "acc-" + ann, partner, now, clashing));
        TOPIC.publish(Events.email(ben, "acc-" + ben, reuser, InteractionEvent.Direction.INBOUND,
                InteractionEvent.Role.FROM, now, clashing, 2));
        TOPIC.publish(Events.email(ben, "acc-" + ben, partner, InteractionEvent.Direction.INBOUND,
                InteractionEvent.Role.CC, now, clashing, 2));
        // ben wrote to the partner cc ann: ann's copy (from a colleague) and ben's sent copy are one email
        String internal = "<internal-" + run + "@acme.test>";
        TOPIC.publish(sent(ben, "acc-" + ben, partner, now, internal));
        TOPIC.publish(Events.email(ann, "acc-" + ann, partner, InteractionEvent.Direction.INBOUND,
                InteractionEvent.Role.TO, now, internal, 2));
        TOPIC.flush();

        // redirected 1 + reused 2 + clashing 2 + internal 1 = 6 emails with the partner
        JsonPath team = await().atMost(Duration.ofSeconds(10)).until(
                () -> get(token(ann), "/api/v1/collections/{id}/relationships?contact=" + partner, collection)
                        .extract(),
                r -> r.statusCode() == 200 && r.jsonPath().getList("items").size() == 1
                        && r.jsonPath().getList("items[0].members").size() == 2
                        && r.jsonPath().getLong("items[0].teamEmails") >= 6).jsonPath();
        assertThat(team.getLong("items[0].teamEmails")).isEqualTo(6);
    }

    /** Inbound events of one message as a co-recipient member's mailbox holds it. */
    static final class InteractionEventsFor {
        static InteractionEvent inboundTo(String member, String from, Instant at, String messageId) {
            return received(member, "acc-" + member, from, at, messageId);
        }
    }
}

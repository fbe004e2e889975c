package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.assertValid;
import static io.interactionsync.connector.ConnectorTestSupport.emulator;
import static io.interactionsync.connector.ConnectorTestSupport.json;
import static io.interactionsync.connector.ConnectorTestSupport.microsoftSyncToken;
import static io.interactionsync.connector.ConnectorTestSupport.setAccessTokenExpiry;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.interactionsync.connector.MicrosoftTestSupport.connect;
import static io.interactionsync.connector.MicrosoftTestSupport.loadMicrosoftUser;
import static io.interactionsync.connector.MicrosoftTestSupport.loadSharedMailbox;
import static io.interactionsync.connector.MicrosoftTestSupport.uniqueUpn;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncStatus;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Shared mailboxes follow access (issue 17 item 5): each subscription's state ({@code active}, {@code access_denied},
 * {@code suspended}) in the Account JSON, and {@code shared_mailbox_access_changed} whenever it changes.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class SharedMailboxAccessTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private record Subscriber(String jwt, String upn, String accountId, String shared) {
    }

    private static Subscriber subscribe() {
        String shared = "team-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.test";
        loadSharedMailbox(shared);
        String upn = uniqueUpn("subscriber");
        loadMicrosoftUser(upn, Map.of("fullAccessTo", List.of(shared)));
        String jwt = userJwt("u-" + UUID.randomUUID());
        String id = connect(jwt, upn, "mail,sharedMail", 201).get("id").asText();
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("address", shared))
                .post("/api/v1/microsoft-accounts/{id}/shared-mailboxes", id).then().statusCode(201);
        return new Subscriber(jwt, upn, id, shared);
    }

    private static void report(Subscriber s, SyncStatus.State state, String error, Instant at) {
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_STATUS, s.accountId(), new SyncStatus(1, s.accountId(), Source.OUTLOOK_MAIL, s.shared(),
                    state, 0, null, null, error, at));
        }
    }

    /** Awaits the subscription's state (sharedMailboxes[].subscription). */
    private static void awaitState(Subscriber s, String subscription) {
        await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(s.jwt())
                .get("/api/v1/microsoft-accounts/{id}", s.accountId()).then().statusCode(200)
                .body("sharedMailboxes[0].subscription", equalTo(subscription)));
    }

    /** The one state a person reads, in the Account JSON and in the shared-mailbox list alike. */
    private static void assertShownState(Subscriber s, String state) {
        given().auth().oauth2(s.jwt()).get("/api/v1/microsoft-accounts/{id}", s.accountId()).then().statusCode(200)
                .body("sharedMailboxes[0].state", equalTo(state));
        given().auth().oauth2(s.jwt()).get("/api/v1/microsoft-accounts/{id}/shared-mailboxes", s.accountId()).then()
                .statusCode(200).body("[0].state", equalTo(state));
    }

    /** The account's shared_mailbox_access_changed events so far, in order: their states. */
    private static List<String> announcedStates(Subscriber s, int atLeast) {
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            List<JsonNode> events = kafka.awaitRecords(Topics.ACCOUNT_EVENTS, r -> s.accountId().equals(r.key())
                    && r.value().contains("shared_mailbox_access_changed"), atLeast, WAIT).stream().map(r -> json(r)).toList();
            events.forEach(e -> {
                assertValid(Contract.ACCOUNT_EVENT, e);
                assertThat(e.get("sharedMailbox").asText()).isEqualTo(s.shared());
                assertThat(e.get("provider").asText()).isEqualTo("microsoft");
                assertThat(e.get("userId").asText()).isNotBlank();
            });
            return events.stream().map(e -> e.get("state").asText()).toList();
        }
    }

    @Test
    void shouldDenyASubscriptionOnItsOwnAccessDeniedReportAndReactivateItWhenAccessReturns() {
        Subscriber s = subscribe();
        awaitState(s, "active");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        report(s, SyncStatus.State.ACCESS_DENIED, "access_denied: Graph answered 403 ErrorAccessDenied", now);
        awaitState(s, "access_denied");
        given().auth().oauth2(s.jwt()).get("/api/v1/microsoft-accounts/{id}", s.accountId()).then()
                .body("sharedMailboxes[0].state", equalTo("access_denied"))
                .body("sharedMailboxes[0].lastError", equalTo("access_denied: Graph answered 403 ErrorAccessDenied"));
        given().auth().oauth2(s.jwt()).get("/api/v1/microsoft-accounts/{id}/shared-mailboxes", s.accountId()).then()
                .statusCode(200).body("[0].state", equalTo("access_denied"))
                .body("[0].subscription", equalTo("access_denied"))
                .body("[0].lastError", equalTo("access_denied: Graph answered 403 ErrorAccessDenied"));
        assertThat(announcedStates(s, 1)).containsExactly("access_denied");

        report(s, SyncStatus.State.ACCESS_DENIED, "access_denied again", now.plusSeconds(1)); // no change, no event
        report(s, SyncStatus.State.SYNCING, null, now.plusSeconds(2));
        awaitState(s, "active");
        assertShownState(s, "syncing"); // access is back: the person reads the sync state again
        assertThat(announcedStates(s, 2)).containsExactly("access_denied", "active");
    }

    @Test
    void shouldSuspendSubscriptionsWhileTheAccountNeedsReauthorizationAndResumeOnReconnect() throws Exception {
        Subscriber s = subscribe();
        given().baseUri(emulator()).contentType(ContentType.JSON).body(Map.of("email", s.upn()))
                .post("/_emulator/revoke").then().statusCode(200);
        setAccessTokenExpiry(s.accountId(), Instant.now().plusSeconds(10));
        given().auth().oauth2(microsoftSyncToken()).contentType(ContentType.JSON).body(Map.of())
                .post("/internal/v1/accounts/{id}/access-token", s.accountId())
                .then().statusCode(409).body("code", equalTo("reauth_required"));

        awaitState(s, "suspended");
        assertShownState(s, "suspended");
        assertThat(announcedStates(s, 1)).containsExactly("suspended");

        connect(s.jwt(), s.upn(), "mail,sharedMail", 200); // the user reconnects the same account
        awaitState(s, "active");
        assertThat(announcedStates(s, 2)).containsExactly("suspended", "active");
    }

    @Test
    void shouldKeepADeniedSubscriptionDeniedAfterAReconnectAndSuspendItOnDisconnect() {
        Subscriber s = subscribe();
        report(s, SyncStatus.State.ACCESS_DENIED, "access_denied", Instant.now());
        awaitState(s, "access_denied");

        connect(s.jwt(), s.upn(), "mail,sharedMail", 200); // reconnecting does not give Exchange access back
        given().auth().oauth2(s.jwt()).get("/api/v1/microsoft-accounts/{id}", s.accountId()).then()
                .body("sharedMailboxes[0].state", equalTo("access_denied"));

        given().auth().oauth2(s.jwt()).delete("/api/v1/microsoft-accounts/{id}?purge=false", s.accountId()).then().statusCode(204);
        assertThat(announcedStates(s, 2)).containsExactly("access_denied", "suspended");
    }
}

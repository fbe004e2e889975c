package io.interactionsync.microsoftsync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.repository.MailboxRepository;
import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TopicReader;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Shared mailboxes follow access (issue 17 item 5): each subscriber's access is checked with its own token on every
 * sync of the mailbox; the emulator revoking a subscriber's Exchange FullAccess gets that subscriber reported
 * access_denied (by another subscriber's read, then by its own job) and its token no longer reads the mailbox; a grant
 * makes it active again.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class SharedMailboxAccessIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    SharedMailboxRepository sharedMailboxes;

    @Inject
    MailboxRepository mailboxes;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void shouldReportARevokedSubscriberAccessDeniedStopUsingItsTokenAndResumeWhenAccessReturns() {
        String shared = "deals-" + UUID.randomUUID().toString().substring(0, 6) + "@contoso.test";
        String sharedPath = "/_emulator/microsoft/shared-mailboxes/" + shared;
        Outlook.sharedMailbox(emulator, shared, 3);
        Outlook alice = Outlook.standard(1, 0).fullAccessTo(shared).load(emulator);
        Outlook bob = Outlook.standard(1, 0).fullAccessTo(shared).load(emulator);
        String a = FakeConnectorResource.register(alice.upn);
        String b = FakeConnectorResource.register(bob.upn);

        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            for (String account : List.of(a, b)) {
                kafka.send(Topics.ACCOUNT_EVENTS, account, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                        AccountEvent.Type.SHARED_MAILBOX_ADDED, account, FakeConnectorResource.userId(account),
                        Provider.MICROSOFT, null, null, null, shared, null, null, Instant.now()));
            }
            await().atMost(WAIT).until(() -> sharedMailboxes.subscribers(shared).size() == 2);

            // alice's job reads the mailbox; bob's access is checked with bob's token on the way
            sync(kafka, a, alice.upn);
            assertThat(sharedMailboxes.access(shared, a)).contains("allowed");
            assertThat(sharedMailboxes.access(shared, b)).contains("allowed");
            assertThat(sharedRecords(a, shared)).hasSize(3);

            // an Exchange admin removes bob's Full Access
            given().baseUri(emulator).delete("/_emulator/microsoft/users/" + bob.upn + "/full-access/" + shared)
                    .then().statusCode(204);
            addShared(sharedPath);
            sync(kafka, a, alice.upn);
            assertThat(sharedRecords(a, shared)).as("alice still reads it").hasSize(4);
            assertThat(sharedMailboxes.access(shared, b)).contains("denied");
            JsonNode denied = lastSharedStatus(b, shared).orElseThrow();
            assertThat(denied.get("state").asText()).isEqualTo("access_denied");
            assertThat(denied.get("lastError").asText()).startsWith("access_denied").doesNotContain(shared);
            assertThat(ContractSchemas.validate(ContractSchemas.Contract.SYNC_STATUS, denied)).isEmpty();

            // bob's own job: the check refuses, and his token never reads the mailbox (nothing published with it)
            addShared(sharedPath);
            double deniedBefore = deniedGraphRequests();
            sync(kafka, b, bob.upn);
            assertThat(sharedRecords(b, shared)).isEmpty();
            assertThat(lastSharedStatus(b, shared).orElseThrow().get("state").asText()).isEqualTo("access_denied");
            assertThat(deniedGraphRequests() - deniedBefore)
                    .as("bob's token got one 403, the access check: the mailbox was not read with it").isEqualTo(1.0);

            // access comes back: bob's next job finds it, reports the subscription active and reads with his token
            given().baseUri(emulator).contentType(ContentType.JSON).body(Map.of("address", shared))
                    .post("/_emulator/microsoft/users/" + bob.upn + "/full-access").then().statusCode(200);
            sync(kafka, b, bob.upn);
            assertThat(sharedMailboxes.access(shared, b)).contains("allowed");
            assertThat(sharedRecords(b, shared)).as("the message added since alice's last read").hasSize(1);
            assertThat(lastSharedStatus(b, shared).orElseThrow().get("state").asText()).isIn("syncing", "synced");
        }
    }

    /** Graph mail requests answered 403 so far (every token of this app). */
    private double deniedGraphRequests() {
        var counter = registry.find("microsoftsync.graph.requests").tags("api", "mail", "outcome", "access_denied").counter();
        return counter == null ? 0 : counter.count();
    }

    private void addShared(String sharedPath) {
        given().baseUri(emulator).contentType(ContentType.JSON).body(Outlook.message(Instant.now()))
                .post(sharedPath + "/folders/inbox/messages").then().statusCode(200);
    }

    private static List<JsonNode> sharedRecords(String accountId, String shared) {
        return TopicReader.rawRecords(accountId).stream() // sealed records, opened with the test's data keys
                .filter(r -> r.path("mailbox").asText().equals(shared)).toList();
    }

    private static Optional<JsonNode> lastSharedStatus(String accountId, String shared) {
        List<JsonNode> statuses = TopicReader.valuesWithKey(Topics.SYNC_STATUS, accountId).stream()
                .filter(s -> shared.equals(s.path("mailbox").asText())).toList();
        return statuses.isEmpty() ? Optional.empty() : Optional.of(statuses.getLast());
    }

    /** Requests a sync and waits until the job that ran the account's own mailbox after the request finished. */
    private void sync(KafkaTestClient kafka, String accountId, String upn) {
        Instant requested = Instant.now();
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT, List.of(Source.OUTLOOK_MAIL),
                SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, requested));
        await().atMost(WAIT).failFast("the job failed", () -> jobs.state(accountId).filter("failed"::equals).isPresent())
                .until(() -> mailboxes.load(accountId, upn).map(m -> m.lastSyncedAt() != null
                        && m.lastSyncedAt().isAfter(requested)).orElse(false)
                        && jobs.state(accountId).filter("done"::equals).isPresent());
    }
}

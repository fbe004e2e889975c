package io.interactionsync.googlesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.googlesync.source.gmail.GmailCursor;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.googlesync.support.TestMailbox;
import io.interactionsync.testsupport.TopicReader;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * End to end: two accounts backfill at the same time; one user's Google tokens are revoked at the emulator
 * ({@code POST /_emulator/revoke}) in the middle of its backfill. Its next Gmail call answers 401, the connector's
 * refresh is refused ({@code invalid_grant} → 409), so that account reports {@code reauth_required} and stops —
 * having published only messages it should, none twice — while the other account completes its exact set and the
 * {@code google_gmail_metadata} circuit stays closed.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class RevokedTokenIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    GmailCursorRepository cursors;

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void shouldStopOnlyTheRevokedAccountAndKeepTheCircuitClosed() throws Exception {
        // 300 messages each: at the test quota (15,000 units/min per user) a backfill takes several seconds.
        TestMailbox revoked = mailbox(300).load(emulator);
        TestMailbox healthy = mailbox(300).load(emulator);
        String revokedId = FakeConnectorResource.register(revoked.email);
        String healthyId = FakeConnectorResource.register(healthy.email);

        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            for (String id : List.of(revokedId, healthyId)) {
                kafka.send(Topics.SYNC_REQUESTS, id, SyncRequest.of(id, Provider.GOOGLE, List.of(Source.GMAIL),
                        SyncRequest.Mode.AUTO, SyncRequest.Reason.CONNECT, Instant.now()));
            }
        }
        // Mid-backfill: some of its messages are published, the backfill is not complete.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> cursors.load(revokedId).map(GmailCursor::published).orElse(0L) >= 20);
        revoke(revoked.email);
        GmailCursor atRevocation = cursors.load(revokedId).orElseThrow();
        assertThat(atRevocation.phase()).as("revoked mid-backfill").isEqualTo(GmailCursor.Phase.BACKFILL);

        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> jobs.state(revokedId).filter("failed"::equals).isPresent());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> jobs.state(healthyId).filter("done"::equals).isPresent());

        JsonNode reauth = await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> TopicReader.valuesWithKey(Topics.SYNC_STATUS, revokedId).stream()
                        .filter(s -> "reauth_required".equals(s.path("state").asText())).findFirst(),
                        java.util.Optional::isPresent).orElseThrow();
        assertThat(reauth.path("source").asText()).isEqualTo("gmail");
        assertThat(ContractSchemas.validate(ContractSchemas.Contract.SYNC_STATUS, reauth)).isEmpty();
        assertThat(reauth.toString()).doesNotContain("ya29.");

        List<String> partial = ids(revokedId);
        assertThat(partial).doesNotHaveDuplicates().hasSizeLessThan(revoked.expectedIds().size());
        assertThat(revoked.expectedIds()).containsAll(partial);
        assertThat(cursors.load(revokedId).orElseThrow().phase()).isEqualTo(GmailCursor.Phase.BACKFILL);

        List<String> complete = ids(healthyId);
        assertThat(complete).doesNotHaveDuplicates();
        assertThat(Set.copyOf(complete)).isEqualTo(healthy.expectedIds());
        assertThat(breakers.currentState("google_gmail_metadata")).isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(registry.find("googlesync.gmail.requests").tag("outcome", "unauthorized").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum()).as("Gmail answered 401").isPositive();
    }

    private static TestMailbox mailbox(int messages) {
        TestMailbox box = TestMailbox.create();
        Instant now = Instant.now();
        for (int i = 0; i < messages; i++) {
            box.add(now.minusSeconds(600L * (i + 1)), true, i % 3 == 0 ? "SENT" : "INBOX");
        }
        return box;
    }

    private void revoke(String email) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/revoke"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isLessThan(300);
    }

    private static List<String> ids(String accountId) {
        return TopicReader.rawRecords(accountId).stream()
                .map(r -> r.get("remoteId").asText()).collect(Collectors.toList());
    }
}

package io.interactionsync.microsoftsync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.microsoftsync.graph.GraphApi;
import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.breaker.ProviderCircuitBreakers;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TopicReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 item 3, against the emulator's per-user faults: one mailbox's Graph answers slower than the client's read
 * timeout (1 s here), so every call for it times out, a provider-wide kind of failure — with nothing else in the
 * window at first, a failure ratio of 100 %. The other mailboxes sync to completion and {@code ms_graph_mail} never
 * leaves CLOSED. Then a 503 storm for every mailbox opens it; once Graph recovers, a half-open probe (after the 2 s
 * test delay) closes it and every mailbox completes.
 */
@QuarkusTest
@TestProfile(SlowMailboxBreakerIT.ShortReadTimeout.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class SlowMailboxBreakerIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    ProviderCircuitBreakers breakers;

    @Inject
    CircuitBreakerMaintenance maintenance;

    @Inject
    MeterRegistry registry;

    @AfterEach
    void clearFaults() {
        faults(List.of());
        breakers.resetAll();
    }

    @Test
    void oneSlowMailboxDoesNotOpenTheBreakerButAStormForEveryoneDoes() {
        List<CircuitBreakerState> transitions = new CopyOnWriteArrayList<>();
        maintenance.onStateChange(GraphApi.MAIL_BREAKER, transitions::add);

        Outlook slow = Outlook.standard(6, 2).load(emulator);
        Outlook first = Outlook.standard(6, 2).load(emulator);
        Outlook second = Outlook.standard(6, 2).load(emulator);
        faults(List.of(Map.of("provider", "microsoft", "user", slow.upn, "pathRegex", "/v1.0/", "latencyMs", 2500)));
        String slowId = sync(slow);
        // The slow mailbox alone: only its timeouts in the window.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> requests("io_error") >= 6);
        assertThat(breakers.get(GraphApi.MAIL_BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);
        String firstId = sync(first);
        String secondId = sync(second);

        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> done(firstId) && done(secondId));
        assertThat(published(firstId)).isEqualTo(first.expectedIds());
        assertThat(published(secondId)).isEqualTo(second.expectedIds());
        assertThat(done(slowId)).as("every call for the slow mailbox times out").isFalse();
        assertThat(transitions).as("the slow mailbox's timeouts never moved the breaker").isEmpty();
        assertThat(breakers.get(GraphApi.MAIL_BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);

        // Graph (not the sign-in endpoints) fails for everyone: the breaker opens.
        faults(List.of(Map.of("provider", "microsoft", "pathRegex", "/v1.0/", "status", 503)));
        Outlook third = Outlook.standard(6, 2).load(emulator);
        Outlook fourth = Outlook.standard(6, 2).load(emulator);
        String thirdId = sync(third);
        String fourthId = sync(fourth);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> transitions.contains(CircuitBreakerState.OPEN));
        await("calls refused while open").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> requests("circuit_open") > 0);
        assertThat(breakers.get(GraphApi.CALENDAR_BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);

        // Graph recovers: after the delay a probe goes through, the breaker closes, and every mailbox completes.
        faults(List.of());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> done(thirdId) && done(fourthId) && done(slowId));
        assertThat(transitions).containsSubsequence(CircuitBreakerState.OPEN, CircuitBreakerState.HALF_OPEN,
                CircuitBreakerState.CLOSED);
        assertThat(breakers.get(GraphApi.MAIL_BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(published(thirdId)).isEqualTo(third.expectedIds());
        assertThat(published(fourthId)).isEqualTo(fourth.expectedIds());
        assertThat(published(slowId)).isEqualTo(slow.expectedIds());
    }

    private void faults(List<Map<String, Object>> rules) {
        given().baseUri(emulator).contentType(ContentType.JSON).body(Map.of("rules", rules))
                .put("/_emulator/faults").then().statusCode(200);
    }

    private static String sync(Outlook box) {
        String accountId = FakeConnectorResource.register(box.upn);
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT,
                    List.of(Source.OUTLOOK_MAIL), SyncRequest.Mode.AUTO, SyncRequest.Reason.CONNECT, Instant.now()));
        }
        return accountId;
    }

    private boolean done(String accountId) {
        return jobs.state(accountId).filter("done"::equals).isPresent();
    }

    private double requests(String outcome) {
        return registry.find("microsoftsync.graph.requests").tag("api", "mail").tag("outcome", outcome).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static Set<String> published(String accountId) {
        List<String> ids = TopicReader.rawRecords(accountId).stream().map(r -> r.get("remoteId").asText()).toList();
        assertThat(ids).as("published once each").doesNotHaveDuplicates();
        return ids.stream().collect(Collectors.toSet());
    }

    /** Graph calls time out after 1 s, so the slow mailbox's 2.5 s answers are timeouts. */
    public static class ShortReadTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("microsoft-sync.graph.read-timeout", "1s");
        }
    }
}

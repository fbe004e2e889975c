package io.interactionsync.googlesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.googlesync.client.gmail.GmailApiClient;
import io.interactionsync.googlesync.support.TestMailbox;
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
 * Issue 18 item 3, against the emulator's per-user faults: one account's messages.get answers slower than the client's
 * read timeout (1 s here), so that account's concurrent gets time out in bursts (a provider-wide kind of failure;
 * the count-based SmallRye window of 5 calls opened on such a burst). The other accounts
 * sync to completion and {@code google_gmail_metadata} never leaves CLOSED. Then a 503 storm for every account opens
 * it; once Gmail recovers, a half-open probe (after the 2 s test delay) closes it and every account completes.
 */
@QuarkusTest
@TestProfile(SlowAccountBreakerIT.ShortReadTimeout.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class SlowAccountBreakerIT {

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
        TestMailbox.create().faults(emulator, "{\"rules\": []}");
        breakers.resetAll();
    }

    @Test
    void oneSlowAccountDoesNotOpenTheBreakerButAStormForEveryoneDoes() {
        List<CircuitBreakerState> transitions = new CopyOnWriteArrayList<>();
        maintenance.onStateChange(GmailApiClient.BREAKER, transitions::add);

        TestMailbox slow = TestMailbox.standard().load(emulator);
        TestMailbox first = TestMailbox.standard().load(emulator);
        TestMailbox second = TestMailbox.standard().load(emulator);
        slow.faults(emulator, """
                {"rules": [{"provider": "google", "user": "%s", "pathRegex": "/messages/m", "latencyMs": 2500}]}"""
                .formatted(slow.email));
        String slowId = sync(slow);
        // The slow account alone: its concurrent gets time out together, a burst of failures with hardly any
        // successes in the window (a ratio well above 50 %), and still only one account.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> timeouts() >= 8);
        assertThat(breakers.get(GmailApiClient.BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);
        String firstId = sync(first);
        String secondId = sync(second);

        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> done(firstId) && done(secondId));
        assertThat(published(firstId)).isEqualTo(first.expectedIds());
        assertThat(published(secondId)).isEqualTo(second.expectedIds());
        assertThat(done(slowId)).as("every call of the slow account times out").isFalse();
        assertThat(transitions).as("the slow account's timeouts never moved the breaker").isEmpty();
        assertThat(breakers.get(GmailApiClient.BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);

        // Gmail fails for everyone: the breaker opens.
        slow.faults(emulator, "{\"rules\": [{\"provider\": \"google\", \"pathRegex\": \"/gmail/\", \"status\": 503}]}");
        TestMailbox third = TestMailbox.standard().load(emulator);
        TestMailbox fourth = TestMailbox.standard().load(emulator);
        String thirdId = sync(third);
        String fourthId = sync(fourth);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> transitions.contains(CircuitBreakerState.OPEN));
        await("calls refused while open").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> circuitOpenRequests() > 0);

        // Gmail recovers: after the delay a probe goes through, the breaker closes, and every account completes.
        slow.faults(emulator, "{\"rules\": []}");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> done(thirdId) && done(fourthId) && done(slowId));
        assertThat(transitions).containsSubsequence(CircuitBreakerState.OPEN, CircuitBreakerState.HALF_OPEN,
                CircuitBreakerState.CLOSED);
        assertThat(breakers.get(GmailApiClient.BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(published(thirdId)).isEqualTo(third.expectedIds());
        assertThat(published(fourthId)).isEqualTo(fourth.expectedIds());
        assertThat(published(slowId)).isEqualTo(slow.expectedIds());
    }

    private static String sync(TestMailbox box) {
        String accountId = FakeConnectorResource.register(box.email);
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.GOOGLE, List.of(Source.GMAIL),
                    SyncRequest.Mode.AUTO, SyncRequest.Reason.CONNECT, Instant.now()));
        }
        return accountId;
    }

    private boolean done(String accountId) {
        return jobs.state(accountId).filter("done"::equals).isPresent();
    }

    private double timeouts() {
        return requests("io_error");
    }

    private double circuitOpenRequests() {
        return requests("circuit_open");
    }

    private double requests(String outcome) {
        return registry.find("googlesync.gmail.requests").tag("outcome", outcome).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static Set<String> published(String accountId) {
        List<String> ids = TopicReader.rawRecords(accountId).stream().map(r -> r.get("remoteId").asText()).toList();
        assertThat(ids).as("published once each").doesNotHaveDuplicates();
        return ids.stream().collect(Collectors.toSet());
    }

    /**
     * Gmail calls time out after 1 s, so the slow account's 2.5 s answers are timeouts. A message is not given up
     * after 5 failing steps here (the default): the exact sets asserted must not depend on how many steps the faults
     * lasted on a slow machine.
     */
    public static class ShortReadTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("google-sync.gmail.read-timeout", "1s", "google-sync.retry.message-max-attempts", "1000");
        }
    }
}

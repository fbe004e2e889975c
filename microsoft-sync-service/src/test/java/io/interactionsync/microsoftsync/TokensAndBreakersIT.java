package io.interactionsync.microsoftsync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.connector.ConnectorClient;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.graph.GraphApi;
import io.interactionsync.microsoftsync.graph.GraphCallException;
import io.interactionsync.microsoftsync.graph.GraphClients;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.graph.MailboxThrottle;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.testsupport.TopicReader;
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
import io.restassured.http.ContentType;
import io.interactionsync.sync.breaker.ProviderCircuitBreakers;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** 401 → one fresh token; reauth_required stops one account only; breakers count provider-wide failures only. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class TokensAndBreakersIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    GraphClients clients;

    @Inject
    GraphApi api;

    @Inject
    MailboxThrottle throttle;

    @Inject
    SyncMetrics metrics;

    @Inject
    MicrosoftSyncConfig config;

    @Inject
    ConnectorClient connector;

    @Inject
    ProviderCircuitBreakers breakers;

    @BeforeEach
    @AfterEach
    void reset() {
        given().baseUri(emulator).delete("/_emulator/faults").then().statusCode(204);
        breakers.resetAll();
    }

    @Test
    void shouldAskForOneFreshTokenAfterA401AndFailTheSourceWhenTheFreshOneIsRejectedToo() {
        Outlook once = Outlook.standard(3, 1).load(emulator);
        String recovers = FakeConnectorResource.register(once.upn);
        FakeConnectorResource.handOutNext(recovers, "expired-token-1");
        Outlook twice = Outlook.standard(1, 0).load(emulator);
        String fails = FakeConnectorResource.register(twice.upn);
        FakeConnectorResource.handOutNext(fails, "expired-token-2", "expired-token-3");

        sync(recovers, List.of(Source.OUTLOOK_MAIL));
        sync(fails, List.of(Source.OUTLOOK_MAIL));
        await().atMost(WAIT).until(() -> jobs.state(recovers).filter("done"::equals).isPresent()
                && jobs.state(fails).filter("failed"::equals).isPresent());

        assertThat(TopicReader.rawRecords(recovers).stream().map(r -> r.get("remoteId").asText())
                .collect(Collectors.toSet())).isEqualTo(once.expectedIds());
        assertThat(TopicReader.valuesWithKey(Topics.SYNC_STATUS, fails)).anySatisfy(s -> {
            assertThat(s.get("state").asText()).isEqualTo("error");
            assertThat(s.get("lastError").asText()).startsWith("token_rejected").doesNotContain("expired-token");
        });
    }

    @Test
    void shouldStopOnlyTheAccountWhoseRefreshWasRejected() {
        Outlook revoked = Outlook.standard(1, 0).load(emulator);
        String stops = FakeConnectorResource.register(revoked.upn);
        FakeConnectorResource.requireReauth(stops);
        Outlook fine = Outlook.standard(2, 0).load(emulator);
        String goesOn = FakeConnectorResource.register(fine.upn);

        sync(stops, List.of(Source.OUTLOOK_MAIL, Source.OUTLOOK_CALENDAR));
        sync(goesOn, List.of(Source.OUTLOOK_MAIL));
        await().atMost(WAIT).until(() -> jobs.state(stops).filter("failed"::equals).isPresent()
                && jobs.state(goesOn).filter("done"::equals).isPresent());

        List<JsonNode> status = TopicReader.valuesWithKey(Topics.SYNC_STATUS, stops);
        assertThat(status.stream().filter(s -> s.get("state").asText().equals("reauth_required"))
                .map(s -> s.get("source").asText()).collect(Collectors.toSet())).isEqualTo(Set.of("outlook_mail", "outlook_calendar"));
        assertThat(TopicReader.rawRecords(goesOn)).hasSize(2);
    }

    @Test
    void shouldOpenTheMailBreakerOnServerErrorsOfSeveralMailboxesButNotOnOneMailboxsAccessDeniedOrErrors() throws Exception {
        Outlook denied = Outlook.standard(1, 0).load(emulator);
        String deniedAccount = FakeConnectorResource.register(denied.upn);
        Outlook broken = Outlook.standard(1, 0).load(emulator);
        String brokenAccount = FakeConnectorResource.register(broken.upn);
        Outlook alsoBroken = Outlook.standard(1, 0).load(emulator);
        String alsoBrokenAccount = FakeConnectorResource.register(alsoBroken.upn);
        given().baseUri(emulator).contentType(ContentType.JSON).body(Map.of("rules", List.of(
                Map.of("provider", "microsoft", "pathRegex", "/messages/delta", "user", denied.upn, "status", 403),
                Map.of("provider", "microsoft", "pathRegex", "/messages/delta", "user", broken.upn, "status", 500),
                Map.of("provider", "microsoft", "pathRegex", "/messages/delta", "user", alsoBroken.upn, "status", 500))))
                .put("/_emulator/faults").then().statusCode(200);

        GraphGateway deniedGraph = gateway(deniedAccount, denied.upn);
        for (int i = 0; i < 8; i++) {
            assertThatThrownBy(() -> deniedGraph.mailDelta("inbox", null, null))
                    .isInstanceOfSatisfying(GraphCallException.class, e -> assertThat(e.code()).isEqualTo("access_denied"));
        }
        assertThat(breakers.get(GraphApi.MAIL_BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);

        // One mailbox answering 500 on every attempt is that mailbox's trouble: its step gives up, the breaker stays closed.
        GraphGateway brokenGraph = gateway(brokenAccount, broken.upn);
        assertThatThrownBy(() -> brokenGraph.mailDelta("inbox", null, null))
                .isInstanceOfSatisfying(RetryLaterException.class, e -> assertThat(e.getMessage()).doesNotContain("ms_graph_mail"));
        assertThat(breakers.get(GraphApi.MAIL_BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);

        // A second mailbox failing the same way makes it provider-wide.
        GraphGateway alsoBrokenGraph = gateway(alsoBrokenAccount, alsoBroken.upn);
        assertThatThrownBy(() -> alsoBrokenGraph.mailDelta("inbox", null, null))
                .isInstanceOfSatisfying(RetryLaterException.class, e -> assertThat(e.getMessage()).contains("ms_graph_mail"));
        assertThat(breakers.get(GraphApi.MAIL_BREAKER).state()).isEqualTo(CircuitBreakerState.OPEN);
        assertThat(breakers.get(GraphApi.CALENDAR_BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);
    }

    private GraphGateway gateway(String accountId, String mailbox) {
        return new GraphGateway(clients.graph(), clients.links(), api,
                new AccessTokenHolder(connector, connector.accessToken(accountId), Clock.systemUTC()), throttle, metrics, config,
                Clock.systemUTC(), mailbox, false);
    }

    private static void sync(String accountId, List<Source> sources) {
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT, sources,
                    SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, Instant.now()));
        }
    }
}

package io.interactionsync.microsoftsync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.connector.ConnectorClient;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.graph.GraphApi;
import io.interactionsync.microsoftsync.graph.GraphCallException;
import io.interactionsync.microsoftsync.graph.GraphClients;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.graph.GraphLinks;
import io.interactionsync.microsoftsync.graph.MailboxThrottle;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.microsoftsync.repository.MailCursorRepository;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.microsoftsync.source.mail.MailCursor;
import io.interactionsync.microsoftsync.source.mail.MailDeltaSource;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.testsupport.ManagementInterface;
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
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Graph gateway and the mail source step by step: pinned links, crash and resume, throttling storms. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class GraphDeltaIT {

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

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
    MailDeltaSource source;

    @Inject
    MailCursorRepository cursors;

    @Inject
    SyncJobRepository jobs;

    @AfterEach
    void clearFaults() {
        given().baseUri(emulator).delete("/_emulator/faults").then().statusCode(204);
    }

    @Test
    void shouldRefuseANextLinkToAnotherHostWithoutSendingAnyRequestThere() throws Exception {
        Outlook box = Outlook.standard(12, 0).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        // The service is configured for "localhost"; the emulator writes its links with 127.0.0.1: another host.
        String localhostBase = emulator.replace("127.0.0.1", "localhost") + "/graph.microsoft.com/v1.0";
        GraphLinks pinned = new GraphLinks(localhostBase);
        GraphGateway graph = new GraphGateway(clients.client(pinned), pinned, api, tokens(accountId), throttle, metrics,
                config, Clock.systemUTC(), box.upn, false);

        var first = graph.mailDelta("inbox", null, null);
        String nextLink = first.get("@odata.nextLink").asText();
        assertThat(nextLink).startsWith("http://127.0.0.1:");
        assertThat(box.mailRequests(emulator)).isEqualTo(1);

        assertThatThrownBy(() -> graph.mailDelta("inbox", nextLink, null))
                .isInstanceOfSatisfying(GraphCallException.class, e -> {
                    assertThat(e.code()).isEqualTo("graph_link_refused");
                    assertThat(e.getMessage()).doesNotContain("skiptoken");
                });
        assertThat(box.mailRequests(emulator)).as("no request reached the foreign host").isEqualTo(1);
        // Same host and port but outside the path prefix: refused too.
        assertThat(pinned.allows(localhostBase.replace("/v1.0", "/beta") + "/me")).isFalse();
        assertThat(pinned.allows(localhostBase + "/../../evil/v1.0/me")).isFalse();
        assertThat(pinned.allows(localhostBase + "/me/mailFolders/inbox/messages/delta()?$skiptoken=x")).isTrue();
    }

    @Test
    void shouldReachTheSameFinalSetAfterACrashMidBackfill() throws Exception {
        Outlook box = Outlook.standard(30, 0).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        MailDeltaSource.Target target = new MailDeltaSource.Target(accountId, FakeConnectorResource.userId(accountId), box.upn,
                false);
        MailCursor cursor = MailCursor.initial(accountId, box.upn, "inbox",
                Instant.now().atOffset(ZoneOffset.UTC).minusMonths(24).toInstant(), Instant.now(), null);
        GraphGateway first = gateway(accountId, box.upn, false);
        cursor = source.step(first, target, cursor);
        cursor = source.step(first, target, cursor);
        int beforeCrash = TopicReader.rawRecords(accountId).size();
        assertThat(beforeCrash).isEqualTo(14);

        // The process dies: nothing in memory survives. A new one rebuilds the cursor from storage.
        MailCursor reloaded = cursors.load(accountId, box.upn, "inbox").orElseThrow();
        assertThat(reloaded).isEqualTo(cursor);
        assertThat(reloaded.midRound()).isTrue();
        GraphGateway second = gateway(accountId, box.upn, false);
        while (reloaded.midRound() || reloaded.phase() == MailCursor.Phase.INITIAL) {
            reloaded = source.step(second, target, reloaded);
        }

        List<String> ids = TopicReader.rawRecords(accountId).stream()
                .map(r -> r.get("remoteId").asText()).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(Set.copyOf(ids)).isEqualTo(box.expectedIds());
    }

    @Test
    void shouldHonourRetryAfterThroughA429StormAndReachTheSameFinalSet() {
        Outlook box = Outlook.standard(20, 6).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        given().baseUri(emulator).contentType(ContentType.JSON).body(Map.of("rules", List.of(Map.of("provider", "microsoft",
                        "pathRegex", "/messages/delta", "user", box.upn, "status", 429, "count", 4, "retryAfterSeconds", 1))))
                .put("/_emulator/faults").then().statusCode(200);

        Instant started = Instant.now();
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT,
                    List.of(Source.OUTLOOK_MAIL), SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, started));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
        Duration took = Duration.between(started, Instant.now());

        List<String> ids = TopicReader.rawRecords(accountId).stream()
                .map(r -> r.get("remoteId").asText()).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(Set.copyOf(ids)).isEqualTo(box.expectedIds());
        Integer throttled = given().baseUri(emulator).get("/_emulator/stats").then().extract()
                .path("users.'" + box.upn + "'.methods.fault.throttled");
        assertThat(throttled).isEqualTo(4);
        // Four 429s with Retry-After: 1 on consecutive requests: the mailbox waited at least 4 × 1 s.
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
        given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("microsoftsync_graph_throttled_total{api=\"mail\",status=\"429\"}"));
    }

    @Test
    void shouldPauseTheMailboxOn503WithRetryAfterWithoutLosingRecordsOrOpeningTheBreaker() throws Exception {
        Outlook box = Outlook.standard(9, 0).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        given().baseUri(emulator).contentType(ContentType.JSON).body(Map.of("rules", List.of(Map.of("provider", "microsoft",
                        "pathRegex", "/messages/delta", "user", box.upn, "status", 503, "count", 2, "retryAfterSeconds", 1))))
                .put("/_emulator/faults").then().statusCode(200);
        MailDeltaSource.Target target = new MailDeltaSource.Target(accountId, FakeConnectorResource.userId(accountId), box.upn,
                false);
        MailCursor cursor = MailCursor.initial(accountId, box.upn, "inbox",
                Instant.now().atOffset(ZoneOffset.UTC).minusMonths(24).toInstant(), Instant.now(), null);
        GraphGateway graph = gateway(accountId, box.upn, false);

        long t0 = System.nanoTime();
        do {
            cursor = source.step(graph, target, cursor);
        } while (cursor.midRound());

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(TopicReader.rawRecords(accountId).stream().map(r -> r.get("remoteId").asText())
                .toList()).containsExactlyInAnyOrderElementsOf(box.expectedIds());
        assertThat(throttle.pausedUntil(box.upn)).isBefore(Instant.now());
        given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("microsoftsync_graph_throttled_total{api=\"mail\",status=\"503\"}"))
                .body(org.hamcrest.Matchers.containsString("microsoftsync_circuit_state{circuitBreaker=\"ms_graph_mail\"} 0.0"));
    }

    private AccessTokenHolder tokens(String accountId) {
        return new AccessTokenHolder(connector, connector.accessToken(accountId), Clock.systemUTC());
    }

    private GraphGateway gateway(String accountId, String mailbox, boolean shared) {
        return new GraphGateway(clients.graph(), clients.links(), api, tokens(accountId), throttle, metrics, config,
                Clock.systemUTC(), mailbox, shared);
    }
}

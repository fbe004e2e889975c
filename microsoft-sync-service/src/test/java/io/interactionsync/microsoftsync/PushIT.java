package io.interactionsync.microsoftsync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.connector.ConnectorClient;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.sync.push.PushChannel;
import io.interactionsync.sync.push.PushChannelRepository;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Graph change notifications against the emulator (its subscriptions, validation handshake, notifications and
 * lifecycle events over HTTP): subscriptions after the backfill, changes delivered within seconds without a sync
 * request, forged notifications refused, a burst coalesced, a lost one caught by the safety net, lifecycle events,
 * renewal with a shortened lifetime, a shared mailbox's one subscription handed over, and DELETE on disconnect.
 */
@QuarkusTest
@TestProfile(PushIT.PushOn.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class PushIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Push delivery: notification, job, Kafka ack — seconds, far below the safety net's poll. */
    private static final Duration PUSHED = Duration.ofSeconds(8);

    /** Push on, with a short safety-net poll and subscriptions that renew 15 s after their creation. */
    public static class PushOn implements QuarkusTestProfile {
        static final int PORT = freePort();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("microsoft-sync.push.enabled", "true",
                    // the URL Graph (the emulator) posts to must be known before the app listens: a fixed free port
                    "quarkus.http.test-port", Integer.toString(PORT),
                    "microsoft-sync.push.public-base-url", "http://127.0.0.1:" + PORT,
                    "microsoft-sync.push.check-every", "1s",
                    "microsoft-sync.push.poll-every", "10s",
                    "microsoft-sync.push.subscription-lifetime", "2m",
                    "microsoft-sync.push.renew-before", "105s",
                    "microsoft-sync.push.retry-failed-after", "3s");
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static KafkaTestClient kafka;

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    PushChannelRepository channels;

    @Inject
    SharedMailboxRepository sharedMailboxes;

    @Inject
    ConnectorClient connector;

    @Inject
    MeterRegistry meters;

    final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                StringBuilder line = new StringBuilder(record.getLevel() + " " + record.getMessage());
                if (record.getParameters() != null) {
                    for (Object p : record.getParameters()) {
                        line.append(" | ").append(p);
                    }
                }
                for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                    line.append(" | ").append(t);
                }
                logLines.add(line.toString());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @BeforeEach
    void captureLogs() {
        capture.setLevel(Level.INFO);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void restore() {
        Logger.getLogger("").removeHandler(capture);
        given().baseUri(emulator).contentType(ContentType.JSON).body(Map.of("delayMs", 0, "duplicate", 0, "lossRate", 0))
                .put("/_emulator/push").then().statusCode(200);
    }

    @Test
    void shouldSubscribeAfterTheBackfillDeliverChangesWithinSecondsAndRenewBeforeExpiry() {
        Outlook alice = Outlook.standard(3, 1);
        alice.event(Instant.now().plusSeconds(86_400), Instant.now().plusSeconds(88_200), false, "UTC");
        alice.load(emulator);
        String a = FakeConnectorResource.register(alice.upn);
        long validations = pushCounter("graph", "validationRequests");
        long validationFailures = pushCounter("graph", "validationFailures");

        connectAndBackfill(a);

        List<Map<String, Object>> subs = subscriptions(alice.upn);
        assertThat(subs).extracting(s -> s.get("resource")).containsExactlyInAnyOrder("me/messages", "me/events");
        assertThat(subs).allSatisfy(s -> {
            assertThat(s.get("creator")).isEqualTo(alice.upn);
            assertThat(s.get("changeType")).isEqualTo("created,updated,deleted");
            assertThat((String) s.get("notificationUrl")).endsWith("/push/graph");
            assertThat((String) s.get("lifecycleNotificationUrl")).endsWith("/push/graph/lifecycle");
        });
        assertThat(pushCounter("graph", "validationRequests") - validations)
                .as("both URLs of both subscriptions validated").isGreaterThanOrEqualTo(4);
        assertThat(pushCounter("graph", "validationFailures")).isEqualTo(validationFailures);
        PushChannel mail = channel(a, Source.OUTLOOK_MAIL, "");
        assertThat(mail.state()).isEqualTo(PushChannel.State.ACTIVE);
        assertThat(mail.channelId()).isIn(subs.stream().map(s -> s.get("id")).toList());
        assertThat(mail.secretHash()).hasSize(64);
        assertThat(mail.renewAt()).isBefore(mail.expiresAt());
        await().atMost(WAIT).untilAsserted(() -> assertThat(pushStates(a, null))
                .containsEntry("outlook_mail", "active").containsEntry("outlook_calendar", "active"));

        // No sync request from here on: the notifications bring each change in seconds.
        String inbox = alice.addLive(emulator, "inbox", Instant.now().minusSeconds(5));
        awaitRecord(a, inbox, PUSHED);
        alice.createFolder(emulator, "Clients", "inbox");
        String filed = alice.addLive(emulator, "Clients", Instant.now().minusSeconds(5));
        awaitRecord(a, filed, PUSHED);
        String event = addEvent(alice);
        awaitRecord(a, event, PUSHED);
        assertThat(channel(a, Source.OUTLOOK_MAIL, "").lastNotificationAt()).isNotNull();
        assertThat(channel(a, Source.OUTLOOK_CALENDAR, "").lastNotificationAt()).isNotNull();

        // Renewal 15 s after creation (lifetime 2 min, renew-before 105 s): a PATCH moves the expiry at Graph.
        Instant firstExpiry = mail.expiresAt();
        await().atMost(WAIT).until(() -> Outlook.requests(emulator, alice.upn, "graph.subscriptions.update") >= 2);
        await().atMost(WAIT).untilAsserted(() -> {
            PushChannel renewed = channel(a, Source.OUTLOOK_MAIL, "");
            assertThat(renewed.channelId()).isEqualTo(mail.channelId());
            assertThat(renewed.expiresAt()).isAfter(firstExpiry);
            assertThat(renewed.renewedAt()).isAfter(mail.renewedAt());
        });
        assertThat(Outlook.requests(emulator, alice.upn, "graph.subscriptions.create")).as("renewed, not re-created")
                .isEqualTo(2);
        assertThat(counter("microsoftsync.push.renewals", "result", "renewed")).isPositive();
    }

    @Test
    void shouldAnswerTheHandshakeRefuseForgedNotificationsAndCoalesceABurst() {
        given().contentType(ContentType.TEXT).queryParam("validationToken", "Validation: Testing <b>reachability</b>")
                .post("/push/graph").then().statusCode(200).contentType(ContentType.TEXT)
                .body(org.hamcrest.Matchers.equalTo("Validation: Testing <b>reachability</b>"));
        given().post("/push/graph/lifecycle?validationToken=abc").then().statusCode(200)
                .body(org.hamcrest.Matchers.equalTo("abc"));

        Outlook bob = Outlook.standard(2, 0).load(emulator);
        String b = FakeConnectorResource.register(bob.upn);
        connectAndBackfill(b);
        PushChannel mail = channel(b, Source.OUTLOOK_MAIL, "");
        String clientState = clientState(b, mail.channelId());
        assertThat(clientState).hasSizeGreaterThanOrEqualTo(43);
        int runs = mailRuns(bob.upn);
        double rejected = counter("microsoftsync.push.notifications", "outcome", "rejected");

        // forged: the right subscription with a wrong clientState, none at all, or an unknown subscription
        given().contentType(ContentType.JSON).body(notification(mail.channelId(), "forged-" + clientState))
                .post("/push/graph").then().statusCode(403);
        given().contentType(ContentType.JSON).body(notification(mail.channelId(), null))
                .post("/push/graph/lifecycle").then().statusCode(403);
        given().contentType(ContentType.JSON).body(notification(UUID.randomUUID().toString(), clientState))
                .post("/push/graph").then().statusCode(202);
        given().contentType(ContentType.JSON).body("{\"value\": 3}").post("/push/graph").then().statusCode(400);
        assertThat(counter("microsoftsync.push.notifications", "outcome", "rejected") - rejected).isEqualTo(2);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                .until(() -> mailRuns(bob.upn) == runs && jobs.state(b).filter("done"::equals).isPresent());

        // a burst: 50 valid notifications (separate POSTs, 5 at a time) for 50 new messages; the emulator's own
        // notifications are lost, so these are the only ones
        given().baseUri(emulator).contentType(ContentType.JSON).body(Map.of("lossRate", 1)).put("/_emulator/push")
                .then().statusCode(200);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(bob.addLive(emulator, "inbox", Instant.now().minusSeconds(60 + i)));
        }
        double accepted = counter("microsoftsync.push.notifications", "outcome", "accepted");
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            senders.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 10; i++) {
                    given().contentType(ContentType.JSON).body(notification(mail.channelId(), clientState))
                            .post("/push/graph").then().statusCode(202).time(org.hamcrest.Matchers.lessThan(1000L));
                }
            }));
        }
        senders.forEach(PushIT::join);
        assertThat(counter("microsoftsync.push.notifications", "outcome", "accepted") - accepted).isEqualTo(50);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> publishedIds(b).containsAll(ids)
                && jobs.state(b).filter("done"::equals).isPresent());
        assertThat(mailRuns(bob.upn) - runs).as("50 notifications, a handful of delta runs").isBetween(1, 5);
        assertThat(publishedIds(b).stream().filter(ids::contains).toList()).as("each message once").hasSize(50);
    }

    @Test
    void shouldCatchALostNotificationThroughTheSafetyNet() {
        Outlook carol = Outlook.standard(1, 0).load(emulator);
        String c = FakeConnectorResource.register(carol.upn);
        connectAndBackfill(c);
        long lost = pushCounter("graph", "lost");
        given().baseUri(emulator).contentType(ContentType.JSON).body(Map.of("lossRate", 1)).put("/_emulator/push")
                .then().statusCode(200);

        String message = carol.addLive(emulator, "inbox", Instant.now().minusSeconds(5));
        await().atMost(Duration.ofSeconds(2)).until(() -> pushCounter("graph", "lost") > lost);
        // poll-every 10 s after the last run, checked every second
        awaitRecord(c, message, Duration.ofSeconds(30));
        assertThat(channel(c, Source.OUTLOOK_MAIL, "").lastNotificationAt()).as("nothing was heard").isNull();
    }

    @Test
    void shouldHandleLifecycleEventsMissedRemovedAndReauthorizationRequired() {
        Outlook dana = Outlook.standard(1, 0).load(emulator);
        String d = FakeConnectorResource.register(dana.upn);
        connectAndBackfill(d);
        PushChannel mail = channel(d, Source.OUTLOOK_MAIL, "");

        // missed → an incremental run
        int runs = mailRuns(dana.upn);
        lifecycle(mail.channelId(), "missed");
        await().atMost(PUSHED).until(() -> mailRuns(dana.upn) > runs);

        // reauthorizationRequired → renewed (PATCH) by the account's job: Graph's flag cleared, same subscription
        int patches = Outlook.requests(emulator, dana.upn, "graph.subscriptions.update");
        lifecycle(mail.channelId(), "reauthorizationRequired");
        await().atMost(PUSHED).until(() -> Outlook.requests(emulator, dana.upn, "graph.subscriptions.update") > patches);
        await().atMost(PUSHED).untilAsserted(() -> assertThat(subscriptions(dana.upn))
                .filteredOn(s -> mail.channelId().equals(s.get("id")))
                .singleElement().satisfies(s -> assertThat(s.get("reauthorizationRequired")).isEqualTo(false)));

        // subscriptionRemoved → created again (a new id, a new clientState)
        lifecycle(mail.channelId(), "subscriptionRemoved");
        await().atMost(PUSHED).untilAsserted(() -> {
            PushChannel recreated = channel(d, Source.OUTLOOK_MAIL, "");
            assertThat(recreated.channelId()).isNotEqualTo(mail.channelId());
            assertThat(recreated.state()).isEqualTo(PushChannel.State.ACTIVE);
            assertThat(recreated.secretHash()).isNotEqualTo(mail.secretHash());
            assertThat(subscriptions(dana.upn)).extracting(s -> s.get("id")).contains(recreated.channelId())
                    .doesNotContain(mail.channelId());
        });
        String after = dana.addLive(emulator, "inbox", Instant.now().minusSeconds(5));
        awaitRecord(d, after, PUSHED);
    }

    @Test
    void shouldRecordGraphsLimitOfAThousandSubscriptionsAsAFailureAndSubscribeOnceThereIsRoom() throws Exception {
        Outlook hank = Outlook.standard(1, 0).load(emulator);
        String h = FakeConnectorResource.register(hank.upn);
        // another app of the tenant holds the mailbox's 1,000 subscriptions
        String token = connector.accessToken(h).accessToken();
        List<String> others = Collections.synchronizedList(new ArrayList<>());
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 1_000; i++) {
                pool.submit(() -> others.add(given().baseUri(emulator).auth().oauth2(token).contentType(ContentType.JSON)
                        .body(Map.of("changeType", "created", "resource", "me/messages",
                                "notificationUrl", "http://127.0.0.1:" + PushOn.PORT + "/push/graph",
                                "expirationDateTime", Instant.now().plusSeconds(3_600).toString(), "clientState", "other-app"))
                        .post("/graph.microsoft.com/v1.0/subscriptions").then().statusCode(201).extract().<String>path("id")));
            }
        }
        assertThat(others).hasSize(1_000);

        connectAndBackfill(h);
        PushChannel mail = channel(h, Source.OUTLOOK_MAIL, "");
        assertThat(mail.state()).isEqualTo(PushChannel.State.FAILED);
        assertThat(mail.channelId()).isNull();
        assertThat(mail.lastError()).startsWith("subscription not created: Graph answered 403").contains("exceeded limit")
                .contains("1,000 subscriptions per mailbox").doesNotContain(hank.upn);
        assertThat(jobs.state(h)).as("the sync itself succeeded").contains("done");
        await().atMost(WAIT).untilAsserted(() -> assertThat(pushStates(h, null)).containsEntry("outlook_mail", "failed"));
        assertThat(counter("microsoftsync.push.renewals", "result", "failed")).isPositive();

        // room again: the failed channels are retried (retry-failed-after 3 s, through the safety net)
        for (String id : others.subList(0, 2)) {
            given().baseUri(emulator).auth().oauth2(token).delete("/graph.microsoft.com/v1.0/subscriptions/" + id)
                    .then().statusCode(204);
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(channels.list(h))
                .extracting(PushChannel::state).containsExactly(PushChannel.State.ACTIVE, PushChannel.State.ACTIVE));
    }

    @Test
    void shouldKeepOneSubscriptionPerSharedMailboxOwnedByAReaderAndHandItOver() {
        String shared = "deals-" + UUID.randomUUID().toString().substring(0, 6) + "@contoso.test";
        Outlook.sharedMailbox(emulator, shared, 3);
        Outlook erin = Outlook.standard(1, 0).fullAccessTo(shared).load(emulator);
        Outlook frank = Outlook.standard(1, 0).fullAccessTo(shared).load(emulator);
        String e = FakeConnectorResource.register(erin.upn);
        String f = FakeConnectorResource.register(frank.upn);
        for (String account : List.of(e, f)) {
            accountEvent(AccountEvent.Type.SHARED_MAILBOX_ADDED, account, shared);
        }
        await().atMost(WAIT).until(() -> sharedMailboxes.subscribers(shared).size() == 2);
        connectAndBackfill(e);
        connectAndBackfill(f);

        List<Map<String, Object>> onShared = subscriptions(shared);
        assertThat(onShared).as("one subscription for the shared mailbox, however many subscribe").singleElement()
                .satisfies(s -> {
                    assertThat(s.get("resource")).isEqualTo("users/" + shared + "/messages");
                    assertThat(s.get("creator")).isEqualTo(erin.upn);
                });
        assertThat(channel(e, Source.OUTLOOK_MAIL, shared).state()).isEqualTo(PushChannel.State.ACTIVE);
        assertThat(channels.find(f, Source.OUTLOOK_MAIL, shared)).isEmpty();
        await().atMost(WAIT).untilAsserted(() -> assertThat(pushStates(f, shared))
                .as("the other subscriber's status of the mailbox carries its push health").containsEntry("outlook_mail", "active"));

        String live = addShared(shared);
        await().atMost(PUSHED).pollInterval(Duration.ofMillis(300)).until(() -> TopicReader.rawRecords(e).stream()
                .anyMatch(r -> live.equals(r.path("remoteId").asText()) && shared.equals(r.path("mailbox").asText())));

        // Erin leaves the mailbox: her subscription is deleted at Graph and Frank's job creates the mailbox's one.
        accountEvent(AccountEvent.Type.SHARED_MAILBOX_REMOVED, e, shared);
        await().atMost(WAIT).untilAsserted(() -> assertThat(subscriptions(shared)).singleElement()
                .satisfies(s -> assertThat(s.get("creator")).isEqualTo(frank.upn)));
        assertThat(Outlook.requests(emulator, erin.upn, "graph.subscriptions.delete")).isEqualTo(1);
        String next = addShared(shared);
        await().atMost(PUSHED).pollInterval(Duration.ofMillis(300)).until(() -> TopicReader.rawRecords(f).stream()
                .anyMatch(r -> next.equals(r.path("remoteId").asText())));

        for (String address : List.of(shared, erin.upn, frank.upn)) {
            assertThat(logLines).as("INFO+ log lines naming " + address)
                    .noneMatch(line -> line.toLowerCase(Locale.ROOT).contains(address.toLowerCase(Locale.ROOT)));
        }
    }

    @Test
    void shouldDeleteTheSubscriptionsWhenTheAccountIsDisconnecting() {
        Outlook gina = Outlook.standard(1, 0).load(emulator);
        String g = FakeConnectorResource.register(gina.upn);
        connectAndBackfill(g);
        String clientState = clientState(g, channel(g, Source.OUTLOOK_MAIL, "").channelId());
        assertThat(subscriptions(gina.upn)).hasSize(2);

        accountEvent(AccountEvent.Type.DISCONNECTING, g, null);
        await().atMost(WAIT).until(() -> subscriptions(gina.upn).isEmpty());
        assertThat(Outlook.requests(emulator, gina.upn, "graph.subscriptions.delete")).isEqualTo(2);
        assertThat(channels.list(g)).hasSize(2).allSatisfy(ch -> assertThat(ch.state()).isEqualTo(PushChannel.State.STOPPED));
        accountEvent(AccountEvent.Type.DISCONNECTED, g, null);
        await().atMost(WAIT).until(() -> channels.list(g).isEmpty());
        assertThat(logLines).as("no clientState in the logs").noneMatch(line -> line.contains(clientState));
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private void connectAndBackfill(String accountId) {
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT,
                List.of(Source.OUTLOOK_MAIL, Source.OUTLOOK_CALENDAR), SyncRequest.Mode.AUTO, SyncRequest.Reason.CONNECT,
                Instant.now()));
        await().atMost(WAIT).failFast(() -> jobs.state(accountId).filter("failed"::equals).isPresent())
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent()
                        && channels.list(accountId).stream().filter(ch -> ch.ownMailbox()).count() == 2);
    }

    private void accountEvent(AccountEvent.Type type, String accountId, String sharedMailbox) {
        kafka.send(Topics.ACCOUNT_EVENTS, accountId, new AccountEvent(AccountEvent.SCHEMA_VERSION, type, accountId,
                FakeConnectorResource.userId(accountId), Provider.MICROSOFT, null, null, null, sharedMailbox,
                type == AccountEvent.Type.DISCONNECTED ? Boolean.TRUE : null, null, Instant.now()));
    }

    private PushChannel channel(String accountId, Source source, String mailbox) {
        return channels.find(accountId, source, mailbox).orElseThrow(() -> new AssertionError("no channel"));
    }

    /** The subscription's clientState as Graph holds it (a GET with the account's token). */
    private String clientState(String accountId, String subscriptionId) {
        String token = connector.accessToken(accountId).accessToken();
        return given().baseUri(emulator).auth().oauth2(token)
                .get("/graph.microsoft.com/v1.0/subscriptions/" + subscriptionId).then().statusCode(200)
                .extract().path("clientState");
    }

    private static Map<String, Object> notification(String subscriptionId, String clientState) {
        Map<String, Object> item = new java.util.LinkedHashMap<>();
        item.put("subscriptionId", subscriptionId);
        item.put("changeType", "created");
        item.put("resource", "Users/x/Messages/AAMk1");
        item.put("clientState", clientState);
        item.put("lifecycleEvent", "missed");
        return Map.of("value", List.of(item));
    }

    private void lifecycle(String subscriptionId, String event) {
        given().baseUri(emulator).contentType(ContentType.JSON)
                .body(Map.of("subscriptionId", subscriptionId, "lifecycleEvent", event))
                .post("/_emulator/push/lifecycle").then().statusCode(200);
    }

    /** Live Graph subscriptions on a mailbox (a user's or a shared one), as the emulator lists them. */
    private List<Map<String, Object>> subscriptions(String mailbox) {
        List<Map<String, Object>> all = given().baseUri(emulator).get("/_emulator/push").then().statusCode(200)
                .extract().jsonPath().getList("graphSubscriptions");
        return all.stream().filter(s -> mailbox.equalsIgnoreCase((String) s.get("mailbox"))).toList();
    }

    private long pushCounter(String kind, String name) {
        JsonPath push = given().baseUri(emulator).get("/_emulator/push").then().statusCode(200).extract().jsonPath();
        return push.getLong("counters." + kind + "." + name);
    }

    /** Mail runs of a mailbox's own job: each starts with one folder delta request. */
    private int mailRuns(String upn) {
        return Outlook.requests(emulator, upn, "graph.mailFolders.delta");
    }

    private String addEvent(Outlook user) {
        Instant start = Instant.now().plusSeconds(7_200);
        Map<String, Object> event = Outlook.event("AAMkEv" + UUID.randomUUID().toString().replace("-", ""), start,
                start.plusSeconds(1_800), false, "UTC");
        given().baseUri(emulator).contentType(ContentType.JSON).body(event)
                .post("/_emulator/microsoft/users/" + user.upn + "/events").then().statusCode(200);
        return (String) event.get("id");
    }

    private String addShared(String address) {
        Map<String, Object> m = Outlook.message(Instant.now().minusSeconds(5));
        given().baseUri(emulator).contentType(ContentType.JSON).body(m)
                .post("/_emulator/microsoft/shared-mailboxes/" + address + "/folders/inbox/messages").then().statusCode(200);
        return (String) m.get("id");
    }

    private static void awaitRecord(String accountId, String remoteId, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(300)).until(() -> publishedIds(accountId).contains(remoteId));
    }

    private static List<String> publishedIds(String accountId) {
        return TopicReader.rawRecords(accountId).stream().map(r -> r.path("remoteId").asText()).toList();
    }

    /** source → push state of the account's latest sync-status of each source (of a shared mailbox, or its own). */
    private static Map<String, String> pushStates(String accountId, String sharedMailbox) {
        Map<String, String> out = new java.util.HashMap<>();
        for (JsonNode s : TopicReader.valuesWithKey(Topics.SYNC_STATUS, accountId)) {
            boolean mine = sharedMailbox == null ? !s.hasNonNull("mailbox") : sharedMailbox.equals(s.path("mailbox").asText());
            if (mine && s.has("push")) {
                out.put(s.path("source").asText(), s.path("push").path("state").asText());
            }
        }
        return out;
    }

    private double counter(String name, String tag, String value) {
        return meters.find(name).tag(tag, value).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

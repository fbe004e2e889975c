package io.interactionsync.googlesync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.lessThan;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.push.GooglePushChannels;
import io.interactionsync.googlesync.support.TestMailbox;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.sync.push.PushChannel;
import io.interactionsync.sync.push.PushChannelRepository;
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
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Push end to end against the emulator: the Gmail watch notifies through a Cloud Pub/Sub push subscription (OIDC
 * token) and the Calendar channel through its web hook, both calling this app's {@code /push/*}; forged, duplicated
 * and lost notifications; renewal with the emulator's lifetimes shortened; the stop on {@code disconnecting}.
 */
@QuarkusTest
@TestProfile(PushIT.PushOn.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class PushIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration POLL_EVERY = Duration.ofSeconds(10);
    private static final String SUBSCRIPTION = "sync-push-it";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static KafkaTestClient kafka;

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    GoogleSyncConfig config;

    @Inject
    GooglePushChannels push;

    @Inject
    PushChannelRepository channels;

    @Inject
    SyncJobRepository jobs;

    @Inject
    MeterRegistry registry;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    /** The production set-up of the README: a push subscription of the watch topic, authenticated with OIDC. */
    @BeforeEach
    void subscribe() {
        subscription(SUBSCRIPTION, push.gmailAudience(), config.push().gmail().serviceAccount());
    }

    @Test
    void shouldWatchAfterTheBackfillAndDeliverANewMessageAndEventThroughPushAlone() {
        TestMailbox box = mailbox();
        String accountId = connected(box);
        PushChannel watch = channel(accountId, Source.GMAIL);
        PushChannel calendar = channel(accountId, Source.GOOGLE_CALENDAR);

        JsonNode emulated = pushState();
        assertThat(of(emulated, "gmailWatches", box.email)).singleElement()
                .satisfies(w -> assertThat(w.path("topicName").asText()).isEqualTo(config.push().gmail().topic()));
        assertThat(of(emulated, "calendarChannels", box.email)).singleElement().satisfies(c -> {
            assertThat(c.path("id").asText()).isEqualTo(calendar.channelId());
            assertThat(c.path("address").asText()).isEqualTo(push.endpoint("/push/google-calendar"));
        });
        assertThat(watch.channelId()).isEqualTo("gmail:" + accountId);
        assertThat(watch.resourceId()).isEqualTo(box.email);
        assertThat(watch.renewAt()).isBefore(watch.expiresAt());
        assertThat(calendar.secretHash()).hasSize(64);
        for (Source source : List.of(Source.GMAIL, Source.GOOGLE_CALENDAR)) {
            JsonNode status = lastStatus(accountId, source);
            assertThat(status.path("state").asText()).isEqualTo("synced");
            assertThat(status.path("push").path("state").asText()).as(source.wireName()).isEqualTo("active");
            assertThat(status.path("push").hasNonNull("expiresAt")).isTrue();
        }

        int before = TopicReader.rawRecords(accountId).size();
        double gmailAccepted = notifications(Source.GMAIL, "accepted");
        double calendarAccepted = notifications(Source.GOOGLE_CALENDAR, "accepted");
        Instant pollDue = earliest(checkedAt(accountId, Source.GMAIL), checkedAt(accountId, Source.GOOGLE_CALENDAR))
                .plus(POLL_EVERY);
        String message = box.addLive(emulator, Instant.now(), "INBOX", "UNREAD");
        String event = box.addEventLive(emulator, Instant.now().plusSeconds(86_400));

        List<JsonNode> fresh = awaitRecords(accountId, before + 2).subList(before, before + 2);
        assertThat(Instant.now()).as("delivered by push, before the safety-net poll was due").isBefore(pollDue);
        assertThat(fresh.stream().map(r -> r.get("remoteId").asText())).containsExactlyInAnyOrder(message, event);
        assertThat(notifications(Source.GMAIL, "accepted")).isGreaterThan(gmailAccepted);
        assertThat(notifications(Source.GOOGLE_CALENDAR, "accepted")).isGreaterThan(calendarAccepted);
        assertThat(channel(accountId, Source.GMAIL).lastNotificationAt()).isNotNull();
        assertThat(channel(accountId, Source.GOOGLE_CALENDAR).lastNotificationAt()).isNotNull();
    }

    @Test
    void shouldRefuseForgedNotificationsWithoutRunningAnything() throws Exception {
        TestMailbox box = mailbox();
        String accountId = connected(box);
        PushChannel calendar = channel(accountId, Source.GOOGLE_CALENDAR);
        double gmailRejected = notifications(Source.GMAIL, "rejected");
        double calendarRejected = notifications(Source.GOOGLE_CALENDAR, "rejected");
        Instant pollDue = earliest(checkedAt(accountId, Source.GMAIL), checkedAt(accountId, Source.GOOGLE_CALENDAR))
                .plus(POLL_EVERY);
        Map<String, Long> callsBefore = listCalls(box);
        int records = TopicReader.rawRecords(accountId).size();
        String body = pubSubBody(box.email, 999_999_999L);

        given().body(body).post("/push/gmail").then().statusCode(401);
        given().header("Authorization", "Bearer " + forgedToken()).body(body).post("/push/gmail").then().statusCode(401);
        given().header("Authorization", "Bearer not-a-jwt").body(body).post("/push/gmail").then().statusCode(401);
        given().header("X-Goog-Channel-ID", calendar.channelId()).header("X-Goog-Channel-Token", "forged")
                .header("X-Goog-Resource-State", "exists").post("/push/google-calendar").then().statusCode(403);
        given().header("X-Goog-Channel-ID", calendar.channelId()).header("X-Goog-Resource-State", "exists")
                .post("/push/google-calendar").then().statusCode(403);
        // Google-signed tokens for another audience and another service account: real Pub/Sub deliveries
        subscription(SUBSCRIPTION, "https://elsewhere.example/push/gmail", config.push().gmail().serviceAccount());
        subscription(SUBSCRIPTION + "-other-account", push.gmailAudience(), "someone@other-project.iam.gserviceaccount.com");
        try {
            box.addLive(emulator, Instant.now(), "INBOX");
            await().atMost(WAIT).untilAsserted(() -> assertThat(notifications(Source.GMAIL, "rejected"))
                    .isGreaterThanOrEqualTo(gmailRejected + 3 + 2));
        } finally {
            deleteSubscription(SUBSCRIPTION + "-other-account");
        }

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(listCalls(box)).as("no run").isEqualTo(callsBefore);
            assertThat(jobs.state(accountId)).contains("done");
        });
        assertThat(Instant.now()).as("the window ended before the safety-net poll was due").isBefore(pollDue);
        assertThat(notifications(Source.GOOGLE_CALENDAR, "rejected")).isEqualTo(calendarRejected + 2);
        assertThat(TopicReader.rawRecords(accountId)).hasSize(records);
        assertThat(channel(accountId, Source.GMAIL).lastNotificationAt()).as("a refused notification is not heard")
                .isNull();
    }

    @Test
    void shouldCoalesceBurstsAndDuplicatedNotificationsIntoAFewRuns() {
        TestMailbox box = mailbox();
        String accountId = connected(box);
        int before = TopicReader.rawRecords(accountId).size();
        Map<String, Long> callsBefore = listCalls(box);
        double calendarHeard = notifications(Source.GOOGLE_CALENDAR, "accepted");
        double gmailHeard = notifications(Source.GMAIL, "accepted") + notifications(Source.GMAIL, "duplicate");
        List<String> added = new ArrayList<>();
        pushSettings("{\"duplicate\": 1}");
        try {
            for (int i = 0; i < 50; i++) {
                added.add(box.addEventLive(emulator, Instant.now().plusSeconds(3600L * (i + 1))));
            }
            for (int i = 0; i < 10; i++) {
                added.add(box.addLive(emulator, Instant.now(), "INBOX"));
            }
            List<JsonNode> fresh = awaitRecords(accountId, before + added.size());
            assertThat(fresh.subList(before, fresh.size()).stream().map(r -> r.get("remoteId").asText()))
                    .as("each change published once").containsExactlyInAnyOrderElementsOf(added);
            await().atMost(WAIT).untilAsserted(() -> assertThat(notifications(Source.GOOGLE_CALENDAR, "accepted"))
                    .isGreaterThanOrEqualTo(calendarHeard + 100));
        } finally {
            pushSettings("{\"duplicate\": 0}");
        }
        await().atMost(WAIT).until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
        Map<String, Long> calls = listCalls(box);
        long calendarRuns = calls.get("calendar") - callsBefore.get("calendar");
        long gmailRuns = calls.get("gmail") - callsBefore.get("gmail");
        assertThat(calendarRuns).as("100 notifications (50 changes, each delivered twice) → a handful of runs")
                .isBetween(1L, 8L);
        assertThat(gmailRuns).isBetween(1L, 6L);
        assertThat(notifications(Source.GMAIL, "accepted") + notifications(Source.GMAIL, "duplicate"))
                .as("Gmail's notifications (≤ 1/s per mailbox), each delivered twice").isGreaterThanOrEqualTo(gmailHeard + 2);
        assertThat(TopicReader.rawRecords(accountId)).as("nothing more").hasSize(before + added.size());
    }

    @Test
    void shouldStillDeliverThroughTheSafetyNetWhenEveryNotificationIsLost() {
        TestMailbox box = mailbox();
        String accountId = connected(box);
        int before = TopicReader.rawRecords(accountId).size();
        Instant gmailHeard = channel(accountId, Source.GMAIL).lastNotificationAt();
        pushSettings("{\"lossRate\": 1}");
        try {
            String message = box.addLive(emulator, Instant.now(), "INBOX");
            String event = box.addEventLive(emulator, Instant.now().plusSeconds(7200));
            List<JsonNode> fresh = await().atMost(POLL_EVERY.multipliedBy(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> TopicReader.rawRecords(accountId), list -> list.size() >= before + 2);
            assertThat(fresh.subList(before, fresh.size()).stream().map(r -> r.get("remoteId").asText()))
                    .containsExactlyInAnyOrder(message, event);
        } finally {
            pushSettings("{\"lossRate\": 0}");
        }
        assertThat(channel(accountId, Source.GMAIL).lastNotificationAt()).as("nothing was heard").isEqualTo(gmailHeard);
        assertThat(pushState().path("counters").path("gmail").path("lost").asLong()).isPositive();
    }

    @Test
    void shouldRenewTheWatchAndReplaceTheChannelBeforeTheyExpire() {
        JsonNode defaults = emulatorConfig(null);
        emulatorConfig("{\"gmailWatchTtlSeconds\": 6, \"calendarChannelMaxTtlSeconds\": 6}");
        try {
            TestMailbox box = mailbox();
            String accountId = connected(box);
            PushChannel watch = channel(accountId, Source.GMAIL);
            PushChannel first = channel(accountId, Source.GOOGLE_CALENDAR);
            assertThat(Duration.between(watch.renewedAt(), watch.expiresAt())).isLessThanOrEqualTo(Duration.ofSeconds(7));
            assertThat(watch.renewAt()).as("renewed well before it expires").isBefore(watch.expiresAt().minusSeconds(2));
            assertThat(first.renewAt()).isBefore(first.expiresAt().minusSeconds(2));
            double stopped = stops("stopped");

            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(calls(box, "users.watch")).as("a second watch").isGreaterThanOrEqualTo(2);
                PushChannel renewed = channel(accountId, Source.GOOGLE_CALENDAR);
                assertThat(renewed.channelId()).as("a new channel").isNotEqualTo(first.channelId());
                assertThat(of(pushState(), "calendarChannels", box.email).stream().map(c -> c.path("id").asText()))
                        .contains(renewed.channelId()).doesNotContain(first.channelId());
            });
            assertThat(channel(accountId, Source.GMAIL).renewedAt()).isAfter(watch.renewedAt());
            assertThat(calls(box, "calendar.channels.stop")).as("the old channel stopped, not left to expire")
                    .isPositive();
            assertThat(stops("stopped")).isGreaterThan(stopped);
            assertThat(registry.find("googlesync.push.renewals").tag("result", "renewed").counters())
                    .extracting(c -> c.getId().getTag("source")).contains("gmail", "google_calendar");
        } finally {
            emulatorConfig("{\"gmailWatchTtlSeconds\": " + defaults.path("gmailWatchTtlSeconds").asLong()
                    + ", \"calendarChannelMaxTtlSeconds\": " + defaults.path("calendarChannelMaxTtlSeconds").asLong() + "}");
        }
    }

    @Test
    void shouldStopTheWatchAndTheChannelWhenTheAccountIsBeingDisconnected() {
        TestMailbox box = mailbox();
        String accountId = connected(box);

        accountEvent(accountId, AccountEvent.Type.DISCONNECTING);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode state = pushState();
            assertThat(of(state, "gmailWatches", box.email)).isEmpty();
            assertThat(of(state, "calendarChannels", box.email)).isEmpty();
        });
        assertThat(calls(box, "users.stop")).isEqualTo(1);
        assertThat(calls(box, "calendar.channels.stop")).isEqualTo(1);
        assertThat(channels.list(accountId)).extracting(PushChannel::state)
                .containsOnly(PushChannel.State.STOPPED);

        accountEvent(accountId, AccountEvent.Type.DISCONNECTED);
        await().atMost(WAIT).until(() -> channels.list(accountId).isEmpty());
    }

    @Test
    void shouldAcknowledgeAnAuthenticNotificationForAMailboxNoAccountWatches() {
        TestMailbox box = mailbox();
        String accountId = connected(box);
        // Disconnected without the stop (as if it had failed): the watch lives on at Gmail, the rows are gone.
        accountEvent(accountId, AccountEvent.Type.DISCONNECTED);
        await().atMost(WAIT).until(() -> channels.list(accountId).isEmpty());
        Map<String, Long> callsBefore = listCalls(box);
        double ignored = notifications(Source.GMAIL, "ignored");
        long sent = pushState().path("counters").path("gmail").path("sent").asLong();

        box.addLive(emulator, Instant.now(), "INBOX");

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(notifications(Source.GMAIL, "ignored")).isGreaterThan(ignored);
            assertThat(pushState().path("counters").path("gmail").path("sent").asLong()).as("acknowledged")
                    .isGreaterThan(sent);
        });
        assertThat(listCalls(box)).isEqualTo(callsBefore);
    }

    @Test
    void shouldAuthenticateBeforeReadingTheBodyAndAcknowledgeAnUnknownCalendarChannel() throws Exception {
        double calendarIgnored = notifications(Source.GOOGLE_CALENDAR, "ignored");
        given().header("Authorization", "Bearer " + forgedToken()).body("not a Pub/Sub message").post("/push/gmail")
                .then().statusCode(401).header("WWW-Authenticate", "Bearer");
        given().header("X-Goog-Channel-ID", "no-such-channel").header("X-Goog-Channel-Token", "x")
                .header("X-Goog-Resource-State", "exists").post("/push/google-calendar").then().statusCode(202)
                .time(lessThan(1000L));
        assertThat(notifications(Source.GOOGLE_CALENDAR, "ignored")).isGreaterThan(calendarIgnored);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** A small mailbox with one event, loaded into the emulator. */
    private TestMailbox mailbox() {
        TestMailbox box = TestMailbox.create();
        Instant now = Instant.now();
        for (int i = 0; i < 4; i++) {
            box.add(now.minusSeconds(3600L * (i + 1)), true, "INBOX");
        }
        box.event(now.minusSeconds(86_400), "confirmed");
        return box.load(emulator);
    }

    /** Connects the mailbox, lets both sources backfill, and waits for both channels. */
    private String connected(TestMailbox box) {
        String accountId = FakeConnectorResource.register(box.email);
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.GOOGLE, List.of(),
                SyncRequest.Mode.AUTO, SyncRequest.Reason.CONNECT, Instant.now()));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                jobs.state(accountId).filter("done"::equals).isPresent()
                        && channels.list(accountId).stream().filter(ch -> ch.state() == PushChannel.State.ACTIVE).count() == 2);
        return accountId;
    }

    private PushChannel channel(String accountId, Source source) {
        return channels.find(accountId, source, PushChannel.OWN_MAILBOX).orElseThrow();
    }

    private Instant checkedAt(String accountId, Source source) {
        return channel(accountId, source).checkedAt();
    }

    private double notifications(Source source, String outcome) {
        return registry.find("googlesync.push.notifications").tag("source", source.wireName()).tag("outcome", outcome)
                .counters().stream().mapToDouble(Counter::count).sum();
    }

    private double stops(String result) {
        return registry.find("googlesync.push.stops").tag("source", "google_calendar").tag("result", result)
                .counters().stream().mapToDouble(Counter::count).sum();
    }

    /** history.list and events.list calls of this user: each run of a source makes at least one. */
    private Map<String, Long> listCalls(TestMailbox box) {
        return Map.of("gmail", calls(box, "users.history.list"), "calendar", calls(box, "calendar.events.list"));
    }

    private long calls(TestMailbox box, String method) {
        return box.stats(emulator).path("methods").path(method).path("requests").asLong();
    }

    private JsonNode lastStatus(String accountId, Source source) {
        List<JsonNode> statuses = TopicReader.valuesWithKey(Topics.SYNC_STATUS, accountId).stream()
                .filter(s -> source.wireName().equals(s.path("source").asText())).toList();
        assertThat(statuses).isNotEmpty();
        return statuses.getLast();
    }

    private static List<JsonNode> awaitRecords(String accountId, int count) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> TopicReader.rawRecords(accountId), list -> list.size() >= count);
    }

    private void accountEvent(String accountId, AccountEvent.Type type) {
        kafka.send(Topics.ACCOUNT_EVENTS, accountId, new AccountEvent(AccountEvent.SCHEMA_VERSION, type, accountId,
                FakeConnectorResource.userId(accountId), Provider.GOOGLE, null, null, null, null, true, null,
                Instant.now(), null, null));
    }

    private static List<JsonNode> of(JsonNode pushState, String list, String email) {
        return StreamSupport.stream(pushState.path(list).spliterator(), false)
                .filter(n -> email.equals(n.path("user").asText())).toList();
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** A Pub/Sub push body of a Gmail notification. */
    private static String pubSubBody(String email, long historyId) {
        String data = Base64.getEncoder().encodeToString(("{\"emailAddress\":\"" + email + "\",\"historyId\":" + historyId
                + "}").getBytes(StandardCharsets.UTF_8));
        return "{\"message\":{\"data\":\"" + data + "\",\"messageId\":\"1\"},\"subscription\":\"projects/x/subscriptions/"
                + SUBSCRIPTION + "\"}";
    }

    /** Every claim right, the emulator's key id, but signed with a key of our own. */
    private String forgedToken() throws Exception {
        RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        String kid = Json.mapper().readTree(get("/www.googleapis.com/oauth2/v3/certs")).path("keys").get(0)
                .path("kid").asText();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("https://accounts.google.com");
        claims.setAudience(push.gmailAudience());
        claims.setClaim("email", config.push().gmail().serviceAccount());
        claims.setClaim("email_verified", true);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(30);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(kid);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    // ------------------------------------------------------------------------------------------------ emulator

    private void subscription(String name, String audience, String serviceAccount) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("topic", config.push().gmail().topic());
        body.put("pushEndpoint", push.endpoint("/push/gmail"));
        body.putObject("oidcToken").put("serviceAccountEmail", serviceAccount).put("audience", audience);
        send("PUT", "/_emulator/pubsub/subscriptions/" + name, body.toString());
    }

    private void deleteSubscription(String name) {
        send("DELETE", "/_emulator/pubsub/subscriptions/" + name, null);
    }

    private JsonNode pushState() {
        try {
            return Json.mapper().readTree(get("/_emulator/push"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void pushSettings(String json) {
        send("PUT", "/_emulator/push", json);
    }

    /** {@code PUT /_emulator/config} with {@code json}, or the current config when null. */
    private JsonNode emulatorConfig(String json) {
        try {
            return Json.mapper().readTree(json == null ? get("/_emulator/config") : send("PUT", "/_emulator/config", json));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String get(String path) {
        return send("GET", path, null);
    }

    private String send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator + path));
        request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Push on, Google calling back on a fixed port (the callback URLs are configuration, read at start), the safety
     * net checking every second and polling every {@link #POLL_EVERY}, a failed watch retried after 2 s.
     */
    public static class PushOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String port = port();
            return Map.of("quarkus.http.test-port", port,
                    "google-sync.push.enabled", "true",
                    "google-sync.push.public-base-url", "http://127.0.0.1:" + port,
                    "google-sync.push.check-every", "1s",
                    "google-sync.push.poll-every", POLL_EVERY.toSeconds() + "s",
                    "google-sync.push.unhealthy-poll-every", POLL_EVERY.toSeconds() + "s",
                    "google-sync.push.retry-after", "2s");
        }

        /** One free port per JVM (the profile may be instantiated in several class loaders). */
        private static synchronized String port() {
            String key = "pushit.http-port";
            String port = System.getProperty(key);
            if (port == null) {
                try (ServerSocket socket = new ServerSocket(0)) {
                    port = Integer.toString(socket.getLocalPort());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                System.setProperty(key, port);
            }
            return port;
        }
    }
}

package io.interactionsync.emulator.push;

import static io.interactionsync.emulator.support.GoogleFlow.message;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import io.interactionsync.emulator.support.PushReceiver;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GmailPushTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String USER = "watch@acme.test";
    private static final String TOPIC = "projects/acme-sync/topics/gmail";
    private static final String SERVICE_ACCOUNT = "gmail-push@acme-sync.iam.gserviceaccount.com";
    private static final String AUDIENCE = "https://sync.acme.test/push/gmail";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PushReceiver receiver;
    private String token;

    @BeforeEach
    void setUp() {
        receiver = PushReceiver.start();
        GoogleFlow.putUser(USER, "Watch", List.of(message("m0", 1_000, List.of("INBOX"))));
        token = GoogleFlow.gmailToken(USER);
        given().contentType("application/json").body(Map.of("topic", TOPIC, "pushEndpoint", receiver.url("/pubsub"),
                "oidcToken", Map.of("serviceAccountEmail", SERVICE_ACCOUNT, "audience", AUDIENCE)))
                .put("/_emulator/pubsub/subscriptions/gmail-push").then().statusCode(201)
                .body("name", equalTo("projects/acme-sync/subscriptions/gmail-push"))
                .body("pushConfig.oidcToken.audience", equalTo(AUDIENCE));
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    private JsonPath watch(Map<String, Object> body) {
        return given().auth().oauth2(token).contentType("application/json").body(body)
                .post("/gmail.googleapis.com/gmail/v1/users/me/watch").then().statusCode(200).extract().jsonPath();
    }

    private static String addMessage(String id, List<String> labels) {
        return given().contentType("application/json").body(message(id, 2_000, labels))
                .post("/_emulator/google/users/" + USER + "/messages").then().statusCode(200).extract().path("historyId");
    }

    private static JsonNode data(PushReceiver.Received push) throws Exception {
        JsonNode body = JSON.readTree(push.body());
        return JSON.readTree(Base64.getDecoder().decode(body.path("message").path("data").asText()));
    }

    private static java.time.Instant publishTime(PushReceiver.Received push) throws Exception {
        return java.time.Instant.parse(JSON.readTree(push.body()).path("message").path("publishTime").asText());
    }

    private void nothingMoreThan(int count, String path) {
        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3))
                .until(() -> receiver.notifications(path).size() == count);
    }

    @Test
    void aNewMessageIsPushedOnceWithAGoogleSignedOidcTokenAndTheLatestHistoryId() throws Exception {
        long before = System.currentTimeMillis();
        JsonPath watched = watch(Map.of("topicName", TOPIC, "labelIds", List.of("INBOX")));
        assertThat(Long.parseLong(watched.getString("expiration")))
                .isBetween(before + 604_800_000L - 5_000, System.currentTimeMillis() + 604_800_000L);
        String historyId = addMessage("m1", List.of("INBOX", "UNREAD"));

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.notifications("/pubsub").size() == 1);
        PushReceiver.Received push = receiver.notifications("/pubsub").get(0);
        assertThat(push.method()).isEqualTo("POST");
        assertThat(push.header("Content-Type")).startsWith("application/json");
        assertThat(push.header("Authorization")).startsWith("Bearer ");

        String jwks = given().get("/www.googleapis.com/oauth2/v3/certs").asString();
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .setExpectedIssuer("https://accounts.google.com").setExpectedAudience(AUDIENCE)
                .setRequireExpirationTime().setRequireIssuedAt().setRequireSubject().build();
        JwtClaims claims = consumer.processToClaims(push.header("Authorization").substring(7));
        assertThat(claims.getStringClaimValue("email")).isEqualTo(SERVICE_ACCOUNT);
        assertThat(claims.getClaimValue("email_verified")).isEqualTo(true);
        assertThat(claims.getSubject()).matches("\\d{21}").isEqualTo(claims.getStringClaimValue("azp"));
        assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue()).isEqualTo(3600);

        JsonNode body = JSON.readTree(push.body());
        assertThat(body.path("subscription").asText()).isEqualTo("projects/acme-sync/subscriptions/gmail-push");
        JsonNode message = body.path("message");
        assertThat(message.path("messageId").asText()).matches("\\d+").isEqualTo(message.path("message_id").asText());
        assertThat(message.path("publishTime").asText()).isEqualTo(message.path("publish_time").asText()).endsWith("Z");
        assertThat(message.path("attributes").isObject()).isTrue();
        JsonNode data = data(push);
        assertThat(data.path("emailAddress").asText()).isEqualTo(USER);
        assertThat(data.path("historyId").isIntegralNumber()).isTrue();
        assertThat(data.path("historyId").asLong()).isEqualTo(Long.parseLong(historyId));
        nothingMoreThan(1, "/pubsub");
    }

    @Test
    void aBurstOfTwentyChangesGivesAtMostThreeNotificationsAndTheLastCarriesTheLatestHistoryId() throws Exception {
        watch(Map.of("topicName", TOPIC));
        String latest = null;
        for (int i = 0; i < 20; i++) {
            latest = i % 2 == 0 ? addMessage("b" + i, List.of("INBOX"))
                    : given().contentType("application/json").body(Map.of("add", List.of("STARRED")))
                            .post("/_emulator/google/users/" + USER + "/messages/b" + (i - 1) + "/labels").then()
                            .statusCode(200).extract().path("historyId");
        }
        latest = given().get("/_emulator/google/users/" + USER).then().extract().path("historyId");
        long expected = Long.parseLong(latest);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            List<PushReceiver.Received> all = receiver.notifications("/pubsub");
            return !all.isEmpty() && data(all.get(all.size() - 1)).path("historyId").asLong() == expected;
        });
        nothingMoreThan(receiver.notifications("/pubsub").size(), "/pubsub");
        List<PushReceiver.Received> pushes = receiver.notifications("/pubsub");
        assertThat(pushes).hasSizeBetween(1, 3);
        for (int i = 1; i < pushes.size(); i++) {
            assertThat(java.time.Duration.between(publishTime(pushes.get(i - 1)), publishTime(pushes.get(i))).toMillis())
                    .isGreaterThanOrEqualTo(950);
        }
        given().get("/_emulator/push").then().body("counters.gmail.coalesced", org.hamcrest.Matchers.greaterThan(15));
    }

    @Test
    void stopEndsTheWatch() {
        watch(Map.of("topicName", TOPIC));
        given().auth().oauth2(token).post("/gmail.googleapis.com/gmail/v1/users/me/stop").then().statusCode(204);
        given().get("/_emulator/push").then().body("gmailWatches.size()", equalTo(0));
        addMessage("s1", List.of("INBOX"));
        nothingMoreThan(0, "/pubsub");
        given().get("/_emulator/push").then().body("counters.gmail.published", equalTo(0));
    }

    @Test
    void anExpiredWatchSendsNothing() {
        given().contentType("application/json").body(Map.of("gmailWatchTtlSeconds", 1)).put("/_emulator/config")
                .then().statusCode(200);
        long expiration = Long.parseLong(watch(Map.of("topicName", TOPIC)).getString("expiration"));
        assertThat(expiration - System.currentTimeMillis()).isLessThanOrEqualTo(1_000L);
        await().atMost(Duration.ofSeconds(3)).until(() -> System.currentTimeMillis() > expiration);
        addMessage("e1", List.of("INBOX"));
        nothingMoreThan(0, "/pubsub");
        given().get("/_emulator/push").then().body("gmailWatches.size()", equalTo(0));
    }

    @Test
    void theLabelFilterSkipsChangesOutsideTheWatchedLabels() throws Exception {
        watch(Map.of("topicName", TOPIC, "labelIds", List.of("INBOX"), "labelFilterBehavior", "include"));
        addMessage("sent1", List.of("SENT"));
        nothingMoreThan(0, "/pubsub");
        String historyId = addMessage("in1", List.of("INBOX"));
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.notifications("/pubsub").size() == 1);
        assertThat(data(receiver.notifications("/pubsub").get(0)).path("historyId").asLong())
                .isEqualTo(Long.parseLong(historyId));
        given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("topicName", TOPIC, "labelFilterBehavior", "sideways"))
                .post("/gmail.googleapis.com/gmail/v1/users/me/watch").then().statusCode(400)
                .body("error.errors[0].reason", equalTo("invalidArgument"));
    }

    @Test
    void aRewatchReplacesTheTopicAndATopicWithoutSubscriptionsDropsTheMessage() throws Exception {
        watch(Map.of("topicName", "projects/acme-sync/topics/nobody"));
        addMessage("d1", List.of("INBOX"));
        await().atMost(Duration.ofSeconds(5)).until(() -> given().get("/_emulator/push").jsonPath()
                .getInt("counters.gmail.droppedNoSubscription") == 1);
        watch(Map.of("topicName", TOPIC));
        given().get("/_emulator/push").then().body("gmailWatches.size()", equalTo(1))
                .body("gmailWatches[0].topicName", equalTo(TOPIC)).body("gmailWatches[0].user", equalTo(USER));
        String historyId = addMessage("d2", List.of("INBOX"));
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.notifications("/pubsub").size() == 1);
        assertThat(data(receiver.notifications("/pubsub").get(0)).path("historyId").asLong())
                .isEqualTo(Long.parseLong(historyId));
    }

    @Test
    void pubSubSubscriptionsAreManagedAndTheAudienceDefaultsToTheEndpoint() throws Exception {
        given().contentType("application/json").body(Map.of("topic", TOPIC, "pushEndpoint", receiver.url("/other"),
                "oidcToken", Map.of("serviceAccountEmail", SERVICE_ACCOUNT)))
                .put("/_emulator/pubsub/subscriptions/second").then().statusCode(201)
                .body("pushConfig.oidcToken.audience", equalTo(receiver.url("/other")));
        given().contentType("application/json").body(Map.of("topic", TOPIC, "pushEndpoint", receiver.url("/other"),
                "oidcToken", Map.of("serviceAccountEmail", SERVICE_ACCOUNT)))
                .put("/_emulator/pubsub/subscriptions/second").then().statusCode(200);
        given().get("/_emulator/pubsub/subscriptions").then().statusCode(200).body("subscriptions.size()", equalTo(2));
        given().contentType("application/json").body(Map.of("topic", "gmail", "pushEndpoint", receiver.url("/x")))
                .put("/_emulator/pubsub/subscriptions/bad").then().statusCode(400).body("error", equalTo("bad_request"));
        given().contentType("application/json").body(Map.of("topic", TOPIC, "pushEndpoint", "not a url"))
                .put("/_emulator/pubsub/subscriptions/bad").then().statusCode(400);

        watch(Map.of("topicName", TOPIC));
        addMessage("p1", List.of("INBOX"));
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.notifications("/pubsub").size() == 1
                && receiver.notifications("/other").size() == 1);
        JsonNode first = JSON.readTree(receiver.notifications("/pubsub").get(0).body());
        JsonNode second = JSON.readTree(receiver.notifications("/other").get(0).body());
        assertThat(second.path("message").path("messageId")).isEqualTo(first.path("message").path("messageId"));
        String jwt = receiver.notifications("/other").get(0).header("Authorization").substring(7);
        JwtClaims claims = JwtClaims.parse(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])));
        assertThat(claims.getAudience()).containsExactly(receiver.url("/other"));

        given().delete("/_emulator/pubsub/subscriptions/second").then().statusCode(204);
        given().delete("/_emulator/pubsub/subscriptions/second").then().statusCode(404);
    }
}

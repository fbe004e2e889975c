package io.interactionsync.relationship.it;

import static io.restassured.RestAssured.given;

import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.TestJwts;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.util.List;

/** Calls of the API as a portal user, and account-events as the connector publishes them. */
final class Api {

    static final String PROBLEM = "application/problem+json";

    private Api() {
    }

    private static final java.util.Map<String, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A portal token of {@code userId} (email {@code <userId>@acme.test}), minted once per user. */
    static String token(String userId) {
        return TOKENS.computeIfAbsent(userId, u -> TestJwts.user(u, u + "@acme.test"));
    }

    static ValidatableResponse get(String token, String path, Object... params) {
        return given().auth().oauth2(token).get(path, params).then();
    }

    /** The caller's relationship with {@code contact}, or null (404). */
    static JsonPath relationship(String userId, String contact) {
        var response = given().auth().oauth2(token(userId)).get("/api/v1/relationships/{c}", contact);
        return response.statusCode() == 404 ? null : response.then().statusCode(200).extract().jsonPath();
    }

    /** The strength shown, or -1 without a relationship (404). */
    static double strength(String userId, String contact) {
        JsonPath p = relationship(userId, contact);
        return p == null ? -1 : p.getDouble("strength");
    }

    static void connected(KafkaTestClient kafka, String accountId, String userId, String email) {
        kafka.send(Topics.ACCOUNT_EVENTS, accountId, AccountEvent.of(AccountEvent.Type.CONNECTED, accountId, userId,
                Provider.GOOGLE, email, List.of(), List.of(), Instant.now()));
    }

    static void directory(KafkaTestClient kafka, String collectionId, List<String> memberEmails) {
        kafka.send(Topics.ACCOUNT_EVENTS, collectionId, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                AccountEvent.Type.DIRECTORY_CHANGED, collectionId, null, null, null, null, null, null, null,
                new AccountEvent.Directory(collectionId, "Team " + collectionId, memberEmails, List.of("acme.test")),
                Instant.now()));
    }

    static void purged(KafkaTestClient kafka, String accountId, String userId) {
        kafka.send(Topics.ACCOUNT_EVENTS, accountId, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                AccountEvent.Type.DISCONNECTED, accountId, userId, Provider.GOOGLE, null, null, null, null, true, null,
                Instant.now()));
    }

    static void blocklist(KafkaTestClient kafka, AccountEvent.Blocklist.Scope scope, String ownerId,
                          List<String> entries) {
        kafka.send(Topics.ACCOUNT_EVENTS, ownerId, AccountEvent.blocklistChanged(
                new AccountEvent.Blocklist(scope, ownerId, entries), Instant.now()));
    }
}

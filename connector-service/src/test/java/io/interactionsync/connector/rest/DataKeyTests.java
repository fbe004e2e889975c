package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.connect;
import static io.interactionsync.connector.ConnectorTestSupport.db;
import static io.interactionsync.connector.ConnectorTestSupport.loadGoogleUser;
import static io.interactionsync.connector.ConnectorTestSupport.microsoftSyncToken;
import static io.interactionsync.connector.ConnectorTestSupport.serviceJwt;
import static io.interactionsync.connector.ConnectorTestSupport.serviceToken;
import static io.interactionsync.connector.ConnectorTestSupport.serviceTokenFor;
import static io.interactionsync.connector.ConnectorTestSupport.uniqueEmail;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.connector.crypto.Keyring;
import io.interactionsync.connector.crypto.TokenCipher;
import io.interactionsync.connector.service.TokenKeyRotationService;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TestJwts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The data keys of the raw records (crypto-shredding): {@code POST /internal/v1/data-keys {owner}} and
 * {@code GET /internal/v1/data-keys/{kid}}, destroyed by a purge and by a shared mailbox's last unsubscription.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class DataKeyTests {

    @Inject
    TokenCipher cipher;

    @Inject
    TokenKeyRotationService rotation;

    /** As the owner's sync service asks: a shared mailbox is microsoft-sync's, an account its provider's. */
    private static Response issue(String owner) {
        String token = owner.startsWith("account:") && owner.length() == "account:".length() + 36
                ? serviceTokenFor(owner.substring("account:".length())) : microsoftSyncToken();
        return issue(owner, token);
    }

    private static Response issue(String owner, String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("owner", owner))
                .post("/internal/v1/data-keys");
    }

    /** As the normalizer reads a record's key. */
    private static ValidatableResponse read(String kid) {
        return read(kid, serviceToken("event-normalizer"));
    }

    private static ValidatableResponse read(String kid, String token) {
        return given().auth().oauth2(token).get("/internal/v1/data-keys/{kid}", kid).then();
    }

    @Test
    void shouldHandKeysOnlyToTheOwnersSyncServiceAndReadThemOnlyToTheNormalizer() {
        String accountId = googleAccount(userJwt("u-" + UUID.randomUUID()));
        String owner = "account:" + accountId;
        issue(owner, microsoftSyncToken()).then().statusCode(403).body("code", equalTo("provider_not_allowed"));
        issue(owner, serviceToken("event-normalizer")).then().statusCode(403).body("code", equalTo("provider_not_allowed"));
        issue(owner, TestJwts.user("google-sync-service", "svc@portal.test", "service")).then().statusCode(403)
                .body("code", equalTo("service_client_required"));
        String kid = issue(owner).then().statusCode(200).extract().path("kid");
        read(kid, serviceJwt()).statusCode(403).body("code", equalTo("data_keys_not_allowed"));
        read(kid, TestJwts.user("event-normalizer", "svc@portal.test", "service")).statusCode(403)
                .body("code", equalTo("service_client_required"));
        read(kid).statusCode(200).body("owner", equalTo(owner));
    }

    private static String googleAccount(String jwt) {
        String email = uniqueEmail("dk");
        loadGoogleUser(email);
        return connect(jwt, email, "gmail", 201).get("id").asText();
    }

    @Test
    void shouldCreateAKeyOnFirstUseAndHandTheSameOneOutAfterwards() {
        String accountId = googleAccount(userJwt("u-" + UUID.randomUUID()));

        Response first = issue("account:" + accountId);
        first.then().statusCode(200);
        String kid = first.jsonPath().getString("kid");
        String key = first.jsonPath().getString("key");
        assertThat(Base64.getDecoder().decode(key)).hasSize(32);
        assertThat(first.jsonPath().getMap("$")).containsOnlyKeys("kid", "key");

        issue("account:" + accountId.toUpperCase()).then().statusCode(200)
                .body("kid", equalTo(kid)).body("key", equalTo(key));
        read(kid).statusCode(200).body("kid", equalTo(kid)).body("owner", equalTo("account:" + accountId))
                .body("key", equalTo(key));

        String other = googleAccount(userJwt("u-" + UUID.randomUUID()));
        assertThat(issue("account:" + other).jsonPath().getString("key")).isNotEqualTo(key);
    }

    @Test
    void shouldStoreTheKeysOnlyWrappedWithTheTokenKeyring() throws Exception {
        String accountId = googleAccount(userJwt("u-" + UUID.randomUUID()));
        Response issued = issue("account:" + accountId);
        String kid = issued.jsonPath().getString("kid");
        String key = issued.jsonPath().getString("key");
        byte[] raw = Base64.getDecoder().decode(key);

        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select owner, token_key_id, key_enc from connector.data_keys where kid = ?")) {
            ps.setString(1, kid);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                byte[] stored = rs.getBytes(3);
                assertThat(rs.getString(2)).isEqualTo(cipher.activeKeyId());
                assertThat(new String(stored, StandardCharsets.ISO_8859_1))
                        .doesNotContain(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain(key);
                assertThat(cipher.open(stored, rs.getString(2), "data-key/" + kid + "/" + rs.getString(1))).isEqualTo(key);
            }
        }
    }

    @Test
    void shouldDestroyTheAccountKeyWithAPurgeAndAnswerErasedForEver() throws Exception {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String accountId = googleAccount(jwt);
        String kid = issue("account:" + accountId).jsonPath().getString("kid");

        given().auth().oauth2(jwt).queryParam("purge", true).delete("/api/v1/google-accounts/{id}", accountId)
                .then().statusCode(204);

        read(kid).statusCode(410).contentType("application/problem+json").body("code", equalTo("erased"))
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("key")));
        issue("account:" + accountId).then().statusCode(410).body("code", equalTo("erased"));
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select key_enc, token_key_id, destroyed_at from connector.data_keys where kid = ?")) {
            ps.setString(1, kid);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBytes(1)).as("key material erased").isNull();
                assertThat(rs.getString(2)).isNull();
                assertThat(rs.getTimestamp(3)).isNotNull();
            }
        }
    }

    @Test
    void shouldKeepTheKeyWhenTheAccountIsDisconnectedWithoutPurge() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String accountId = googleAccount(jwt);
        Response issued = issue("account:" + accountId);

        given().auth().oauth2(jwt).queryParam("purge", false).delete("/api/v1/google-accounts/{id}", accountId)
                .then().statusCode(204).header("Retention-Outcome", "kept");

        read(issued.jsonPath().getString("kid")).statusCode(200).body("key", equalTo(issued.jsonPath().getString("key")));
    }

    @Test
    void shouldDestroyASharedMailboxKeyOnlyWhenItsLastSubscriberLeaves() {
        String shared = "team-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.test";
        io.interactionsync.connector.MicrosoftTestSupport.loadSharedMailbox(shared);
        String jwtA = userJwt("u-" + UUID.randomUUID());
        String jwtB = userJwt("u-" + UUID.randomUUID());
        String a = subscriber(jwtA, shared);
        String b = subscriber(jwtB, shared);

        Response issued = issue("mailbox:" + shared.toUpperCase());
        issued.then().statusCode(200);
        String kid = issued.jsonPath().getString("kid");
        read(kid).statusCode(200).body("owner", equalTo("mailbox:" + shared));

        // A leaves the mailbox: B still reads it, so its records must stay readable.
        given().auth().oauth2(jwtA).delete("/api/v1/microsoft-accounts/{id}/shared-mailboxes/{address}", a, shared)
                .then().statusCode(204);
        read(kid).statusCode(200);
        assertThat(issue("mailbox:" + shared).jsonPath().getString("kid")).isEqualTo(kid);

        // B, the last subscriber, is purged: the mailbox's key goes with B's own.
        given().auth().oauth2(jwtB).queryParam("purge", true).delete("/api/v1/microsoft-accounts/{id}", b)
                .then().statusCode(204);
        read(kid).statusCode(410).body("code", equalTo("erased"));
        issue("mailbox:" + shared).then().statusCode(410).body("code", equalTo("erased"));

        // Subscribed again later: a fresh key; the old records stay unreadable.
        String c = subscriber(userJwt("u-" + UUID.randomUUID()), shared);
        assertThat(c).isNotBlank();
        Response fresh = issue("mailbox:" + shared);
        fresh.then().statusCode(200);
        assertThat(fresh.jsonPath().getString("kid")).isNotEqualTo(kid);
        read(kid).statusCode(410);
    }

    private static String subscriber(String jwt, String shared) {
        String upn = io.interactionsync.connector.MicrosoftTestSupport.uniqueUpn("sub");
        io.interactionsync.connector.MicrosoftTestSupport.loadMicrosoftUser(upn, Map.of("fullAccessTo", List.of(shared)));
        String id = io.interactionsync.connector.MicrosoftTestSupport.connect(jwt, upn, "mail,sharedMail", 201)
                .get("id").asText();
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("address", shared))
                .post("/api/v1/microsoft-accounts/{id}/shared-mailboxes", id).then().statusCode(201);
        return id;
    }

    @Test
    void shouldRefuseUserTokensUnknownOwnersAndMalformedOnes() {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String accountId = googleAccount(jwt);
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("owner", "account:" + accountId))
                .post("/internal/v1/data-keys").then().statusCode(403);
        String kid = issue("account:" + accountId).jsonPath().getString("kid");
        given().auth().oauth2(jwt).get("/internal/v1/data-keys/{kid}", kid).then().statusCode(403);
        given().get("/internal/v1/data-keys/{kid}", kid).then().statusCode(401);

        issue("account:" + UUID.randomUUID()).then().statusCode(404).body("code", equalTo("account_not_found"));
        issue("mailbox:nobody-" + UUID.randomUUID() + "@contoso.test").then().statusCode(404)
                .body("code", equalTo("shared_mailbox_not_found"));
        issue("account:not-a-uuid").then().statusCode(400).body("code", equalTo("invalid_owner"));
        issue("user:" + accountId).then().statusCode(400).body("code", equalTo("invalid_owner"));
        read("no-such-kid").statusCode(404).body("code", equalTo("data_key_not_found"));
    }

    @Test
    void shouldRewrapKeysOfARetiredKeyringKeyWithTheActiveOne() throws Exception {
        String accountId = googleAccount(userJwt("u-" + UUID.randomUUID()));
        Response issued = issue("account:" + accountId);
        String kid = issued.jsonPath().getString("kid");
        String key = issued.jsonPath().getString("key");
        String keyring = ConfigProvider.getConfig().getValue(Keyring.PROPERTY, String.class);
        TokenCipher retired = new TokenCipher(Keyring.parse(keyring.substring(keyring.indexOf(',') + 1)));
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "update connector.data_keys set token_key_id = ?, key_enc = ? where kid = ?")) {
            ps.setString(1, retired.activeKeyId());
            ps.setBytes(2, retired.seal(key, "data-key/" + kid + "/account:" + accountId));
            ps.setString(3, kid);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        read(kid).statusCode(200).body("key", equalTo(key));

        assertThat(rotation.reencryptAll()).isPositive();

        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select token_key_id from connector.data_keys where kid = ?")) {
            ps.setString(1, kid);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(cipher.activeKeyId());
            }
        }
        read(kid).statusCode(200).body("key", equalTo(key));
    }
}

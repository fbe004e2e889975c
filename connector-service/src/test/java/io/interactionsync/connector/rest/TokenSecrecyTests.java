package io.interactionsync.connector.rest;

import static io.interactionsync.connector.ConnectorTestSupport.accessToken;
import static io.interactionsync.connector.ConnectorTestSupport.connect;
import static io.interactionsync.connector.ConnectorTestSupport.db;
import static io.interactionsync.connector.ConnectorTestSupport.loadGoogleUser;
import static io.interactionsync.connector.ConnectorTestSupport.uniqueEmail;
import static io.interactionsync.connector.ConnectorTestSupport.userJwt;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.connector.crypto.TokenCipher;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tokens never leave custody: not in logs, user-facing responses, Kafka records or plaintext columns. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class TokenSecrecyTests {

    @Inject
    TokenCipher cipher;

    private final List<String> logLines = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logLines) {
                StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
                if (record.getParameters() != null) {
                    for (Object p : record.getParameters()) {
                        line.append(' ').append(p);
                    }
                }
                for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                    line.append(' ').append(t);
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

    @BeforeEach
    void captureLogs() {
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void shouldAnswerOperationsEndpointsOnlyOnTheManagementPort() {
        for (String path : java.util.List.of("/q/health", "/q/health/ready", "/q/metrics", "/q/openapi")) {
            given().get(path).then().statusCode(404); // the API port
            given().get(ManagementInterface.url(path)).then().statusCode(200);
        }
    }

    @Test
    void shouldNeverExposeTokensInLogsResponsesOrKafkaRecords() throws Exception {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String email = uniqueEmail("secret");
        loadGoogleUser(email);
        List<String> userFacing = new ArrayList<>();

        String id = connect(jwt, email, "gmail,calendar", 201).get("id").asText();
        String first = accessToken(id, null).get("accessToken").asText();
        String second = accessToken(id, first).get("accessToken").asText(); // a refresh, logged
        userFacing.add(given().auth().oauth2(jwt).get("/api/v1/google-accounts").asString());
        userFacing.add(given().auth().oauth2(jwt).get("/api/v1/google-accounts/{id}", id).asString());
        userFacing.add(given().auth().oauth2(jwt).post("/api/v1/accounts/{id}/sync", id).asString());

        String refresh;
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select token_key_id, refresh_token_enc from connector.accounts where id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                refresh = cipher.open(rs.getBytes("refresh_token_enc"), rs.getString("token_key_id"), id + "/refresh");
            }
        }
        assertThat(refresh).isNotBlank();

        List<String> kafkaValues = new ArrayList<>();
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.awaitRecords(Topics.ACCOUNT_EVENTS, r -> id.equals(r.key()), 1, Duration.ofSeconds(30))
                    .forEach(r -> kafkaValues.add(r.value()));
            kafka.awaitRecords(Topics.SYNC_REQUESTS, r -> id.equals(r.key()), 2, Duration.ofSeconds(30))
                    .forEach(r -> kafkaValues.add(r.value()));
        }

        List<String> secrets = List.of(first, second, refresh);
        List<String> logs;
        synchronized (logLines) {
            logs = List.copyOf(logLines);
        }
        assertThat(logs).as("captured log lines").isNotEmpty();
        for (String secret : secrets) {
            String b64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
            assertThat(logs).noneMatch(l -> l.contains(secret) || l.contains(b64));
            assertThat(userFacing).noneMatch(r -> r.contains(secret));
            assertThat(kafkaValues).noneMatch(v -> v.contains(secret) || v.contains(b64));
        }
    }

    @Test
    void shouldNeverExposeMicrosoftTokensInLogsResponsesOrKafkaRecords() throws Exception {
        String jwt = userJwt("u-" + UUID.randomUUID());
        String shared = "secret-shared-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.test";
        io.interactionsync.connector.MicrosoftTestSupport.loadSharedMailbox(shared);
        String upn = io.interactionsync.connector.MicrosoftTestSupport.uniqueUpn("secret");
        io.interactionsync.connector.MicrosoftTestSupport.loadMicrosoftUser(upn, java.util.Map.of("fullAccessTo", List.of(shared)));
        List<String> userFacing = new ArrayList<>();

        String id = io.interactionsync.connector.MicrosoftTestSupport.connect(jwt, upn, "mail,calendar,sharedMail", 201)
                .get("id").asText();
        String initialRefresh = storedRefresh(id);
        String first = accessToken(id, null).get("accessToken").asText();
        String second = accessToken(id, first).get("accessToken").asText(); // a refresh with rotation, logged
        userFacing.add(given().auth().oauth2(jwt).contentType(io.restassured.http.ContentType.JSON)
                .body(java.util.Map.of("address", shared))
                .post("/api/v1/microsoft-accounts/{id}/shared-mailboxes", id).asString()); // Graph probe
        userFacing.add(given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts").asString());
        userFacing.add(given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts/{id}", id).asString());
        userFacing.add(given().auth().oauth2(jwt).get("/api/v1/microsoft-accounts/{id}/shared-mailboxes", id).asString());
        String rotated = storedRefresh(id);
        assertThat(rotated).isNotEqualTo(initialRefresh);

        List<String> kafkaValues = new ArrayList<>();
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.awaitRecords(Topics.ACCOUNT_EVENTS, r -> id.equals(r.key()), 2, Duration.ofSeconds(30))
                    .forEach(r -> kafkaValues.add(r.value()));
            kafka.awaitRecords(Topics.SYNC_REQUESTS, r -> id.equals(r.key()), 1, Duration.ofSeconds(30))
                    .forEach(r -> kafkaValues.add(r.value()));
        }
        List<String> logs;
        synchronized (logLines) {
            logs = List.copyOf(logLines);
        }
        assertThat(logs).as("captured log lines").isNotEmpty();
        for (String secret : List.of(first, second, initialRefresh, rotated)) {
            String b64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
            assertThat(logs).noneMatch(l -> l.contains(secret) || l.contains(b64));
            assertThat(userFacing).noneMatch(r -> r.contains(secret));
            assertThat(kafkaValues).noneMatch(v -> v.contains(secret) || v.contains(b64));
        }
    }

    private String storedRefresh(String id) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select token_key_id, refresh_token_enc from connector.accounts where id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return cipher.open(rs.getBytes("refresh_token_enc"), rs.getString("token_key_id"), id + "/refresh");
            }
        }
    }

    @Test
    void shouldServeHealthMetricsAndOpenApi() {
        given().get("/api/v1/google-accounts").then().statusCode(401);
        given().get(ManagementInterface.url("/q/health")).then().statusCode(200);
        given().get(ManagementInterface.url("/q/health/ready")).then().statusCode(200);
        String metrics = given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200).extract().asString();
        assertThat(metrics).contains("http_server_requests", "jvm_memory_used_bytes");
        String openapi = given().get(ManagementInterface.url("/q/openapi")).then().statusCode(200).extract().asString();
        assertThat(openapi).contains("/api/v1/google-accounts", "/api/v1/google/authorize-url",
                "/internal/v1/accounts/{id}/access-token", "/api/v1/collections/{id}", "/api/v1/accounts/{id}/sync",
                "/api/v1/microsoft/authorize-url", "/api/v1/microsoft-accounts", "/api/v1/microsoft-accounts/{id}",
                "/api/v1/microsoft-accounts/{id}/shared-mailboxes",
                "/api/v1/microsoft-accounts/{id}/shared-mailboxes/{address}", "admin_consent_required",
                "personal_account_not_allowed", "shared_mailbox_access_denied", "shared_scope_missing",
                "/api/v1/accounts/{id}/features", "unknown_feature_flag", "body_too_large", "internal_error (problem+json)",
                "/api/v1/admin/accounts", "invalid_cursor", "invalid_limit", "invalid_state", "invalid_provider",
                "invalid_mode", "nextCursor", "/api/v1/collections:");
        // the admin list's items are the Account JSON plus userId (unwrapped, not nested)
        io.restassured.path.json.JsonPath doc = given().accept("application/json")
                .get(ManagementInterface.url("/q/openapi")).then().statusCode(200).extract().jsonPath();
        assertThat(doc.getMap("components.schemas.AdminAccountView.properties")).containsKeys("userId", "syncStatus",
                "sources", "sharedMailboxes").doesNotContainKey("account");
        assertThat(doc.getMap("components.schemas.SharedMailboxView.properties")).containsKeys("state", "subscription",
                "addedAt").doesNotContainKey("syncState");
    }
}

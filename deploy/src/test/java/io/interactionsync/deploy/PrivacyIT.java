package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17's "done when", on the packaged stack (real Kafka, PostgreSQL, the emulator): a purge lasts through a full
 * replay and a redelivered record, and leaves nothing readable in {@code raw-records}; a blocklist retracts a contact's
 * events and keeps new ones out; a code exchange without our state, a user token with role {@code service} on the
 * internal API, google-sync's client token on a Microsoft account, a service token on a user endpoint and
 * {@code /q/metrics} on the API port are all refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(StackLogsOnFailure.class)
class PrivacyIT {

    static final String KAI = "kai@acme.test";
    static final String MIA = "mia@acme.test";
    static final String LEO = "leo@acme.test";

    Stack stack;
    StackEndpoints endpoints;
    StackClient client;
    String admin;
    final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeAll
    void startStack() throws IOException {
        endpoints = new StackEndpoints(KafkaTestResource.bootstrapServers(), EmulatorTestResource.baseUrl(),
                new LocalDatabase("127.0.0.1", 5432, "postgres", "interaction_sync_privacy"),
                LocalFiles.freePort(), LocalFiles.freePort(), LocalFiles.freePort(), LocalFiles.freePort(), 0,
                "privacy:" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        endpoints.database().recreate();
        StackTopics.ensure(endpoints.kafkaBootstrap());
        stack = new Stack(Path.of("..").toAbsolutePath().normalize(), Path.of("target/privacy-logs").toAbsolutePath());
        StackLogsOnFailure.running = stack;
        stack.startServices(endpoints, StackService.pipeline(), Duration.ofSeconds(180));
        client = new StackClient(endpoints);
        admin = client.mintJwt("admin-privacy", "admin@acme.test", List.of("admin"));
        client.putCollection(admin, "acme-privacy", "Acme", List.of(KAI, MIA, LEO), List.of("acme.test"));
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aPurgeLastsThroughAFullReplayAndARedeliveryAndLeavesNothingReadable() throws SQLException {
        client.putGoogleUser(KAI, Map.of("name", "Kai King", "events", List.of(), "messages", List.of(
                gmail("kai-1", "Zoe Zed <zoe@client.example>", 3), gmail("kai-2", "Yan Yu <yan@client.example>", 4),
                gmail("kai-3", "Xia Xu <xia@partner.example>", 5))));
        String accountId = client.connectGoogle(jwt(KAI), KAI, "gmail").get("id").asText();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> liveEvents(accountId) == 3);

        try (KafkaTestClient kafka = KafkaTestClient.connect(endpoints.kafkaBootstrap())) {
            List<ConsumerRecord<String, String>> raw = kafka.readAll("raw-records").stream()
                    .filter(r -> accountId.equals(r.key())).toList();
            assertThat(raw).as("the account's raw records").hasSizeGreaterThanOrEqualTo(3);
            for (ConsumerRecord<String, String> r : raw) {
                assertThat(r.value()).contains("\"sealed\"").doesNotContain(KAI).doesNotContain("zoe@client.example")
                        .doesNotContain("About kai-");
            }

            StackClient.Answer purge = client.call("DELETE", endpoints.connectorUrl() + "/api/v1/google-accounts/"
                    + accountId, jwt(KAI), null);
            assertThat(purge.status()).isEqualTo(204);
            assertThat(purge.headers().firstValue("Retention-Outcome")).contains("purged");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> allEvents(accountId) == 0);

            // A full replay of raw-records, then the account's own records produced again (a redelivery).
            StackClient.Answer replay = client.call("POST", endpoints.normalizerUrl() + "/api/v1/admin/replays",
                    admin, null);
            assertThat(replay.status()).as(replay.body()).isEqualTo(202);
            String replayId = replay.json().path("id").asText();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> "completed".equals(
                    client.call("GET", endpoints.normalizerUrl() + "/api/v1/admin/replays/" + replayId, admin, null)
                            .json().path("state").asText()));
            for (ConsumerRecord<String, String> r : raw) {
                kafka.sendBytes("raw-records", r.key(), r.value().getBytes(StandardCharsets.UTF_8));
            }
            // Processed once the normalizer's group has committed past them (offsets follow the batch's commit).
            awaitConsumed("event-normalizer", "raw-records");
        }
        assertThat(allEvents(accountId)).isZero();
        JsonNode events = client.call("GET", endpoints.normalizerUrl() + "/api/v1/interaction-events", jwt(KAI), null)
                .json();
        assertThat(events.path("items")).isEmpty();
    }

    @Test
    void aBlocklistRetractsAContactsEventsAndKeepsNewOnesOut() throws SQLException {
        client.putGoogleUser(MIA, Map.of("name", "Mia Moss", "events", List.of(), "messages", List.of(
                gmail("mia-1", "Ann Ash <ann@blocked.example>", 3),
                gmail("mia-2", "Bob Birch <bob@friendly.example>", 4),
                gmail("mia-3", "Cy Cole <cy@news.spammy.example>", 5))));
        String accountId = client.connectGoogle(jwt(MIA), MIA, "gmail").get("id").asText();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> contacts(accountId).size() == 3);

        StackClient.Answer put = client.call("PUT", endpoints.connectorUrl() + "/api/v1/blocklist", jwt(MIA),
                Map.of("entries", List.of("ann@blocked.example", "@spammy.example")));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(contacts(accountId)).containsExactly("bob@friendly.example"));

        // A new message from a blocked contact, copied to someone who is not: only the latter becomes an event.
        client.addGmailMessage(MIA, gmailTo("mia-4", "Ann Ash <ann@blocked.example>", MIA + ", dan@friendly.example", 1));
        client.requestSync(jwt(MIA), accountId, "auto");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(contacts(accountId)).containsExactly("bob@friendly.example", "dan@friendly.example"));
        assertThat(allContacts(accountId)).doesNotContain("ann@blocked.example", "cy@news.spammy.example");
    }

    @Test
    void theTrustBoundariesRefuseWhatTheyMust() {
        // Authorization-code injection: a postmessage code without the state our authorize-url issued.
        StackClient.Answer injected = client.call("POST", endpoints.connectorUrl() + "/api/v1/google-accounts",
                jwt(LEO), Map.of("code", "4/someone-elses-code", "redirectUri", "postmessage"));
        assertThat(injected.status()).isBetween(400, 499);
        assertThat(injected.contentType()).startsWith("application/problem+json");
        assertThat(injected.json().path("code").asText()).isEqualTo("state_required");

        client.putMicrosoftUser(LEO, Map.of("displayName", "Leo Lane", "events", List.of(), "folders",
                Map.of("inbox", List.of(), "sentitems", List.of())));
        String microsoftAccount = client.connectMicrosoft(jwt(LEO), LEO, "mail").get("id").asText();
        String tokenUrl = endpoints.connectorUrl() + "/internal/v1/accounts/" + microsoftAccount + "/access-token";

        // A JSON-minted user token that claims role service.
        String forged = client.mintJwt("microsoft-sync-service", "svc@acme.test", List.of("service"));
        StackClient.Answer asUser = client.call("POST", tokenUrl, forged, null);
        assertThat(asUser.status()).isEqualTo(403);
        assertThat(asUser.json().path("code").asText()).isEqualTo("service_client_required");

        // google-sync's real client token on a Microsoft account.
        String googleSync = client.serviceToken("google-sync-service", StackService.LOCAL_SERVICE_SECRET);
        StackClient.Answer wrongProvider = client.call("POST", tokenUrl, googleSync, null);
        assertThat(wrongProvider.status()).isEqualTo(403);
        assertThat(wrongProvider.json().path("code").asText()).isEqualTo("provider_not_allowed");
        assertThat(wrongProvider.body()).doesNotContain("accessToken");

        // ...which is also refused on user endpoints, and microsoft-sync's own token gets the account's token.
        assertThat(client.call("GET", endpoints.connectorUrl() + "/api/v1/google-accounts", googleSync, null).status())
                .isEqualTo(403);
        String microsoftSync = client.serviceToken("microsoft-sync-service", StackService.LOCAL_SERVICE_SECRET);
        assertThat(client.call("POST", tokenUrl, microsoftSync, null).status()).isEqualTo(200);

        // Operations only on the management port.
        assertThat(client.call("GET", endpoints.connectorUrl() + "/q/metrics", null, null).status()).isEqualTo(404);
        assertThat(client.call("GET", "http://127.0.0.1:" + endpoints.managementPort(StackService.CONNECTOR)
                + "/q/health/ready", null, null).status()).isEqualTo(200);
    }

    // ---- helpers ----

    private String jwt(String email) {
        return client.mintJwt("user-" + email.substring(0, email.indexOf('@')) + "-privacy", email, List.of("user"));
    }

    private long liveEvents(String accountId) throws SQLException {
        return count("select count(*) from normalizer.interaction_events where account_id = ? and not deleted", accountId);
    }

    private long allEvents(String accountId) throws SQLException {
        return count("select count(*) from normalizer.interaction_events where account_id = ?", accountId);
    }

    private long count(String sql, String accountId) throws SQLException {
        try (Connection c = endpoints.database().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // the normalizer has not migrated yet
                return -1;
            }
            throw e;
        }
    }

    /** The contacts of the account's live events. */
    private TreeSet<String> contacts(String accountId) throws SQLException {
        return contacts("select distinct contact_email from normalizer.interaction_events where account_id = ? "
                + "and not deleted", accountId);
    }

    /** The contacts of every row of the account, deleted ones included. */
    private TreeSet<String> allContacts(String accountId) throws SQLException {
        return contacts("select distinct contact_email from normalizer.interaction_events where account_id = ?",
                accountId);
    }

    private TreeSet<String> contacts(String sql, String accountId) throws SQLException {
        TreeSet<String> out = new TreeSet<>();
        try (Connection c = endpoints.database().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Waits until {@code group} has committed every partition of {@code topic} up to its current end. */
    private void awaitConsumed(String group, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                ends.forEach((tp, end) -> {
                    OffsetAndMetadata at = committed.get(tp);
                    assertThat(at == null ? 0 : at.offset()).as("%s committed on %s", group, tp).isGreaterThanOrEqualTo(end);
                });
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> gmail(String id, String from, int daysAgo) {
        return gmailTo(id, from, "owner@acme.test", daysAgo);
    }

    private Map<String, Object> gmailTo(String id, String from, String to, int daysAgo) {
        Instant at = now.minus(daysAgo, ChronoUnit.DAYS);
        List<Map<String, String>> headers = List.of(
                Map.of("name", "From", "value", from),
                Map.of("name", "To", "value", to),
                Map.of("name", "Subject", "value", "About " + id),
                Map.of("name", "Date", "value", DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC))),
                Map.of("name", "Message-ID", "value", "<" + id + "@mail.example>"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("threadId", id);
        m.put("labelIds", List.of("INBOX"));
        m.put("snippet", "");
        m.put("internalDate", Long.toString(at.toEpochMilli()));
        m.put("sizeEstimate", 2048);
        m.put("payload", Map.of("mimeType", "text/plain", "headers", headers));
        return m;
    }
}

package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.model.Json;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two connector replicas on one database and one broker, both firing the daily fan-out schedule
 * (here every two seconds): every slot is run by exactly one of them, so each account gets one
 * scheduled sync request per slot, never two. The per-user rate limits hold across the two replicas too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectorReplicasIT {

    static final String EVERY_TWO_SECONDS = "*/2 * * * * ?";
    static final String RITA = "rita.replica@acme.test";

    Stack stack;
    StackEndpoints replicaA;
    StackEndpoints replicaB;
    String accountId;
    String ritasJwt;

    @BeforeAll
    void startTwoConnectorsAndConnectOneAccount() throws IOException {
        replicaA = new StackEndpoints(KafkaTestResource.bootstrapServers(), EmulatorTestResource.baseUrl(),
                new LocalDatabase("127.0.0.1", 5432, "postgres", "interaction_sync_replicas"),
                LocalFiles.freePort(), 0, 0, 0, 0, "replicas:" + Base64.getEncoder().encodeToString(new byte[32]));
        replicaB = replicaA.withConnectorPort(LocalFiles.freePort());
        replicaA.database().recreate();
        StackTopics.ensure(replicaA.kafkaBootstrap());
        stack = new Stack(Path.of("..").toAbsolutePath().normalize(), Path.of("target/e2e-logs").toAbsolutePath());
        Map<String, String> schedule = Map.of("CONNECTOR_SYNC_SCHEDULE_CRON", EVERY_TWO_SECONDS);

        // A migrates the schema first; then B joins.
        stack.start(StackService.CONNECTOR, replicaA, "connector-replica-a", schedule)
                .awaitHttpOk(URI.create(StackService.CONNECTOR.healthUrl(replicaA)), Duration.ofSeconds(180));
        StackClient client = new StackClient(replicaA);
        client.putGoogleUser(RITA, Map.of("name", "Rita Replica", "messages", List.of(), "events", List.of()));
        ritasJwt = client.mintJwt("user-rita-replica", RITA, List.of("user"));
        accountId = client.connectGoogle(ritasJwt, RITA, "gmail").get("id").asText();
        stack.start(StackService.CONNECTOR, replicaB, "connector-replica-b", schedule)
                .awaitHttpOk(URI.create(StackService.CONNECTOR.healthUrl(replicaB)), Duration.ofSeconds(180));
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldCountOneUsersManualSyncsAcrossBothReplicas() throws Exception {
        // Default limit 10 per hour per user, counted in PostgreSQL: alternating replicas, 10 pass and then both
        // replicas answer 429 with Retry-After.
        HttpClient http = HttpClient.newHttpClient();
        int accepted = 0;
        for (int i = 0; i < 14; i++) {
            StackEndpoints replica = i % 2 == 0 ? replicaA : replicaB;
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(replica.connectorUrl()
                            + "/api/v1/accounts/" + accountId + "/sync"))
                    .header("Authorization", "Bearer " + ritasJwt).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (i < 10) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                accepted++;
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
                assertThat(response.body()).contains("\"rate_limited\"");
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
            }
        }
        assertThat(accepted).isEqualTo(10);
    }

    @Test
    @Order(2)
    void shouldRunEachScheduledSlotOnExactlyOneReplica() throws Exception {
        // Both replicas fire every slot. Which one wins is a race that one of them may win every time (it started
        // first, its JIT is warmer), so wait for both to have fired and for several lost races in total.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                log("connector-replica-a").contains("sync fan-out for")
                        && log("connector-replica-b").contains("sync fan-out for")
                        && lostRaces() >= 3
                        && slotsWithRequests() >= 3);

        // Stop both, then compare what the slots recorded with what reached Kafka. A replica stopped between
        // publishing and recording its slot leaves that one slot's count open (null): at most one such slot.
        stack.close();
        long recorded = count("requests > 0");
        long open = count("requests is null");
        try (KafkaTestClient kafka = KafkaTestClient.connect(replicaA.kafkaBootstrap())) {
            long scheduled = kafka.readAll(Topics.SYNC_REQUESTS).stream()
                    .filter(r -> accountId.equals(r.key()) && reason(r.value()).equals("schedule")).count();
            assertThat(open).isLessThanOrEqualTo(1);
            assertThat(scheduled).isBetween(recorded, recorded + open);
        }
    }

    private long lostRaces() throws IOException {
        return (log("connector-replica-a") + log("connector-replica-b")).lines()
                .filter(line -> line.contains("already claimed")).count();
    }

    private long slotsWithRequests() throws SQLException {
        return count("requests > 0");
    }

    private long count(String condition) throws SQLException {
        try (Connection c = replicaA.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from connector.sync_fan_out_runs where " + condition)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String log(String process) throws IOException {
        Path file = stack.process(process).logFile();
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static String reason(String json) {
        try {
            return Json.mapper().readTree(json).path("reason").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

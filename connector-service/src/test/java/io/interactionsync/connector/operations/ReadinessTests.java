package io.interactionsync.connector.operations;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import io.interactionsync.connector.listener.SyncStatusListener;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** /q/health/ready names the sync-status consumer's check: UP while the group has assigned it, 503 while not. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class ReadinessTests {

    @Inject
    @Identifier(SyncStatusConsumerReadiness.NAME)
    SyncStatusConsumerReadiness readiness;

    @Inject
    KafkaClientService kafkaClients;

    @Test
    void shouldBeReadyOnlyWhileTheSyncStatusConsumerHoldsAnAssignment() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get(ManagementInterface.url("/q/health/ready"))
                .then().statusCode(200)
                .body("checks.findAll { it.name == 'sync-status consumer' }.status", hasItem("UP"))
                .body("checks.find { it.name == 'sync-status consumer' }.data.partitions", containsString("sync-status-")));
        var consumer = kafkaClients.getConsumer(SyncStatusListener.CHANNEL);
        Set<TopicPartition> owned = consumer.getAssignments().await().atMost(Duration.ofSeconds(10));

        readiness.onPartitionsLost(null, owned); // as when the session expired
        given().get(ManagementInterface.url("/q/health/ready")).then().statusCode(503)
                .body("checks.findAll { it.name == 'sync-status consumer' }.status", hasItem("DOWN"));

        try {
            // The consumer rejoins: the group's next assignment makes it ready again.
            consumer.runOnPollingThread(c -> {
                c.enforceRebalance();
            }).await().atMost(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                    .get(ManagementInterface.url("/q/health/ready")).then().statusCode(200));
        } finally {
            readiness.onPartitionsAssigned(null, owned); // the test only pretended they were lost
        }
    }
}

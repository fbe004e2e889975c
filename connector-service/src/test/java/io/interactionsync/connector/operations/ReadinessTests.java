package io.interactionsync.connector.operations;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** /q/health/ready names the sync-status consumer's check, UP once the group assigned its partitions. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class ReadinessTests {

    @Test
    void shouldReportTheSyncStatusConsumerReadyOnceItHoldsItsAssignment() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get(ManagementInterface.url("/q/health/ready"))
                .then().statusCode(200)
                .body("checks.findAll { it.name == 'sync-status consumer' }.status", hasItem("UP"))
                .body("checks.find { it.name == 'sync-status consumer' }.data.partitions",
                        org.hamcrest.Matchers.containsString("sync-status-")));
    }
}

package io.interactionsync.googlesync;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.interactionsync.googlesync.client.gmail.GmailApiClient;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.googlesync.support.TestMailbox;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.ManagementInterface;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class HealthAndMetricsIT {

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Test
    void shouldAnswerOperationsEndpointsOnlyOnTheManagementPort() {
        for (String path : java.util.List.of("/q/health", "/q/health/ready", "/q/metrics")) {
            given().get(path).then().statusCode(404); // the API port
            given().get(ManagementInterface.url(path)).then().statusCode(200);
        }
    }

    @Test
    void shouldReportHealthWithTheWorkerPool() {
        given().when().get(ManagementInterface.url("/q/health")).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("google-sync-workers"));
    }

    @Test
    void shouldExportPublishedRecordsQuotaUnitsAndTheCircuitState() {
        TestMailbox box = TestMailbox.create();
        box.add(Instant.now().minusSeconds(60), true, "INBOX");
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.email);
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.GOOGLE, List.of(Source.GMAIL),
                    SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, Instant.now()));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> jobs.state(accountId).filter("done"::equals).isPresent());

        given().when().get(ManagementInterface.url("/q/metrics")).then().statusCode(200)
                .body(containsString("googlesync_records_published_total{source=\"gmail\""))
                .body(containsString("googlesync_quota_units_total{method=\"users.messages.get\""))
                .body(containsString("googlesync_gmail_requests_total"))
                .body(containsString("googlesync_step_duration_seconds"))
                .body(containsString("googlesync_circuit_state{circuitBreaker=\"google_gmail_metadata\"}"))
                .body(containsString("ft_circuitbreaker_state_current{method=\"" + GmailApiClient.class.getName() + ".execute\""));
    }
}

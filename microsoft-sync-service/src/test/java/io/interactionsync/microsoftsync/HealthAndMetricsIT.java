package io.interactionsync.microsoftsync;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.interactionsync.microsoftsync.graph.GraphApi;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.microsoftsync.support.Outlook;
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
        given().get("/q/health").then().statusCode(404); // the API port (on the management port, the wellness check
        // may be DOWN while another test's source is incomplete)
        for (String path : java.util.List.of("/q/health/ready", "/q/health/live", "/q/metrics")) {
            given().get(path).then().statusCode(404); // the API port
            given().get(ManagementInterface.url(path)).then().statusCode(200);
        }
    }

    @Test
    void shouldBeReadyWithSyncEnabledKafkaAndTheDatabase() {
        given().when().get(ManagementInterface.url("/q/health/ready")).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("microsoft-graph-sync", "Database connections health check"))
                .body("checks.find { it.name == 'microsoft-graph-sync' }.data.syncEnabled", equalTo(true))
                .body("checks.find { it.name == 'microsoft-graph-sync' }.data.graphBaseUrl",
                        equalTo(emulator + "/graph.microsoft.com/v1.0"));
        given().when().get(ManagementInterface.url("/q/health/live")).then().statusCode(200)
                .body("checks.name", hasItem("microsoft-sync-workers"));
    }

    @Test
    void shouldExportPublishedRecordsRequestsStepsAndTheCircuitStates() {
        Outlook box = Outlook.standard(2, 1).load(emulator);
        String accountId = FakeConnectorResource.register(box.upn);
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.MICROSOFT,
                    List.of(Source.OUTLOOK_MAIL, Source.OUTLOOK_CALENDAR), SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL,
                    Instant.now()));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> jobs.state(accountId).filter("done"::equals).isPresent());

        given().when().get(ManagementInterface.url("/q/metrics")).then().statusCode(200)
                .body(containsString("microsoftsync_records_published_total{shared=\"false\",source=\"outlook_mail\"}"))
                .body(containsString("microsoftsync_graph_requests_total{api=\"calendar\",outcome=\"ok\"}"))
                .body(containsString("microsoftsync_step_duration_seconds"))
                .body(containsString("microsoftsync_circuit_state{circuitBreaker=\"ms_graph_mail\"}"))
                .body(containsString("microsoftsync_circuit_state{circuitBreaker=\"ms_graph_calendar\"}"))
                .body(containsString("ft_circuitbreaker_state_current{method=\"" + GraphApi.class.getName() + ".mail\""));
        // The connector was called with this service's client-credentials JWT from the IdP (never a user token).
        org.assertj.core.api.Assertions.assertThat(FakeConnectorResource.lastAuthorization()).hasValueSatisfying(
                h -> org.assertj.core.api.Assertions.assertThat(h).startsWith("Bearer "));
    }
}

package io.interactionsync.microsoftsync;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class HealthTests {

    @Test
    void shouldReportReadyAndSayThatSyncIsNotEnabledYet() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("microsoft-graph-sync"))
                .body("checks.find { it.name == 'microsoft-graph-sync' }.data.syncEnabled", equalTo(false));
    }
}

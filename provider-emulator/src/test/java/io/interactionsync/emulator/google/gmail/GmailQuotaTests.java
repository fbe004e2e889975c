package io.interactionsync.emulator.google.gmail;

import static io.interactionsync.emulator.support.GoogleFlow.message;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.emulator.quota.GmailQuota;
import io.interactionsync.emulator.support.EmulatorExtension;
import io.interactionsync.emulator.support.GoogleFlow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GmailQuotaTests {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final String PROFILE = "/gmail.googleapis.com/gmail/v1/users/me/profile";
    private static final String MESSAGE = "/gmail.googleapis.com/gmail/v1/users/me/messages/q1";
    private String token;

    @BeforeEach
    void load() {
        GoogleFlow.putUser("quota@acme.test", "Quota", List.of(message("q1", 1000, List.of("INBOX"))));
        token = GoogleFlow.gmailToken("quota@acme.test");
    }

    private static void config(Map<String, Object> values) {
        given().contentType("application/json").body(values).put("/_emulator/config").then().statusCode(200);
    }

    @Test
    void perUserUnitsPerMinuteAreEnforcedWithTheUserRateLimitExceededBody() {
        config(Map.of("gmailUnitsPerUserPerMinute", 12));
        given().auth().oauth2(token).queryParam("format", "metadata").get(MESSAGE).then().statusCode(200);
        given().auth().oauth2(token).queryParam("format", "metadata").get(MESSAGE).then().statusCode(200);
        given().auth().oauth2(token).queryParam("format", "metadata").get(MESSAGE).then().statusCode(403)
                .body("error.code", equalTo(403))
                .body("error.message", equalTo("User Rate Limit Exceeded"))
                .body("error.errors[0].domain", equalTo("usageLimits"))
                .body("error.errors[0].reason", equalTo("userRateLimitExceeded"))
                .body("error.errors[0].message", equalTo("User Rate Limit Exceeded"))
                .body("error", not(hasKey("status")));
        // a cheaper call still fits: 10 of 12 units spent
        given().auth().oauth2(token).get(PROFILE).then().statusCode(200);
        given().get("/_emulator/stats").then()
                .body("users.'quota@acme.test'.quotaUnits", equalTo(11))
                .body("users.'quota@acme.test'.throttled", equalTo(1))
                .body("gmailQuota.userLimitRejections", equalTo(1))
                .body("gmailQuota.projectLimitRejections", equalTo(0));
    }

    @Test
    void rateLimitExceededVariantCarriesTheRetryTimeInItsMessage() {
        config(Map.of("gmailUnitsPerUserPerMinute", 5, "gmailUserRateLimitReason", "rateLimitExceeded"));
        given().auth().oauth2(token).queryParam("format", "metadata").get(MESSAGE).then().statusCode(200);
        given().auth().oauth2(token).queryParam("format", "metadata").get(MESSAGE).then().statusCode(403)
                .body("error.errors[0].reason", equalTo("rateLimitExceeded"))
                .body("error.message", containsString("Queries per minute per user"))
                .body("error.message", containsString("Retry after 20"));
    }

    @Test
    void projectLimitIsSharedByAllUsers() {
        GoogleFlow.putUser("other@acme.test", "Other", List.of());
        String other = GoogleFlow.gmailToken("other@acme.test");
        config(Map.of("gmailUnitsPerProjectPerMinute", 2));
        given().auth().oauth2(token).get(PROFILE).then().statusCode(200);
        given().auth().oauth2(other).get(PROFILE).then().statusCode(200);
        given().auth().oauth2(other).get(PROFILE).then().statusCode(403)
                .body("error.errors[0].reason", equalTo("rateLimitExceeded"))
                .body("error.message", containsString("'Queries per minute'"));
        // what a test of several replicas reads: the project's rejections and how full its sliding minute got
        given().get("/_emulator/stats").then()
                .body("gmailQuota.projectLimitRejections", equalTo(1))
                .body("gmailQuota.userLimitRejections", equalTo(0))
                .body("gmailQuota.projectUnitsPeakPerMinute", equalTo(2));
        given().post("/_emulator/reset").then().statusCode(204);
        given().get("/_emulator/stats").then()
                .body("gmailQuota.projectLimitRejections", equalTo(0))
                .body("gmailQuota.projectUnitsPeakPerMinute", equalTo(0));
    }

    @Test
    void requestsBeyondTheUsersConcurrencyAreCountedAsConcurrencyRejections() {
        GmailQuota quota = new GmailQuota();
        assertThat(quota.enter("u", 1)).isTrue();
        assertThat(quota.enter("u", 1)).isFalse();
        quota.leave("u");
        assertThat(quota.enter("u", 1)).isTrue();
        assertThat(quota.toJson().path("concurrencyRejections").asLong()).isEqualTo(1);
        assertThat(quota.spend("u", 5, 10, 8, 0)).isEqualTo(GmailQuota.Verdict.OK);
        assertThat(quota.spend("u", 5, 10, 8, 1000)).isEqualTo(GmailQuota.Verdict.PROJECT_LIMIT);
        assertThat(quota.toJson().path("projectUnitsPeakPerMinute").asLong()).isEqualTo(5);
        assertThat(quota.toJson().path("projectLimitRejections").asLong()).isEqualTo(1);
    }

    @Test
    void defaultLimitsAreTheDocumentedOnes() {
        given().get("/_emulator/config").then()
                .body("gmailUnitsPerUserPerMinute", equalTo(15000))
                .body("gmailUnitsPerProjectPerMinute", equalTo(1200000));
    }
}

package io.interactionsync.googlesync.client.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.json.gson.GsonFactory;
import io.interactionsync.googlesync.client.gmail.GmailOutcome;
import io.interactionsync.googlesync.client.gmail.ProviderWideFailure;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.interactionsync.sync.breaker.ProviderCircuitBreakers;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.io.IOException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The google_calendar breaker counts provider-wide failures only, and is separate from Gmail's. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class CalendarCircuitBreakerIT {

    private static final String BREAKER = "google_calendar";

    @Inject
    CalendarApiClient api;

    @Inject
    ProviderCircuitBreakers breakers;

    /** Starts from an empty window (earlier tests' calendar calls are in it) and leaves it closed. */
    @BeforeEach
    @AfterEach
    void resetTheBreaker() {
        breakers.get(BREAKER).reset();
    }

    @Test
    void shouldNotOpenOnOneUsersUnauthorizedNotFoundOrExpiredSyncToken() {
        int[] statuses = {401, 404, 410};
        for (int i = 0; i < 21; i++) {
            int status = statuses[i % 3];
            GmailOutcome<Object> outcome = api.execute("acc-1", () -> {
                throw error(status, "{\"code\":" + status + ",\"message\":\"m\",\"errors\":[{\"reason\":\"r\"}]}");
            });
            assertThat(outcome).isInstanceOf(GmailOutcome.UserFailure.class);
        }
        assertThat(breakers.get(BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);
    }

    @Test
    void shouldOpenWhenCalendarFailsForEveryoneWithoutOpeningGmails() {
        for (int i = 0; i < 5; i++) {
            String account = "acc-" + (i % 2);
            assertThatThrownBy(() -> api.execute(account, () -> {
                throw error(503, "{\"code\":503,\"message\":\"Backend Error\",\"errors\":[{\"reason\":\"backendError\"}]}");
            })).isInstanceOf(ProviderWideFailure.class);
        }
        assertThat(breakers.get(BREAKER).state()).isEqualTo(CircuitBreakerState.OPEN);
        assertThat(breakers.get("google_gmail_metadata").state()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThatThrownBy(() -> api.execute("acc-3", () -> "never called")).isInstanceOf(CircuitBreakerOpenException.class);
    }

    private static GoogleJsonResponseException error(int status, String json) throws IOException {
        GoogleJsonError details = GsonFactory.getDefaultInstance().fromString(json, GoogleJsonError.class);
        return new GoogleJsonResponseException(new HttpResponseException.Builder(status, null, new HttpHeaders())
                .setMessage(details.getMessage()), details);
    }
}

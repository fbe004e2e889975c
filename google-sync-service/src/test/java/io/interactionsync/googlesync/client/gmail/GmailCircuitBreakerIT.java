package io.interactionsync.googlesync.client.gmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.json.gson.GsonFactory;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.io.IOException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The google_gmail_metadata breaker counts provider-wide failures only. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class GmailCircuitBreakerIT {

    private static final String BREAKER = "google_gmail_metadata";

    @Inject
    GmailApiClient api;

    @Inject
    CircuitBreakerMaintenance breakers;

    @AfterEach
    void closeTheBreakerForOtherTests() {
        breakers.reset(BREAKER);
    }

    @Test
    void shouldNotOpenOnOneUsersUnauthorizedOrNotFound() {
        for (int i = 0; i < 20; i++) {
            int status = i % 2 == 0 ? 401 : 404;
            GmailOutcome<Object> outcome = api.execute(GmailMethod.MESSAGES_GET, () -> {
                throw error(status, "{\"code\":" + status + ",\"message\":\"m\",\"errors\":[{\"reason\":\"r\"}]}");
            });
            assertThat(outcome).isInstanceOf(GmailOutcome.UserFailure.class);
        }
        assertThat(breakers.currentState(BREAKER)).isEqualTo(CircuitBreakerState.CLOSED);
    }

    @Test
    void shouldOpenWhenGmailFailsForEveryone() {
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> api.execute(GmailMethod.MESSAGES_GET, () -> {
                throw error(503, "{\"code\":503,\"message\":\"The service is currently unavailable.\",\"errors\":[{\"reason\":\"backendError\"}]}");
            })).isInstanceOf(ProviderWideFailure.class);
        }
        assertThat(breakers.currentState(BREAKER)).isEqualTo(CircuitBreakerState.OPEN);
        assertThatThrownBy(() -> api.execute(GmailMethod.MESSAGES_GET, () -> "never called"))
                .isInstanceOf(CircuitBreakerOpenException.class);
    }

    private static GoogleJsonResponseException error(int status, String json) throws IOException {
        GoogleJsonError details = GsonFactory.getDefaultInstance().fromString(json, GoogleJsonError.class);
        return new GoogleJsonResponseException(new HttpResponseException.Builder(status, null, new HttpHeaders())
                .setMessage(details.getMessage()), details);
    }
}

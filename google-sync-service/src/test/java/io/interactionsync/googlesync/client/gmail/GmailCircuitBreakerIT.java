package io.interactionsync.googlesync.client.gmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
import io.interactionsync.sync.breaker.ProviderCircuitBreakers;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The google_gmail_metadata breaker counts provider-wide failures only, and only when they come from several accounts
 * (sync-core's ProviderCircuitBreaker; the %test profile opens it for 2 s).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class GmailCircuitBreakerIT {

    private static final String BREAKER = "google_gmail_metadata";

    @Inject
    GmailApiClient api;

    @Inject
    ProviderCircuitBreakers breakers;

    /** Starts from an empty window (other tests' Gmail calls are in it) and leaves the breaker closed. */
    @BeforeEach
    @AfterEach
    void closeTheBreakerForOtherTests() {
        breakers.get(BREAKER).reset();
    }

    @Test
    void shouldNotOpenOnOneUsersUnauthorizedOrNotFound() {
        for (int i = 0; i < 20; i++) {
            int status = i % 2 == 0 ? 401 : 404;
            GmailOutcome<Object> outcome = api.execute("acc-1", GmailMethod.MESSAGES_GET, () -> {
                throw error(status, "{\"code\":" + status + ",\"message\":\"m\",\"errors\":[{\"reason\":\"r\"}]}");
            });
            assertThat(outcome).isInstanceOf(GmailOutcome.UserFailure.class);
        }
        assertThat(breakers.get(BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);
    }

    @Test
    void shouldNotOpenOnOneAccountsServerErrorsAndTimeoutsHoweverMany() {
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> api.execute("slow-account", GmailMethod.MESSAGES_GET, () -> {
                throw i503();
            })).isInstanceOf(ProviderWideFailure.class);
            assertThatThrownBy(() -> api.execute("slow-account", GmailMethod.MESSAGES_GET, () -> {
                throw new java.net.SocketTimeoutException("Read timed out");
            })).isInstanceOf(ProviderWideFailure.class);
        }
        assertThat(breakers.get(BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(api.execute("other-account", GmailMethod.MESSAGES_GET, () -> "served"))
                .isEqualTo(new GmailOutcome.Ok<>("served"));
    }

    @Test
    void shouldOpenWhenGmailFailsForEveryoneThenProbeAndClose() {
        for (int i = 0; i < 5; i++) {
            String account = "acc-" + (i % 2);
            assertThatThrownBy(() -> api.execute(account, GmailMethod.MESSAGES_GET, () -> {
                throw i503();
            })).isInstanceOf(ProviderWideFailure.class);
        }
        assertThat(breakers.get(BREAKER).state()).isEqualTo(CircuitBreakerState.OPEN);
        assertThatThrownBy(() -> api.execute("acc-3", GmailMethod.MESSAGES_GET, () -> "never called"))
                .isInstanceOf(CircuitBreakerOpenException.class);

        // After the (test) delay one probe is let through; its provider-wide failure reopens at once.
        await().atMost(Duration.ofSeconds(10)).until(() -> breakers.get(BREAKER).state() == CircuitBreakerState.HALF_OPEN);
        assertThatThrownBy(() -> api.execute("acc-3", GmailMethod.MESSAGES_GET, () -> {
            throw i503();
        })).isInstanceOf(ProviderWideFailure.class);
        assertThat(breakers.get(BREAKER).state()).isEqualTo(CircuitBreakerState.OPEN);

        // A successful probe closes it, with an empty window: one more failure does not reopen it.
        await().atMost(Duration.ofSeconds(10)).until(() -> breakers.get(BREAKER).state() == CircuitBreakerState.HALF_OPEN);
        assertThat(api.execute("acc-3", GmailMethod.MESSAGES_GET, () -> "probe")).isEqualTo(new GmailOutcome.Ok<>("probe"));
        assertThat(breakers.get(BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThatThrownBy(() -> api.execute("acc-0", GmailMethod.MESSAGES_GET, () -> {
            throw i503();
        })).isInstanceOf(ProviderWideFailure.class);
        assertThat(breakers.get(BREAKER).state()).isEqualTo(CircuitBreakerState.CLOSED);
    }

    private static GoogleJsonResponseException i503() throws IOException {
        return error(503, "{\"code\":503,\"message\":\"The service is currently unavailable.\",\"errors\":[{\"reason\":\"backendError\"}]}");
    }

    private static GoogleJsonResponseException error(int status, String json) throws IOException {
        GoogleJsonError details = GsonFactory.getDefaultInstance().fromString(json, GoogleJsonError.class);
        return new GoogleJsonResponseException(new HttpResponseException.Builder(status, null, new HttpHeaders())
                .setMessage(details.getMessage()), details);
    }
}

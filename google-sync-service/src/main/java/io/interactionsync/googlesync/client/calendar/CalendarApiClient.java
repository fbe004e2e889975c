package io.interactionsync.googlesync.client.calendar;

import io.interactionsync.googlesync.client.gmail.GmailErrors;
import io.interactionsync.googlesync.client.gmail.GmailOutcome;
import io.interactionsync.googlesync.client.gmail.ProviderWideFailure;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;

/**
 * Every Calendar SDK call goes through here, guarded by the {@code google_calendar} circuit breaker (same
 * thresholds as Gmail's). Google's JSON error bodies are the same for both APIs, so {@link GmailErrors} sorts
 * them: per-user failures (401, 404, 410, per-user throttling) are returned as values and never trip it;
 * only {@link ProviderWideFailure}s count.
 */
@ApplicationScoped
public class CalendarApiClient {

    /** A prepared SDK request. */
    @FunctionalInterface
    public interface Call<T> {
        T execute() throws IOException;
    }

    @CircuitBreaker(requestVolumeThreshold = 5, failureRatio = 0.5, delay = 120, delayUnit = ChronoUnit.SECONDS,
            successThreshold = 1, failOn = ProviderWideFailure.class)
    @CircuitBreakerName("google_calendar")
    public <T> GmailOutcome<T> execute(Call<T> call) {
        try {
            return new GmailOutcome.Ok<>(call.execute());
        } catch (IOException e) {
            return GmailErrors.classify(e);
        }
    }
}

package io.interactionsync.googlesync.client.calendar;

import io.interactionsync.googlesync.client.gmail.GmailErrors;
import io.interactionsync.googlesync.client.gmail.GmailOutcome;
import io.interactionsync.googlesync.client.gmail.ProviderWideFailure;
import io.interactionsync.sync.breaker.ProviderCircuitBreaker;
import io.interactionsync.sync.breaker.ProviderCircuitBreakers;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * Every Calendar SDK call goes through here, guarded by the {@code google_calendar} circuit breaker (same
 * settings as Gmail's). Google's JSON error bodies are the same for both APIs, so {@link GmailErrors} sorts
 * them: per-user failures (401, 404, 410, per-user throttling) are returned as values and never trip it;
 * only {@link ProviderWideFailure}s count, and only when they come from several accounts.
 */
@Startup
@Singleton
public class CalendarApiClient {

    public static final String BREAKER = "google_calendar";

    private final ProviderCircuitBreaker breaker;

    public CalendarApiClient(ProviderCircuitBreakers breakers) {
        this.breaker = breakers.create(BREAKER, CalendarApiClient.class.getName() + ".execute", ProviderWideFailure.class);
    }

    /** A prepared SDK request. */
    @FunctionalInterface
    public interface Call<T> {
        T execute() throws IOException;
    }

    /** @param accountId whose call this is: provider-wide failures of one account alone never open the breaker */
    public <T> GmailOutcome<T> execute(String accountId, Call<T> call) {
        return breaker.call(accountId, () -> {
            try {
                return new GmailOutcome.Ok<>(call.execute());
            } catch (IOException e) {
                return GmailErrors.classify(e);
            }
        });
    }
}

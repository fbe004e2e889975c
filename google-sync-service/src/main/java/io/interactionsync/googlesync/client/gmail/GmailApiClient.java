package io.interactionsync.googlesync.client.gmail;

import io.interactionsync.sync.breaker.ProviderCircuitBreaker;
import io.interactionsync.sync.breaker.ProviderCircuitBreakers;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * The one place every Gmail SDK call goes through, guarded by the {@code google_gmail_metadata} circuit
 * breaker (sync-core's {@link ProviderCircuitBreaker}: a failure ratio over a time window, from several accounts).
 * Per-user failures are recovered inside (returned as {@link GmailOutcome.UserFailure}) so one user's revoked token
 * or deleted message never opens the circuit for everyone; only {@link ProviderWideFailure}s count.
 */
@Startup
@Singleton
public class GmailApiClient {

    public static final String BREAKER = "google_gmail_metadata";

    private final ProviderCircuitBreaker breaker;

    @Inject
    public GmailApiClient(ProviderCircuitBreakers breakers) {
        this(breakers.create(BREAKER, GmailApiClient.class.getName() + ".execute", ProviderWideFailure.class));
    }

    /** With a given breaker, e.g. {@link ProviderCircuitBreaker#unguarded} in unit tests outside the container. */
    public GmailApiClient(ProviderCircuitBreaker breaker) {
        this.breaker = breaker;
    }

    /** A prepared SDK request, e.g. {@code () -> gmail.users().messages().get("me", id).execute()}. */
    @FunctionalInterface
    public interface Call<T> {
        T execute() throws IOException;
    }

    /**
     * @param accountId whose call this is: provider-wide failures of one account alone never open the breaker
     * @throws ProviderWideFailure 5xx, timeouts, connection errors, project-level throttling
     * @throws org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException while the breaker is open
     */
    public <T> GmailOutcome<T> execute(String accountId, GmailMethod method, Call<T> call) {
        return breaker.call(accountId, () -> {
            try {
                return new GmailOutcome.Ok<>(call.execute());
            } catch (IOException e) {
                return GmailErrors.classify(e);
            }
        });
    }
}

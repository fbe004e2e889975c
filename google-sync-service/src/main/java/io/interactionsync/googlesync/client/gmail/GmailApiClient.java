package io.interactionsync.googlesync.client.gmail;

import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;

/**
 * The one place every Gmail SDK call goes through, guarded by the {@code google_gmail_metadata} circuit
 * breaker. Per-user failures are recovered inside (returned as {@link GmailOutcome.UserFailure}) so one
 * user's revoked token or deleted message never opens the circuit for everyone; only
 * {@link ProviderWideFailure}s count.
 */
@ApplicationScoped
public class GmailApiClient {

    /** A prepared SDK request, e.g. {@code () -> gmail.users().messages().get("me", id).execute()}. */
    @FunctionalInterface
    public interface Call<T> {
        T execute() throws IOException;
    }

    @CircuitBreaker(requestVolumeThreshold = 5, failureRatio = 0.5, delay = 120, delayUnit = ChronoUnit.SECONDS,
            successThreshold = 1, failOn = ProviderWideFailure.class)
    @CircuitBreakerName("google_gmail_metadata")
    public <T> GmailOutcome<T> execute(GmailMethod method, Call<T> call) {
        try {
            return new GmailOutcome.Ok<>(call.execute());
        } catch (IOException e) {
            return GmailErrors.classify(e);
        }
    }
}

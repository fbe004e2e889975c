package io.interactionsync.microsoftsync.graph;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;

/**
 * The one place every Graph SDK call goes through, guarded by the {@code ms_graph_mail} or {@code ms_graph_calendar}
 * circuit breaker. Per-mailbox failures come back as {@link GraphOutcome.Failed}; only {@link ProviderWideFailure}s
 * (5xx, timeouts, connection errors) count, so one user's revoked token or denied mailbox opens nothing.
 */
@ApplicationScoped
public class GraphApi {

    public static final String MAIL_BREAKER = "ms_graph_mail";
    public static final String CALENDAR_BREAKER = "ms_graph_calendar";

    private final Clock clock = Clock.systemUTC();

    /** A prepared SDK request returning the response body as JSON. */
    @FunctionalInterface
    public interface Call {
        JsonNode execute();
    }

    @CircuitBreaker(requestVolumeThreshold = 5, failureRatio = 0.5, delay = 120, delayUnit = ChronoUnit.SECONDS,
            successThreshold = 1, failOn = ProviderWideFailure.class)
    @CircuitBreakerName(MAIL_BREAKER)
    public GraphOutcome mail(Call call) {
        return run(call);
    }

    @CircuitBreaker(requestVolumeThreshold = 5, failureRatio = 0.5, delay = 120, delayUnit = ChronoUnit.SECONDS,
            successThreshold = 1, failOn = ProviderWideFailure.class)
    @CircuitBreakerName(CALENDAR_BREAKER)
    public GraphOutcome calendar(Call call) {
        return run(call);
    }

    private GraphOutcome run(Call call) {
        try {
            return new GraphOutcome.Ok(call.execute());
        } catch (ProviderWideFailure e) {
            throw e;
        } catch (RuntimeException e) {
            return GraphErrors.classify(e, clock);
        }
    }
}

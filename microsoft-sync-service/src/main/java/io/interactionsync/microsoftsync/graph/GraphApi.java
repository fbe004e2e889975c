package io.interactionsync.microsoftsync.graph;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.sync.breaker.ProviderCircuitBreaker;
import io.interactionsync.sync.breaker.ProviderCircuitBreakers;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The one place every Graph SDK call goes through, guarded by the {@code ms_graph_mail} or {@code ms_graph_calendar}
 * circuit breaker (sync-core's {@link ProviderCircuitBreaker}: a failure ratio over a time window, from several
 * mailboxes). Per-mailbox failures come back as {@link GraphOutcome.Failed}; only {@link ProviderWideFailure}s (5xx,
 * timeouts, connection errors) count, and only when several mailboxes see them, so one user's revoked token, denied
 * or slow mailbox opens nothing.
 */
@Startup
@Singleton
public class GraphApi {

    public static final String MAIL_BREAKER = "ms_graph_mail";
    public static final String CALENDAR_BREAKER = "ms_graph_calendar";

    private final Clock clock = Clock.systemUTC();
    private final ProviderCircuitBreaker mailBreaker;
    private final ProviderCircuitBreaker calendarBreaker;

    public GraphApi(ProviderCircuitBreakers breakers) {
        this.mailBreaker = breakers.create(MAIL_BREAKER, GraphApi.class.getName() + ".mail", ProviderWideFailure.class);
        this.calendarBreaker = breakers.create(CALENDAR_BREAKER, GraphApi.class.getName() + ".calendar",
                ProviderWideFailure.class);
    }

    /** A prepared SDK request returning the response body as JSON. */
    @FunctionalInterface
    public interface Call {
        JsonNode execute();
    }

    /** @param mailbox the mailbox read: provider-wide failures of one mailbox alone never open the breaker */
    public GraphOutcome mail(String mailbox, Call call) {
        return mailBreaker.call(mailbox, () -> run(call));
    }

    /** @param mailbox the mailbox read: provider-wide failures of one mailbox alone never open the breaker */
    public GraphOutcome calendar(String mailbox, Call call) {
        return calendarBreaker.call(mailbox, () -> run(call));
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

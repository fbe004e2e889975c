package io.interactionsync.sync.breaker;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * One provider × kind circuit breaker ({@code google_gmail_metadata}, {@code ms_graph_mail}, …), SPEC §4.
 *
 * <p>SmallRye Fault Tolerance keeps the states (closed → open for {@code delay} → half-open probes → closed), the
 * {@link org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException}, the {@code ft_circuitbreaker_*}
 * meters and {@link CircuitBreakerMaintenance} by name. Its own rolling window is a count of the last calls, which a
 * burst of one account's timeouts fills; so the decision to open is taken here, over a {@link FailureWindow} of time
 * that also requires failures from several accounts, and handed to SmallRye as a tripping failure (its window is one
 * call long: it opens exactly when told to). Half-open, any provider-wide failure reopens, as SmallRye's probes do.
 */
public final class ProviderCircuitBreaker {

    private final String name;
    private final Class<? extends RuntimeException> providerWide;
    private final FailureWindow window;
    private final Guard guard;

    ProviderCircuitBreaker(String name, String description, Class<? extends RuntimeException> providerWide,
                           CircuitBreakerSettings settings) {
        this.name = name;
        this.providerWide = providerWide;
        // A monotonic clock: a wall-clock jump must neither empty the window nor stretch it.
        this.window = new FailureWindow(settings.window(), settings.minimumCalls(), settings.failureRatio(),
                settings.minimumAccounts(), () -> System.nanoTime() / 1_000_000);
        this.guard = Guard.create().withDescription(description)
                .withCircuitBreaker()
                .name(name)
                .requestVolumeThreshold(1).failureRatio(1.0)
                .delay(settings.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(settings.halfOpenProbes())
                .failOn(Tripped.class)
                .onStateChange(state -> {
                    if (state == CircuitBreakerState.CLOSED) {
                        window.clear();
                    }
                })
                .done().build();
    }

    /**
     * A breaker that never opens and counts nothing, for unit tests of a provider client outside the Quarkus
     * container (SmallRye's programmatic API needs it).
     */
    public static ProviderCircuitBreaker unguarded(String name) {
        return new ProviderCircuitBreaker(name);
    }

    private ProviderCircuitBreaker(String name) {
        this.name = name;
        this.providerWide = RuntimeException.class;
        this.window = null;
        this.guard = null;
    }

    public String name() {
        return name;
    }

    /**
     * Runs one provider call for {@code account}. A failure of the {@code providerWide} type is rethrown as is, and
     * counts toward opening the breaker; anything else (a value, a per-user failure) counts as an answered call.
     *
     * @throws org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException while open (or half-open
     *         with its probes in flight)
     */
    public <T> T call(String account, Supplier<T> call) {
        if (guard == null) {
            return call.get();
        }
        try {
            @SuppressWarnings("unchecked")
            T result = (T) guard.get(() -> attempt(account, call), Object.class);
            return result;
        } catch (Tripped tripped) {
            throw tripped.failure;
        }
    }

    private Object attempt(String account, Supplier<?> call) {
        Object result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            if (!providerWide.isInstance(e)) {
                window.recordAnswered();
                throw e;
            }
            boolean trips = window.recordFailure(account);
            if (trips || state() == CircuitBreakerState.HALF_OPEN) {
                throw new Tripped(e);
            }
            throw e;
        }
        window.recordAnswered();
        return result;
    }

    public CircuitBreakerState state() {
        return guard == null ? CircuitBreakerState.CLOSED : CircuitBreakerMaintenance.get().currentState(name);
    }

    /** Closes the breaker and forgets its window (tests, operators). */
    public void reset() {
        if (guard == null) {
            return;
        }
        CircuitBreakerMaintenance.get().reset(name);
        window.clear();
    }

    /** The failure that opens (or reopens) the breaker; only this type counts for SmallRye. */
    private static final class Tripped extends RuntimeException {
        final RuntimeException failure;

        Tripped(RuntimeException failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }
}

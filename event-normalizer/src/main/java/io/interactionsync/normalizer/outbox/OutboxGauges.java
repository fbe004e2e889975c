package io.interactionsync.normalizer.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The outbox backlog for the alerts: {@code normalizer_outbox_pending} (rows committed but not yet acknowledged by
 * Kafka; a row is one message or one batch's events) and {@code normalizer_outbox_oldest_age_seconds}. Read every
 * {@code normalizer.outbox.gauges-every} (not on each scrape); the same on every replica: aggregate with {@code max}.
 * NaN until the first read and after a failed one, so a dead database does not look like an empty outbox. Created at
 * startup: an application-scoped bean is otherwise made on first use (the first scheduled read), and until then the
 * gauges would be missing from {@code /q/metrics}, not NaN.
 */
@Startup
@ApplicationScoped
public class OutboxGauges {

    private final Pool pool;
    private final AtomicReference<double[]> backlog = new AtomicReference<>(new double[] {Double.NaN, Double.NaN});

    public OutboxGauges(Pool pool, MeterRegistry registry) {
        this.pool = pool;
        Gauge.builder("normalizer_outbox_pending", backlog, b -> b.get()[0])
                .description("Rows in normalizer.outbox not yet published to Kafka").register(registry);
        Gauge.builder("normalizer_outbox_oldest_age", backlog, b -> b.get()[1]).baseUnit("seconds")
                .description("Age of the oldest row in normalizer.outbox (0 when empty)").register(registry);
    }

    @Scheduled(every = "${normalizer.outbox.gauges-every:15s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> refresh() {
        return pool.query("select count(*), coalesce(extract(epoch from now() - min(created_at)), 0) from normalizer.outbox")
                .execute()
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new double[] {r.getLong(0), r.getNumeric(1).doubleValue()};
                })
                // Bounded: a read that hangs must not hold the SKIP guard and stop every later refresh.
                .ifNoItem().after(java.time.Duration.ofSeconds(5)).fail()
                .onFailure().invoke(e -> io.quarkus.logging.Log.debugf(e, "outbox backlog not readable"))
                .onFailure().recoverWithItem(new double[] {Double.NaN, Double.NaN})
                .invoke(backlog::set)
                .replaceWithVoid();
    }
}

package io.interactionsync.normalizer.retention;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.normalizer.config.NormalizerConfig;
import io.interactionsync.normalizer.outbox.OutboxRelay;
import io.interactionsync.normalizer.outbox.OutboxRepository;
import io.interactionsync.normalizer.outbox.OutboxRepository.OutboxMessage;
import io.interactionsync.normalizer.service.RetentionWindow;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Enforces the retention window on stored events: per user (team window, else {@code normalizer.retention.event-months}),
 * the events that occurred before the cutoff are deleted in batches of {@code normalizer.retention.batch-size}, each
 * batch one transaction that also puts its live events on the outbox as {@code deleted=true} (rows already retracted
 * go silently). Ingest applies the same window ({@code BatchNormalizer}), so a late record or a replay brings nothing
 * back; the events' {@code record_versions} stay, so the completeness audit sees them processed.
 */
@ApplicationScoped
public class RetentionService {

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

    private final Pool pool;
    private final RetentionRepository retention;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final NormalizerConfig config;
    private final MeterRegistry meters;

    public RetentionService(Pool pool, RetentionRepository retention, OutboxRepository outbox, OutboxRelay relay,
                            NormalizerConfig config, MeterRegistry meters) {
        this.pool = pool;
        this.retention = retention;
        this.outbox = outbox;
        this.relay = relay;
        this.config = config;
        this.meters = meters;
    }

    /** What one run did. */
    public record Result(int users, long deleted, long announced) {
    }

    /**
     * The day's run, unless another replica claimed it ({@code null} then).
     *
     * @param owner who runs it (the replica), recorded with the run
     */
    public Uni<Result> runDaily(Instant now, String owner) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return pool.withTransaction(c -> retention.claim(c, day, owner)).flatMap(claimed -> {
            if (!claimed) {
                Log.debugf("retention run of %s claimed by another replica", day);
                return Uni.createFrom().nullItem();
            }
            return run(now, day);
        });
    }

    /** Deletes every stored event older than its user's window as of {@code now} (progress kept under {@code day}). */
    public Uni<Result> run(Instant now, LocalDate day) {
        return run(now, day, config.retention().eventMonths());
    }

    /** As {@link #run(Instant, LocalDate)}, with this global window (months, 0: none) instead of the configured one. */
    public Uni<Result> run(Instant now, LocalDate day, int globalMonths) {
        RetentionWindow window = new RetentionWindow(now, globalMonths);
        long started = System.nanoTime();
        return Uni.combine().all().unis(retention.users(pool), retention.teamWindows(pool)).asTuple()
                .flatMap(t -> {
                    List<String> users = t.getItem1();
                    Map<String, Integer> teams = t.getItem2();
                    Log.infof("retention run %s: %d users with events; global window %s, %d users with a team window",
                            day, users.size(), window.globalMonths() > 0 ? window.globalMonths() + " months" : "off",
                            teams.size());
                    Progress progress = new Progress(day, users.size());
                    // one user after the other (a Multi, so that thousands of users build no deep chain)
                    return Multi.createFrom().iterable(users).onItem().transformToUniAndConcatenate(user -> {
                                Instant cutoff = window.cutoff(teams.get(user));
                                return (cutoff == null ? Uni.createFrom().voidItem() : user(user, cutoff, progress))
                                        .flatMap(v -> progress.userDone());
                            })
                            .collect().last()
                            .flatMap(v -> retention.progress(pool, day, progress.users, progress.deleted.get(),
                                    progress.announced.get(), true))
                            .map(v -> new Result(progress.users, progress.deleted.get(), progress.announced.get()));
                })
                .invoke(r -> {
                    meters.counter("normalizer_retention_runs_total", "result", "completed").increment();
                    Log.infof("retention run %s done in %d s: %d users, %d events deleted, %d of them published deleted",
                            day, Duration.ofNanos(System.nanoTime() - started).toSeconds(), r.users(), r.deleted(),
                            r.announced());
                })
                .onFailure().invoke(e -> {
                    meters.counter("normalizer_retention_runs_total", "result", "failed").increment();
                    Log.warnf(e, "retention run %s failed; the next run takes it up", day);
                });
    }

    /** One user's expired events, batch after batch until none is left. */
    private Uni<Void> user(String userId, Instant cutoff, Progress progress) {
        int limit = config.retention().batchSize();
        return pool.withTransaction(c -> retention.deleteOlder(c, userId, cutoff, limit).call(deleted -> {
                    List<InteractionEvent> live = deleted.stream().filter(e -> !e.deleted()).map(e -> e.withDeleted(true))
                            .toList();
                    progress.batch(deleted.size(), live.size());
                    return outbox.append(c, OutboxMessage.events(live));
                }))
                .invoke(deleted -> {
                    if (!deleted.isEmpty()) {
                        relay.wake();
                    }
                })
                .flatMap(deleted -> deleted.size() < limit ? Uni.createFrom().voidItem()
                        : user(userId, cutoff, progress));
    }


    /** Counters of a run; a progress line and row every 30 s. */
    private final class Progress {
        private final LocalDate day;
        private final int total;
        private final AtomicLong deleted = new AtomicLong();
        private final AtomicLong announced = new AtomicLong();
        private int users;
        private long lastReport = System.nanoTime();

        Progress(LocalDate day, int total) {
            this.day = day;
            this.total = total;
        }

        void batch(int rows, int live) {
            deleted.addAndGet(rows);
            announced.addAndGet(live);
            meters.counter("normalizer_retention_events_deleted_total").increment(rows);
        }

        Uni<Void> userDone() {
            users++;
            if (System.nanoTime() - lastReport < PROGRESS_EVERY.toNanos()) {
                return Uni.createFrom().voidItem();
            }
            lastReport = System.nanoTime();
            Log.infof("retention run %s: %d of %d users, %d events deleted so far", day, users, total, deleted.get());
            return retention.progress(pool, day, users, deleted.get(), announced.get(), false);
        }
    }
}

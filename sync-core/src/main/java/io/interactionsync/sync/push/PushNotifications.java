package io.interactionsync.sync.push;

import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.sync.jobs.SyncWorkerPool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What every notification endpoint does once a notification is authenticated: record that the channel was heard from
 * and queue an incremental run of the account's source. The job table coalesces: a request while one is pending
 * merges into it, a request while one runs becomes one re-run, so a burst of notifications for a mailbox gives a
 * handful of delta runs. This replica's pool is woken so that the run starts now, not at its next poll.
 *
 * <p>Meter {@code <prefix>.push.notifications{source,outcome}}: {@code accepted} (queued), {@code duplicate}
 * (already covered, e.g. a Gmail history id the cursor passed), {@code ignored} (a sync notification, an unknown or
 * stopped channel of a closed account), {@code rejected} (authentication failed).
 */
@ApplicationScoped
public class PushNotifications {

    public enum Outcome { ACCEPTED, DUPLICATE, IGNORED, REJECTED }

    private final PushChannelRepository channels;
    private final SyncJobRepository jobs;
    private final SyncWorkerPool pool;
    private final SyncServiceDefinition service;
    private final MeterRegistry registry;
    private final Clock clock = Clock.systemUTC();

    public PushNotifications(PushChannelRepository channels, SyncJobRepository jobs, SyncWorkerPool pool,
                             SyncServiceDefinition service, MeterRegistry registry) {
        this.channels = channels;
        this.jobs = jobs;
        this.pool = pool;
        this.service = service;
        this.registry = registry;
        for (Source source : service.defaultSources()) {
            for (Outcome outcome : Outcome.values()) {
                counter(source, outcome); // exported at 0 before the first notification
            }
        }
    }

    /** An authenticated change notification for {@code channel}: recorded, and an incremental run queued. */
    public void accept(PushChannel channel) {
        channels.notified(channel.accountId(), channel.source(), channel.mailbox(), clock.instant());
        jobs.enqueue(SyncRequest.of(channel.accountId(), service.provider(), List.of(channel.source()),
                SyncRequest.Mode.INCREMENTAL, SyncRequest.Reason.PUSH, clock.instant()),
                EnumSet.of(channel.source()));
        pool.wake();
        count(channel.source(), Outcome.ACCEPTED);
    }

    /** Heard from, but nothing to run (a duplicate, or a channel's first {@code sync} message). */
    public void heard(PushChannel channel, Outcome outcome) {
        channels.notified(channel.accountId(), channel.source(), channel.mailbox(), clock.instant());
        count(channel.source(), outcome);
    }

    /** Queues an incremental run without a channel (Graph's {@code missed} lifecycle, a renewal due). */
    public void requestRun(String accountId, Set<Source> sources, SyncRequest.Reason reason) {
        jobs.enqueue(SyncRequest.of(accountId, service.provider(), List.copyOf(sources), SyncRequest.Mode.INCREMENTAL,
                reason, clock.instant()), EnumSet.copyOf(sources));
        pool.wake();
    }

    public void count(Source source, Outcome outcome) {
        counter(source, outcome).increment();
    }

    private Counter counter(Source source, Outcome outcome) {
        return Counter.builder(service.metricPrefix() + ".push.notifications")
                .description("Provider notifications received, by outcome")
                .tag("source", source.wireName()).tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry);
    }
}

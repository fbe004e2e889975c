package io.interactionsync.sync.push;

import io.interactionsync.model.LogSafe;
import io.interactionsync.model.PushHealth;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.sync.SyncServiceDefinition;
import io.interactionsync.sync.SyncSettings;
import io.interactionsync.sync.jobs.ClosedAccounts;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The safety net under push: every {@code push.check-every} it queues an incremental run of each source whose channel
 * must be created again or renewed, or whose poll is due — every {@code push.poll-every} while push is healthy (a
 * lost notification is caught by then), every {@code push.unhealthy-poll-every} while the channel failed, expired,
 * was stopped or has been silent for {@code push.silent-after}. The renewal itself runs in the account's job, which
 * holds the account's lease and token. Every replica scans; the job table merges their requests. The daily fan-out of
 * the connector runs as well.
 *
 * <p>Gauge {@code <prefix>.push.channels{source,state}} (health states of {@link PushHealth.State}).
 */
@ApplicationScoped
public class PushSafetyNet {

    private static final int BATCH = 500;

    private final PushChannelRepository channels;
    private final PushNotifications notifications;
    private final ClosedAccounts closed;
    private final SyncSettings.Push config;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final String prefix;
    private final Set<Source> sources;
    private volatile Thread thread;
    private volatile boolean stopping;

    public PushSafetyNet(PushChannelRepository channels, PushNotifications notifications, ClosedAccounts closed,
                         SyncServiceDefinition service, MeterRegistry registry) {
        this.channels = channels;
        this.notifications = notifications;
        this.closed = closed;
        this.config = service.settings().push();
        this.registry = registry;
        this.prefix = service.metricPrefix();
        this.sources = service.defaultSources();
        for (Source source : sources) {
            for (PushHealth.State state : PushHealth.State.values()) {
                gauge(source, state);
            }
        }
    }

    /** Its own virtual thread, like the worker pool: the interval is the service's setting. */
    void onStart(@Observes StartupEvent event) {
        thread = Thread.ofVirtual().name(prefix + "-push-safety-net").start(this::loop);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    private void loop() {
        try {
            while (!stopping) {
                Thread.sleep(config.checkEvery());
                try {
                    scan();
                } catch (RuntimeException e) {
                    Log.warnf("push safety net: scan failed: %s", LogSafe.redact(e.getMessage()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down
        }
    }

    /** One pass: queue the due runs, refresh the gauge. Returns how many runs were queued. */
    public int scan() {
        List<PushChannelRepository.Due> due = channels.due(config.pollEvery(), config.unhealthyPollEvery(),
                config.silentAfter(), BATCH);
        int queued = 0;
        for (PushChannelRepository.Due d : due) {
            if (closed.isClosed(d.accountId())) {
                continue;
            }
            notifications.requestRun(d.accountId(), EnumSet.of(d.source()), SyncRequest.Reason.SCHEDULE);
            queued++;
        }
        if (queued > 0) {
            Log.debugf("push safety net: %d runs queued (%d renewals)", queued,
                    due.stream().filter(PushChannelRepository.Due::renewal).count());
        }
        refreshGauge();
        return queued;
    }

    private void refreshGauge() {
        gauges.values().forEach(g -> g.set(0));
        for (PushChannelRepository.HealthCount c : channels.healthCounts(config.silentAfter())) {
            gauge(c.source(), c.state()).set(c.channels());
        }
    }

    private AtomicLong gauge(Source source, PushHealth.State state) {
        String key = source.wireName() + "/" + state;
        return gauges.computeIfAbsent(key, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(prefix + ".push.channels", value, AtomicLong::get)
                    .description("Push channels by source and health")
                    .tag("source", source.wireName()).tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
            return value;
        });
    }
}

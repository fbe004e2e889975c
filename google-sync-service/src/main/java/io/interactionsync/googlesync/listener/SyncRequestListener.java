package io.interactionsync.googlesync.listener;

import io.interactionsync.googlesync.repository.SyncJobRepository;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code sync-requests} (group {@code google-sync-service}): a Google request becomes (or joins) the
 * account's job in {@code google_sync.sync_jobs} and is acked once that row is committed. The sync itself runs
 * on the worker pool, so a long backfill never holds up the consumer.
 */
@ApplicationScoped
public class SyncRequestListener {

    public static final String CHANNEL = Topics.SYNC_REQUESTS;

    private final SyncJobRepository jobs;

    public SyncRequestListener(SyncJobRepository jobs) {
        this.jobs = jobs;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onSyncRequest(SyncRequest request) {
        if (request == null || request.accountId() == null || request.accountId().isBlank()) {
            Log.warnf("ignoring an unreadable sync request");
            return;
        }
        if (request.provider() != Provider.GOOGLE) {
            return;
        }
        Set<Source> sources = EnumSet.noneOf(Source.class);
        if (request.sources() == null || request.sources().isEmpty()) {
            sources.add(Source.GMAIL);
            sources.add(Source.GOOGLE_CALENDAR);
        } else {
            request.sources().stream().filter(s -> s != null && s.provider() == Provider.GOOGLE).forEach(sources::add);
        }
        if (sources.isEmpty()) {
            return;
        }
        jobs.enqueue(request, sources);
        Log.infof("sync request queued for account %s: %s, sources %s", request.accountId(), request.mode(), sources);
    }
}

package io.interactionsync.sync.jobs;

import io.interactionsync.sync.SyncServiceDefinition;
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
 * Consumes {@code sync-requests} (each service in its own consumer group): a request for the service's provider
 * becomes (or joins) the account's job in {@code <schema>.sync_jobs} and is acked once that row is committed. The
 * sync itself runs on the worker pool, so a long backfill never holds up the consumer.
 */
@ApplicationScoped
public class SyncRequestListener {

    public static final String CHANNEL = Topics.SYNC_REQUESTS;

    private final SyncJobRepository jobs;
    private final ClosedAccounts closed;
    private final Provider provider;
    private final Set<Source> defaultSources;

    public SyncRequestListener(SyncJobRepository jobs, ClosedAccounts closed, SyncServiceDefinition service) {
        this.jobs = jobs;
        this.closed = closed;
        this.provider = service.provider();
        this.defaultSources = Set.copyOf(service.defaultSources());
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onSyncRequest(SyncRequest request) {
        if (request == null || request.accountId() == null || request.accountId().isBlank()) {
            Log.warnf("ignoring an unreadable sync request");
            return;
        }
        if (request.provider() != provider) {
            return;
        }
        Set<Source> sources = EnumSet.noneOf(Source.class);
        if (request.sources() == null || request.sources().isEmpty()) {
            sources.addAll(defaultSources);
        } else {
            request.sources().stream().filter(s -> s != null && s.provider() == provider).forEach(sources::add);
        }
        if (sources.isEmpty()) {
            return;
        }
        if (closed.isClosed(request.accountId())) {
            Log.infof("sync request for disconnected account %s ignored", request.accountId());
            return;
        }
        jobs.enqueue(request, sources);
        Log.infof("sync request queued for account %s: %s, sources %s%s", request.accountId(), request.mode(), sources,
                request.auditRequested() ? ", with a completeness audit" : "");
    }
}

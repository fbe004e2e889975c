package io.interactionsync.connector.service;

import io.interactionsync.connector.Account;
import io.interactionsync.connector.repository.AccountRepository;
import io.interactionsync.connector.repository.FanOutRunRepository;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The daily fan-out: one {@code sync-requests} record (reason {@code schedule}) per active account with at
 * least one enabled source, queued through the outbox. Each cron slot is claimed in PostgreSQL first, so with several replicas exactly one
 * of them runs it.
 */
@ApplicationScoped
public class SyncFanOutService {

    private final AccountRepository accounts;
    private final FanOutRunRepository runs;
    private final SourcePolicy sourcePolicy;
    private final EventPublisher publisher;
    private final Clock clock;

    public SyncFanOutService(AccountRepository accounts, FanOutRunRepository runs, SourcePolicy sourcePolicy,
                             EventPublisher publisher, Clock clock) {
        this.accounts = accounts;
        this.runs = runs;
        this.sourcePolicy = sourcePolicy;
        this.publisher = publisher;
        this.clock = clock;
    }

    /**
     * Runs the slot unless another replica (or an earlier call) claimed it; returns the number of requests queued. The
     * claim and the requests are one transaction (outbox): a crash either leaves the slot unclaimed or every request
     * queued for the relay.
     */
    public int fanOut(Instant slot) {
        Instant now = clock.instant();
        Integer queued = QuarkusTransaction.requiringNew().call(() -> {
            if (!runs.claim(slot, now)) {
                return null;
            }
            int n = 0;
            for (Account a : accounts.listActive()) {
                List<Source> sources = sourcePolicy.enabledSources(a);
                if (!sources.isEmpty()) {
                    publisher.publish(SyncRequest.of(a.id.toString(), a.provider, sources, SyncRequest.Mode.AUTO,
                            SyncRequest.Reason.SCHEDULE, now));
                    n++;
                }
            }
            runs.recordRequests(slot, n);
            return n;
        });
        if (queued == null) {
            Log.infof("sync fan-out for %s already claimed; skipping", slot);
            return -1;
        }
        Log.infof("sync fan-out for %s queued %d requests", slot, queued);
        return queued;
    }
}

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
 * least one enabled source. Each cron slot is claimed in PostgreSQL first, so with several replicas exactly one
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

    /** Runs the slot unless another replica (or an earlier call) claimed it; returns the number of requests sent. */
    public int fanOut(Instant slot) {
        Instant now = clock.instant();
        List<Account> eligible = QuarkusTransaction.requiringNew().call(() -> runs.claim(slot, now)
                ? accounts.listActive() : null);
        if (eligible == null) {
            Log.infof("sync fan-out for %s already claimed; skipping", slot);
            return -1;
        }
        int sent = 0;
        for (Account a : eligible) {
            List<Source> sources = sourcePolicy.enabledSources(a);
            if (sources.isEmpty()) {
                continue;
            }
            try {
                publisher.publish(SyncRequest.of(a.id.toString(), a.provider, sources, SyncRequest.Mode.AUTO,
                        SyncRequest.Reason.SCHEDULE, now));
                sent++;
            } catch (RuntimeException e) {
                Log.errorf("scheduled sync request for account %s failed (%s)", a.id, e.getClass().getSimpleName());
            }
        }
        int total = sent;
        QuarkusTransaction.requiringNew().run(() -> runs.recordRequests(slot, total));
        Log.infof("sync fan-out for %s sent %d requests", slot, sent);
        return sent;
    }
}

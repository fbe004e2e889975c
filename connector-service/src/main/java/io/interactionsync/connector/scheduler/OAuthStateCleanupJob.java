package io.interactionsync.connector.scheduler;

import io.interactionsync.connector.repository.OAuthStateRepository;
import io.interactionsync.connector.repository.RateLimitRepository;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;

/**
 * Deletes OAuth states a day after they expired (they are useless then, and hold sealed PKCE verifiers), and
 * per-user rate-limit counters idle for a day.
 */
@ApplicationScoped
public class OAuthStateCleanupJob {

    private final OAuthStateRepository states;
    private final RateLimitRepository rateLimits;
    private final Clock clock;

    public OAuthStateCleanupJob(OAuthStateRepository states, RateLimitRepository rateLimits, Clock clock) {
        this.states = states;
        this.rateLimits = rateLimits;
        this.clock = clock;
    }

    @Scheduled(identity = "oauth-state-cleanup", every = "1h", delayed = "5m")
    @Transactional
    void run() {
        long deleted = states.deleteExpiredBefore(clock.instant().minus(Duration.ofDays(1)));
        if (deleted > 0) {
            Log.infof("deleted %d expired OAuth states", deleted);
        }
        rateLimits.deleteIdle();
    }
}

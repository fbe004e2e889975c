package io.interactionsync.connector.scheduler;

import io.interactionsync.connector.repository.OAuthStateRepository;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;

/** Deletes OAuth states a day after they expired (they are useless then, and hold sealed PKCE verifiers). */
@ApplicationScoped
public class OAuthStateCleanupJob {

    private final OAuthStateRepository states;
    private final Clock clock;

    public OAuthStateCleanupJob(OAuthStateRepository states, Clock clock) {
        this.states = states;
        this.clock = clock;
    }

    @Scheduled(identity = "oauth-state-cleanup", every = "1h", delayed = "5m")
    @Transactional
    void run() {
        long deleted = states.deleteExpiredBefore(clock.instant().minus(Duration.ofDays(1)));
        if (deleted > 0) {
            Log.infof("deleted %d expired OAuth states", deleted);
        }
    }
}

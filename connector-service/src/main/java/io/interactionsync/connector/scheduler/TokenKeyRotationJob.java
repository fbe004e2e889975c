package io.interactionsync.connector.scheduler;

import io.interactionsync.connector.service.TokenKeyRotationService;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/** Re-seals tokens written under a retired key ({@code connector.token-encryption.reencrypt-every}, default 1h). */
@ApplicationScoped
public class TokenKeyRotationJob {

    private final TokenKeyRotationService rotation;

    public TokenKeyRotationJob(TokenKeyRotationService rotation) {
        this.rotation = rotation;
    }

    @Scheduled(identity = "token-reencryption", every = "${connector.token-encryption.reencrypt-every:1h}",
            delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        rotation.reencryptAll();
    }
}

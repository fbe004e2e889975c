package io.interactionsync.sync.audit;

import io.interactionsync.model.Source;
import io.interactionsync.sync.JobControl;
import io.interactionsync.sync.RetryLaterException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Asks the normalizer which published records it has not processed yet, in batches, and waits a while for records
 * that are merely still in flight (consumer lag) before calling them missing.
 */
@ApplicationScoped
public class IngestedClient {

    /** Ids per call (the normalizer's limit). */
    public static final int BATCH = 5_000;
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(15);

    private final NormalizerRestClient normalizer;

    public IngestedClient(@RestClient NormalizerRestClient normalizer) {
        this.normalizer = normalizer;
    }

    /** The ids of {@code accountId} × {@code source} the normalizer never processed. */
    public Set<String> notIngested(String accountId, Source source, Collection<String> ids) {
        Set<String> missing = new LinkedHashSet<>();
        List<String> batch = new ArrayList<>(Math.min(ids.size(), BATCH));
        for (String id : ids) {
            batch.add(id);
            if (batch.size() == BATCH) {
                missing.addAll(ask(accountId, source, batch));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            missing.addAll(ask(accountId, source, batch));
        }
        return missing;
    }

    /**
     * Like {@link #notIngested}, asking again for the remainder with growing pauses until none is left or
     * {@code maxWait} passed: what is still missing then was lost on the way, not merely late.
     */
    public Set<String> awaitIngested(String accountId, Source source, Collection<String> ids, Duration maxWait,
                                     JobControl control) throws InterruptedException {
        Instant deadline = Instant.now().plus(maxWait);
        Set<String> missing = notIngested(accountId, source, ids);
        Duration pause = FIRST_PAUSE;
        while (!missing.isEmpty() && Instant.now().plus(pause).isBefore(deadline) && !control.stopRequested()) {
            Log.debugf("audit of %s: %d records not processed by the normalizer yet, asking again in %s",
                    source.wireName(), missing.size(), pause);
            Thread.sleep(pause.toMillis());
            if (!control.renewLease()) {
                break;
            }
            missing = notIngested(accountId, source, new HashSet<>(missing));
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
        return missing;
    }

    private List<String> ask(String accountId, Source source, List<String> ids) {
        try {
            NormalizerRestClient.IngestedResponse response = normalizer.ingested(accountId,
                    new NormalizerRestClient.IngestedRequest(source.wireName(), List.copyOf(ids)));
            return response.missing() == null ? List.of() : response.missing();
        } catch (RuntimeException e) {
            throw new RetryLaterException("the normalizer could not say which records it processed ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", Instant.now().plusSeconds(60), e);
        }
    }
}

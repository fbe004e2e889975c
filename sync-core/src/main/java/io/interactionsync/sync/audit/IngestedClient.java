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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Asks the normalizer which published records it has not processed yet, in batches, and waits a while for records
 * that are merely still in flight (consumer lag) before calling them missing. Records the normalizer dead-lettered
 * are told apart: they arrived, and re-publishing them would only dead-letter them again.
 */
@ApplicationScoped
public class IngestedClient {

    /** Ids per call (the normalizer's limit). */
    public static final int BATCH = 5_000;
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(15);
    /** The longest an audit waits for a normalizer that is still making progress. */
    static final Duration PROGRESS_CAP = Duration.ofMinutes(30);

    /**
     * What the normalizer did not process of the ids asked about.
     *
     * @param missing      never seen by the normalizer (lost on the way, or still in flight)
     * @param deadLettered dead-lettered by the normalizer and not processed since: id → {@code "code: reason"}
     */
    public record Ingestion(Set<String> missing, Map<String, String> deadLettered) {

        public static final Ingestion COMPLETE = new Ingestion(Set.of(), Map.of());

        public Ingestion {
            missing = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(missing));
            deadLettered = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(deadLettered));
        }

        /** Both answers together (the ids of several accounts). */
        public Ingestion plus(Ingestion other) {
            Set<String> m = new LinkedHashSet<>(missing);
            m.addAll(other.missing());
            Map<String, String> d = new LinkedHashMap<>(deadLettered);
            d.putAll(other.deadLettered());
            return new Ingestion(m, d);
        }
    }

    private final NormalizerRestClient normalizer;

    public IngestedClient(@RestClient NormalizerRestClient normalizer) {
        this.normalizer = normalizer;
    }

    /** The ids of {@code accountId} × {@code source} the normalizer never processed: never seen, or dead-lettered. */
    public Ingestion notIngested(String accountId, Source source, Collection<String> ids) {
        Set<String> missing = new LinkedHashSet<>();
        Map<String, String> deadLettered = new LinkedHashMap<>();
        List<String> batch = new ArrayList<>(Math.min(ids.size(), BATCH));
        for (String id : ids) {
            batch.add(id);
            if (batch.size() == BATCH) {
                ask(accountId, source, batch, missing, deadLettered);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            ask(accountId, source, batch, missing, deadLettered);
        }
        return new Ingestion(missing, deadLettered);
    }

    /**
     * Like {@link #notIngested}, asking again for the missing remainder with growing pauses until none is left or
     * {@code maxWait} passed: what is still missing then was lost on the way, not merely late. Dead-lettered ids are
     * not asked about again: the normalizer has seen them.
     */
    public Ingestion awaitIngested(String accountId, Source source, Collection<String> ids, Duration maxWait,
                                   JobControl control) throws InterruptedException {
        // maxWait is the patience without progress: a normalizer working through a backlog (the backfill just
        // published) keeps the wait going as long as records keep arriving, up to PROGRESS_CAP in all.
        Instant started = Instant.now();
        Instant deadline = started.plus(maxWait);
        Ingestion result = notIngested(accountId, source, ids);
        Duration pause = FIRST_PAUSE;
        while (!result.missing().isEmpty() && Instant.now().plus(pause).isBefore(deadline) && !control.stopRequested()) {
            Log.debugf("audit of %s: %d records not processed by the normalizer yet, asking again in %s",
                    source.wireName(), result.missing().size(), pause);
            Thread.sleep(pause.toMillis());
            if (!control.renewLease()) {
                break;
            }
            Ingestion again = notIngested(accountId, source, result.missing());
            // what arrived meanwhile drops out of missing; what arrived only to be dead-lettered moves over
            Map<String, String> deadLettered = new LinkedHashMap<>(result.deadLettered());
            deadLettered.putAll(again.deadLettered());
            if (again.missing().size() < result.missing().size()) {
                Instant extended = Instant.now().plus(maxWait);
                Instant cap = started.plus(PROGRESS_CAP);
                deadline = extended.isBefore(cap) ? extended : cap;
            }
            result = new Ingestion(again.missing(), deadLettered);
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
        return result;
    }

    private void ask(String accountId, Source source, List<String> ids, Set<String> missing,
                     Map<String, String> deadLettered) {
        NormalizerRestClient.IngestedResponse response;
        try {
            response = normalizer.ingested(accountId,
                    new NormalizerRestClient.IngestedRequest(source.wireName(), List.copyOf(ids)));
        } catch (RuntimeException e) {
            throw new RetryLaterException("the normalizer could not say which records it processed ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", Instant.now().plusSeconds(60), e);
        }
        if (response.missing() != null) {
            missing.addAll(response.missing());
        }
        if (response.deadLettered() != null) {
            for (NormalizerRestClient.DeadLettered d : response.deadLettered()) {
                deadLettered.put(d.remoteId(), d.reason() == null || d.reason().isBlank() ? d.code()
                        : d.code() + ": " + d.reason());
            }
        }
    }
}

package io.interactionsync.relationship.service;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Decay needs no job (applied at read time); meetings that start later do: their ties are recomputed once they have
 * started ({@code ties.next_event_at}), every {@code relationship.promotion.every}.
 */
@ApplicationScoped
public class ScoringJobs {

    private final IngestService ingest;

    public ScoringJobs(IngestService ingest) {
        this.ingest = ingest;
    }

    @Scheduled(every = "${relationship.promotion.every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void promoteStartedMeetings() {
        int n = ingest.promoteDue();
        if (n > 0) {
            Log.debugf("promoted %d ties whose next event has happened", n);
        }
    }
}

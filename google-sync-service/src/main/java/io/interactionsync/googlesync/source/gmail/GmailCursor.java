package io.interactionsync.googlesync.source.gmail;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where the Gmail sync of one account stands (Debezium's "offset context"). Immutable: each step returns
 * the next cursor, which is saved only after Kafka acknowledged the records of that step.
 *
 * <p>Backfill: the labels are listed one after the other ({@link #BACKFILL_LABELS}, separately because
 * {@code labelIds} is an AND); {@code pendingIds} holds the listed ids not yet fetched, so a resume neither
 * skips nor re-lists them. {@code historyId} was read with getProfile before the first list call: the
 * incremental phase starts there, so nothing that arrives during the backfill is missed.
 *
 * @param label        label being listed; null once every label is done
 * @param morePages    whether {@code label} has pages left to list
 * @param pageToken    token of {@code label}'s next page (null = the first page)
 * @param pendingIds   listed ids still to fetch, newest first
 * @param headFailures steps in which the first pending ids (or, incremental, the history page) failed to fetch
 * @param resync       a backfill after an expired historyId: messages already published are not fetched again,
 *                     published ones no longer listed get a delete record
 */
public record GmailCursor(
        Phase phase,
        String syncRunId,
        Instant horizon,
        String historyId,
        String label,
        boolean morePages,
        String pageToken,
        List<String> pendingIds,
        int headFailures,
        Long estimatedTotal,
        long fetched,
        long published,
        long skipped,
        long beyondHorizon,
        Instant startedAt,
        Instant lastSyncedAt,
        boolean resync) {

    /** Listed in this order; SENT skips ids already listed under INBOX. */
    public static final List<String> BACKFILL_LABELS = List.of("INBOX", "SENT");

    public enum Phase {
        BACKFILL, INCREMENTAL;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public GmailCursor {
        pendingIds = List.copyOf(pendingIds);
        // Stored as PostgreSQL timestamptz (microseconds): keep the in-memory cursor equal to the stored one.
        horizon = micros(horizon);
        startedAt = micros(startedAt);
        lastSyncedAt = micros(lastSyncedAt);
    }

    private static Instant micros(Instant i) {
        return i == null ? null : i.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    /** A fresh backfill: nothing read yet, not even the profile. */
    public static GmailCursor startBackfill(Instant horizon, Instant now, Instant lastSyncedAt) {
        return startBackfill(horizon, now, lastSyncedAt, false);
    }

    /** A fresh backfill; {@code resync} after an expired historyId (see {@link #resync()}). */
    public static GmailCursor startBackfill(Instant horizon, Instant now, Instant lastSyncedAt, boolean resync) {
        return new GmailCursor(Phase.BACKFILL, UUID.randomUUID().toString(), horizon, null, BACKFILL_LABELS.getFirst(),
                true, null, List.of(), 0, null, 0, 0, 0, 0, now, lastSyncedAt, resync);
    }

    /**
     * Incremental: one history page was published. With {@code nextPageToken} the same start historyId is kept
     * and the next page follows; without, {@code newHistoryId} (the response's historyId) becomes the start of
     * the next run.
     */
    public GmailCursor afterHistoryPage(String nextPageToken, String newHistoryId, long fetchedDelta,
                                        long publishedDelta, long skippedDelta, Instant syncedAt) {
        boolean more = nextPageToken != null;
        return new GmailCursor(Phase.INCREMENTAL, syncRunId, horizon, more ? historyId : newHistoryId, null, more,
                nextPageToken, List.of(), 0, estimatedTotal, fetched + fetchedDelta, published + publishedDelta,
                skipped + skippedDelta, beyondHorizon, startedAt, more ? lastSyncedAt : syncedAt, false);
    }

    /** Incremental: the history page could not be completed; it is read again later. */
    public GmailCursor withHeadFailures(int failures) {
        return new GmailCursor(phase, syncRunId, horizon, historyId, label, morePages, pageToken, pendingIds, failures,
                estimatedTotal, fetched, published, skipped, beyondHorizon, startedAt, lastSyncedAt, resync);
    }

    public boolean profileRead() {
        return historyId != null;
    }

    public boolean labelsDone() {
        return label == null;
    }

    public GmailCursor withHistoryId(String id) {
        return new GmailCursor(phase, syncRunId, horizon, id, label, morePages, pageToken, pendingIds, headFailures,
                estimatedTotal, fetched, published, skipped, beyondHorizon, startedAt, lastSyncedAt, resync);
    }

    /** After listing a page of {@code label}: its new ids queued, the next token remembered. */
    public GmailCursor afterList(List<String> newIds, String nextPageToken, Long estimateDelta) {
        List<String> queue = new java.util.ArrayList<>(pendingIds);
        queue.addAll(newIds);
        Long estimate = estimateDelta == null ? estimatedTotal
                : (estimatedTotal == null ? 0 : estimatedTotal) + estimateDelta;
        return new GmailCursor(phase, syncRunId, horizon, historyId, label, nextPageToken != null, nextPageToken, queue,
                headFailures, estimate, fetched, published, skipped, beyondHorizon, startedAt, lastSyncedAt, resync);
    }

    /**
     * After a batch of gets: {@code remaining} replaces the queue (failed ids stay at its head), the counters
     * grow; when the horizon was reached no further page of the label is listed (older messages follow, newest
     * first), and the caller passes only the failed ids as {@code remaining}.
     */
    public GmailCursor afterFetch(List<String> remaining, int headFailuresNow, long fetchedDelta, long publishedDelta,
                                  long skippedDelta, long beyondDelta, boolean horizonReached) {
        return new GmailCursor(phase, syncRunId, horizon, historyId, label, morePages && !horizonReached, pageToken,
                remaining, headFailuresNow, estimatedTotal, fetched + fetchedDelta,
                published + publishedDelta, skipped + skippedDelta, beyondHorizon + beyondDelta, startedAt, lastSyncedAt, resync);
    }

    /** The label is exhausted: move to the next one, or mark every label done. */
    public GmailCursor nextLabel() {
        int i = BACKFILL_LABELS.indexOf(label);
        String next = i + 1 < BACKFILL_LABELS.size() ? BACKFILL_LABELS.get(i + 1) : null;
        return new GmailCursor(phase, syncRunId, horizon, historyId, next, next != null, null, List.of(), 0,
                estimatedTotal, fetched, published, skipped, beyondHorizon, startedAt, lastSyncedAt, resync);
    }

    /** The backfill is complete: incremental sync continues from {@link #historyId()}. */
    public GmailCursor toIncremental(Instant syncedAt) {
        return new GmailCursor(Phase.INCREMENTAL, syncRunId, horizon, historyId, null, false, null, List.of(), 0,
                estimatedTotal, fetched, published, skipped, beyondHorizon, startedAt, syncedAt, false);
    }

    /** Rebuilds the cursor from storage (Debezium's offset loader). */
    public interface Loader {
        Optional<GmailCursor> load(String accountId);
    }
}

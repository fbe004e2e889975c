package io.interactionsync.googlesync.source.gmail;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where the Gmail sync of one account stands (Debezium's "offset context"). Immutable: each step returns
 * the next cursor, which is saved only after Kafka acknowledged the records of that step.
 *
 * <p>Backfill: all mail is listed ({@code messages.list} without labelIds: everything but SPAM and TRASH);
 * {@code pendingIds} holds the listed ids not yet fetched, so a resume neither skips nor re-lists them.
 * {@code historyId} was read with getProfile before the first list call: the incremental phase starts there, so
 * nothing that arrives during the backfill is missed.
 *
 * @param listing      what is being listed ({@link #ALL_MAIL}); null once the listing is done. A cursor saved by the
 *                     former label-by-label listing holds INBOX or SENT here: its listing restarts ({@link #legacyListing})
 * @param morePages    whether the listing has pages left
 * @param pageToken    token of the listing's next page (null = the first page)
 * @param pendingIds   listed ids still to fetch, newest first
 * @param headFailures steps in which the first pending ids (or, incremental, the history page) failed to fetch
 * @param estimatedTotal messages the backfill expects: the first page's {@code resultSizeEstimate} (all mail, the
 *                     horizon unknown to Gmail) until nothing is left to list, then {@code fetched} + the queue
 * @param fetched      messages inside the horizon the backfill read: published, or (resync) found unchanged; not
 *                     drafts, chats, messages past the horizon nor ids met twice. Incremental runs leave it as is
 * @param resync       a backfill after an expired historyId: messages published live and still listed are not fetched
 *                     again, live ones no longer listed get a delete record, deleted ones listed again an upsert
 */
public record GmailCursor(
        Phase phase,
        String syncRunId,
        Instant horizon,
        String historyId,
        String listing,
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

    /** The backfill's listing: messages.list without labelIds (all mail but SPAM and TRASH). */
    public static final String ALL_MAIL = "ALL_MAIL";

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
        return new GmailCursor(Phase.BACKFILL, UUID.randomUUID().toString(), horizon, null, ALL_MAIL,
                true, null, List.of(), 0, null, 0, 0, 0, 0, now, lastSyncedAt, resync);
    }

    /**
     * Incremental: one history page was published. With {@code nextPageToken} the same start historyId is kept
     * and the next page follows; without, {@code newHistoryId} (the response's historyId) becomes the start of
     * the next run. {@code fetched} stays the backfill's (the progress shown is the backfill's).
     */
    public GmailCursor afterHistoryPage(String nextPageToken, String newHistoryId, long publishedDelta,
                                        long skippedDelta, Instant syncedAt) {
        boolean more = nextPageToken != null;
        return new GmailCursor(Phase.INCREMENTAL, syncRunId, horizon, more ? historyId : newHistoryId, null, more,
                nextPageToken, List.of(), 0, estimatedTotal, fetched, published + publishedDelta,
                skipped + skippedDelta, beyondHorizon, startedAt, more ? lastSyncedAt : syncedAt, false);
    }

    /** Incremental: the history page could not be completed; it is read again later. */
    public GmailCursor withHeadFailures(int failures) {
        return new GmailCursor(phase, syncRunId, horizon, historyId, listing, morePages, pageToken, pendingIds, failures,
                estimatedTotal, fetched, published, skipped, beyondHorizon, startedAt, lastSyncedAt, resync);
    }

    public boolean profileRead() {
        return historyId != null;
    }

    public boolean listingDone() {
        return listing == null;
    }

    /** Saved mid-backfill by the former label-by-label listing (INBOX, then SENT). */
    public boolean legacyListing() {
        return listing != null && !listing.equals(ALL_MAIL);
    }

    public GmailCursor withHistoryId(String id) {
        return new GmailCursor(phase, syncRunId, horizon, id, listing, morePages, pageToken, pendingIds, headFailures,
                estimatedTotal, fetched, published, skipped, beyondHorizon, startedAt, lastSyncedAt, resync);
    }

    /** After listing a page: its new ids queued, the next token remembered; {@code estimate} (first page) kept. */
    public GmailCursor afterList(List<String> newIds, String nextPageToken, Long estimate) {
        List<String> queue = new java.util.ArrayList<>(pendingIds);
        queue.addAll(newIds);
        boolean more = nextPageToken != null;
        return new GmailCursor(phase, syncRunId, horizon, historyId, listing, more, nextPageToken, queue, headFailures,
                refined(estimate == null ? estimatedTotal : estimate, more, fetched, queue), fetched, published, skipped,
                beyondHorizon, startedAt, lastSyncedAt, resync);
    }

    /**
     * Gmail's estimate counts all mail, also past the horizon: once nothing is left to list (last page, or the
     * horizon reached) the backfill knows better — what it read plus what is queued.
     */
    private static Long refined(Long estimate, boolean morePages, long fetched, List<String> queue) {
        return morePages ? estimate : Long.valueOf(fetched + queue.size());
    }

    /**
     * After a batch of gets: {@code remaining} replaces the queue (failed ids stay at its head), the counters
     * grow; when the horizon was reached no further page is listed (older messages follow, newest
     * first), and the caller passes only the failed ids as {@code remaining}.
     */
    public GmailCursor afterFetch(List<String> remaining, int headFailuresNow, long fetchedDelta, long publishedDelta,
                                  long skippedDelta, long beyondDelta, boolean horizonReached) {
        boolean more = morePages && !horizonReached;
        return new GmailCursor(phase, syncRunId, horizon, historyId, listing, more, pageToken,
                remaining, headFailuresNow, refined(estimatedTotal, more, fetched + fetchedDelta, remaining),
                fetched + fetchedDelta,
                published + publishedDelta, skipped + skippedDelta, beyondHorizon + beyondDelta, startedAt, lastSyncedAt, resync);
    }

    /** Every page is listed and every listed id fetched. */
    public GmailCursor listed() {
        return new GmailCursor(phase, syncRunId, horizon, historyId, null, false, null, List.of(), 0,
                estimatedTotal, fetched, published, skipped, beyondHorizon, startedAt, lastSyncedAt, resync);
    }

    /** The listing starts again from its first page (ids still queued are kept; ids listed before are skipped). */
    public GmailCursor restartListing() {
        return new GmailCursor(phase, syncRunId, horizon, historyId, ALL_MAIL, true, null, pendingIds, headFailures,
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

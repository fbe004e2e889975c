package io.interactionsync.googlesync.source.calendar;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * Where the Google Calendar sync of one account stands ({@code source_cursors}, source {@code google_calendar}).
 * Backfill: the full listing from {@code horizon} (timeMin), page by page; its last page's nextSyncToken makes
 * the cursor incremental. Incremental: listings with {@code syncToken}; while {@code pageToken} is set the same
 * token's later pages follow. Saved only after Kafka acknowledged the records of the page.
 *
 * @param fetched        events the full listing read from the horizon on (published or found unchanged), not
 *                       cancelled ones; incremental runs keep it
 * @param estimatedTotal events expected: the live events published before, during a re-listing; {@code fetched}
 *                       once a listing completed; null when unknowable (a first listing)
 * @param resync         a full listing after a 410: unchanged events are not published again, and published
 *                       events it no longer lists get a delete record at its end
 */
public record CalendarCursor(
        Phase phase,
        String syncRunId,
        Instant horizon,
        String syncToken,
        String pageToken,
        long fetched,
        long published,
        Long estimatedTotal,
        Instant startedAt,
        Instant lastSyncedAt,
        boolean resync) {

    public enum Phase {
        BACKFILL, INCREMENTAL;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public CalendarCursor {
        horizon = micros(horizon);
        startedAt = micros(startedAt);
        lastSyncedAt = micros(lastSyncedAt);
    }

    private static Instant micros(Instant i) {
        return i == null ? null : i.truncatedTo(ChronoUnit.MICROS);
    }

    public static CalendarCursor startBackfill(Instant horizon, Instant now, Instant lastSyncedAt) {
        return startBackfill(horizon, now, lastSyncedAt, false, null);
    }

    public static CalendarCursor startBackfill(Instant horizon, Instant now, Instant lastSyncedAt, boolean resync,
                                               Long estimatedTotal) {
        return new CalendarCursor(Phase.BACKFILL, UUID.randomUUID().toString(), horizon, null, null, 0, 0,
                estimatedTotal, now, lastSyncedAt, resync);
    }

    public boolean morePages() {
        return pageToken != null;
    }

    /**
     * After one page: with {@code nextPageToken} the listing goes on; otherwise {@code nextSyncToken} is stored, the
     * cursor is incremental and expects what it read. {@code live} (the page's events but cancelled ones) count as
     * read in the full listing only.
     */
    public CalendarCursor afterPage(String nextPageToken, String nextSyncToken, long live, long publishedNow,
                                    Instant now) {
        long listed = phase == Phase.BACKFILL ? live : 0;
        if (nextPageToken != null) {
            return new CalendarCursor(phase, syncRunId, horizon, syncToken, nextPageToken, fetched + listed,
                    published + publishedNow, estimatedTotal, startedAt, lastSyncedAt, resync);
        }
        return new CalendarCursor(Phase.INCREMENTAL, syncRunId, horizon, nextSyncToken, null, fetched + listed,
                published + publishedNow, fetched + listed, startedAt, now, false);
    }

    /** Rebuilds the cursor from storage. */
    public interface Loader {
        Optional<CalendarCursor> load(String accountId);
    }
}

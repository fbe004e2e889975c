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
 */
public record CalendarCursor(
        Phase phase,
        String syncRunId,
        Instant horizon,
        String syncToken,
        String pageToken,
        long fetched,
        long published,
        Instant startedAt,
        Instant lastSyncedAt) {

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
        return new CalendarCursor(Phase.BACKFILL, UUID.randomUUID().toString(), horizon, null, null, 0, 0, now,
                lastSyncedAt);
    }

    public boolean morePages() {
        return pageToken != null;
    }

    /**
     * After one page: with {@code nextPageToken} the listing goes on; otherwise {@code nextSyncToken} is stored and
     * the cursor is incremental.
     */
    public CalendarCursor afterPage(String nextPageToken, String nextSyncToken, long count, Instant now) {
        if (nextPageToken != null) {
            return new CalendarCursor(phase, syncRunId, horizon, syncToken, nextPageToken, fetched + count,
                    published + count, startedAt, lastSyncedAt);
        }
        return new CalendarCursor(Phase.INCREMENTAL, syncRunId, horizon, nextSyncToken, null, fetched + count,
                published + count, startedAt, now);
    }

    /** Rebuilds the cursor from storage. */
    public interface Loader {
        Optional<CalendarCursor> load(String accountId);
    }
}

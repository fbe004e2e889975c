package io.interactionsync.microsoftsync.source.calendar;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * calendarView delta of one account ({@code microsoft_sync.calendar_cursors}). The window is fixed inside the
 * links, so it is stored with them; {@code anchoredAt} tells when to re-anchor.
 *
 * @param fetched events in the window the initial round read (published, or unchanged since they were): neither
 *                removed nor cancelled ones. Incremental runs keep it (they count in {@code published} only)
 */
public record CalendarCursor(String syncRunId, Phase phase, Instant windowStart, Instant windowEnd, Instant anchoredAt,
                             String nextLink, String deltaLink, long fetched, long published, Instant startedAt,
                             Instant lastSyncedAt) {

    public enum Phase {
        INITIAL, INCREMENTAL;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static CalendarCursor initial(Instant windowStart, Instant windowEnd, Instant now, Instant previousLastSyncedAt) {
        return new CalendarCursor(UUID.randomUUID().toString(), Phase.INITIAL, micros(windowStart), micros(windowEnd),
                micros(now), null, null, 0, 0, micros(now), previousLastSyncedAt);
    }

    public String link() {
        if (nextLink != null) {
            return nextLink;
        }
        return phase == Phase.INCREMENTAL ? deltaLink : null;
    }

    public CalendarCursor newRun() {
        return new CalendarCursor(UUID.randomUUID().toString(), phase, windowStart, windowEnd, anchoredAt, nextLink, deltaLink,
                fetched, 0, micros(Instant.now()), lastSyncedAt);
    }

    /** After a page; {@code live} (events in the window, neither removed nor cancelled) count only in the initial round. */
    public CalendarCursor afterPage(String newNextLink, String newDeltaLink, int live, int publishedNow, Instant now) {
        int read = phase == Phase.INITIAL ? live : 0;
        if (newNextLink != null) {
            return new CalendarCursor(syncRunId, phase, windowStart, windowEnd, anchoredAt, newNextLink, deltaLink,
                    fetched + read, published + publishedNow, startedAt, lastSyncedAt);
        }
        return new CalendarCursor(syncRunId, Phase.INCREMENTAL, windowStart, windowEnd, anchoredAt, null, newDeltaLink,
                fetched + read, published + publishedNow, startedAt, micros(now));
    }

    /** PostgreSQL keeps microseconds: a cursor equals itself after a save and a load. */
    static Instant micros(Instant i) {
        return i == null ? null : i.truncatedTo(ChronoUnit.MICROS);
    }
}

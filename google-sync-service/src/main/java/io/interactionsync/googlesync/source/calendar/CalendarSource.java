package io.interactionsync.googlesync.source.calendar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.Events;
import io.interactionsync.googlesync.client.calendar.CalendarGateway;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.googlesync.publish.RawRecordPublisher;
import io.interactionsync.googlesync.publish.StatusReporter;
import io.interactionsync.googlesync.repository.CalendarCursorRepository;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Google Calendar, primary calendar: the full listing ({@code events.list} singleEvents, showDeleted, timeMin =
 * horizon, no orderBy, maxResults 2500) page by page, its last page's {@code nextSyncToken} stored; then
 * listings with {@code syncToken}. Each page: cancelled events → {@code delete} records (payload as returned),
 * others → {@code upsert}; the cursor is saved after Kafka's acks. A 410 is left to the caller
 * ({@link CalendarGateway.SyncTokenExpiredException}), which drops the token and lists everything again.
 */
@ApplicationScoped
public class CalendarSource {

    private final CalendarCursorRepository cursors;
    private final RawRecordPublisher publisher;
    private final SyncMetrics metrics;
    private final GoogleSyncConfig config;
    private final Clock clock = Clock.systemUTC();

    public CalendarSource(CalendarCursorRepository cursors, RawRecordPublisher publisher, SyncMetrics metrics,
                          GoogleSyncConfig config) {
        this.cursors = cursors;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
    }

    /** A new full listing (no cursor, mode full, or after a 410), saved before the first page. */
    public CalendarCursor start(String accountId, Instant previousLastSyncedAt) {
        Instant now = clock.instant();
        Instant horizon = now.atOffset(ZoneOffset.UTC).minusMonths(config.backfillMonths()).toInstant();
        CalendarCursor cursor = CalendarCursor.startBackfill(horizon, now, previousLastSyncedAt);
        cursors.save(accountId, cursor);
        return cursor;
    }

    /** One page; returns the saved next cursor. */
    public CalendarCursor step(CalendarGateway calendar, Account account, CalendarCursor cursor, StatusReporter status)
            throws InterruptedException {
        long started = System.nanoTime();
        Events page = cursor.phase() == CalendarCursor.Phase.BACKFILL
                ? calendar.listFrom(cursor.horizon(), cursor.pageToken())
                : calendar.listChanges(cursor.syncToken(), cursor.pageToken());
        Instant observedAt = clock.instant();
        List<RawRecord> records = new ArrayList<>();
        if (page.getItems() != null) {
            for (Event e : page.getItems()) {
                if (e.getId() == null) {
                    continue;
                }
                RawRecord.Op op = "cancelled".equals(e.getStatus()) ? RawRecord.Op.DELETE : RawRecord.Op.UPSERT;
                records.add(new RawRecord(RawRecord.SCHEMA_VERSION, Source.GOOGLE_CALENDAR, op, account.accountId(),
                        account.userId(), account.email(), false, e.getId(), observedAt, cursor.syncRunId(),
                        payload(calendar, e)));
            }
        }
        if (page.getNextPageToken() == null && page.getNextSyncToken() == null) {
            throw new io.interactionsync.googlesync.source.SourceFailedException(
                    "Calendar events.list returned neither nextPageToken nor nextSyncToken");
        }
        publisher.publishAndAwait(records);
        metrics.published(Source.GOOGLE_CALENDAR, records.size());
        CalendarCursor next = cursor.afterPage(page.getNextPageToken(), page.getNextSyncToken(), records.size(),
                clock.instant());
        cursors.save(account.accountId(), next);
        metrics.step(Source.GOOGLE_CALENDAR, cursor.phase().wire(), Duration.ofNanos(System.nanoTime() - started));
        status.progress(next.fetched(), null, next.lastSyncedAt());
        return next;
    }

    private static JsonNode payload(CalendarGateway calendar, Event e) {
        try {
            return Json.mapper().readTree(calendar.serialize(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("Calendar event " + e.getId() + " is not valid JSON", ex);
        }
    }

    /** Who the calendar belongs to. */
    public record Account(String accountId, String userId, String email) {
    }
}

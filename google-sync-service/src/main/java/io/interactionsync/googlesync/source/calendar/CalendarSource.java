package io.interactionsync.googlesync.source.calendar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.Events;
import io.interactionsync.googlesync.client.calendar.CalendarGateway;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.sync.publish.RawRecordPublisher;
import io.interactionsync.sync.publish.StatusReporter;
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
import java.util.Map;
import java.util.Set;

/**
 * Google Calendar, primary calendar: the full listing ({@code events.list} singleEvents, showDeleted, timeMin =
 * horizon, no orderBy, maxResults 2500) page by page, its last page's {@code nextSyncToken} stored; then
 * listings with {@code syncToken}. Each page: cancelled events → {@code delete} records (payload as returned),
 * others → {@code upsert}; the cursor is saved after Kafka's acks, in the same transaction as the published
 * events ({@code calendar_published_events}: id, etag, updated, end). A 410 is left to the caller
 * ({@link CalendarGateway.SyncTokenExpiredException}), which drops the token and lists everything again as a
 * <em>resync</em>: events whose etag (or, without one, {@code updated}) is unchanged are not published again,
 * cancelled events never published are skipped. At the end of every full listing, published events it did not
 * list (and that do not merely end before the horizon) get a {@code delete} record: they vanished meanwhile.
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

    /** A new full listing (no cursor, or mode full), saved before the first page. */
    public CalendarCursor start(String accountId, Instant previousLastSyncedAt) {
        return start(accountId, previousLastSyncedAt, false);
    }

    /**
     * A new full listing, saved before the first page; {@code resync} after a 410 (unchanged events are not
     * published again). The events published by the previous listing are its estimated total.
     */
    public CalendarCursor start(String accountId, Instant previousLastSyncedAt, boolean resync) {
        Instant now = clock.instant();
        Instant horizon = now.atOffset(ZoneOffset.UTC).minusMonths(config.backfillMonths()).toInstant();
        long known = cursors.publishedCount(accountId);
        CalendarCursor cursor = CalendarCursor.startBackfill(horizon, now, previousLastSyncedAt, resync,
                known > 0 ? known : null);
        cursors.save(accountId, cursor);
        return cursor;
    }

    /** One page; returns the saved next cursor. */
    public CalendarCursor step(CalendarGateway calendar, Account account, CalendarCursor cursor, StatusReporter status)
            throws InterruptedException {
        long started = System.nanoTime();
        boolean fullListing = cursor.phase() == CalendarCursor.Phase.BACKFILL;
        Events page = fullListing
                ? calendar.listFrom(cursor.horizon(), cursor.pageToken())
                : calendar.listChanges(cursor.syncToken(), cursor.pageToken());
        if (page.getNextPageToken() == null && page.getNextSyncToken() == null) {
            throw new io.interactionsync.sync.SourceFailedException(
                    "Calendar events.list returned neither nextPageToken nor nextSyncToken");
        }
        List<Event> items = page.getItems() == null ? List.of()
                : page.getItems().stream().filter(e -> e.getId() != null).toList();
        Map<String, String[]> known = cursor.resync()
                ? cursors.published(account.accountId(), items.stream().map(Event::getId).toList()) : Map.of();
        Instant observedAt = clock.instant();
        List<RawRecord> records = new ArrayList<>();
        List<CalendarCursorRepository.ListedEvent> listed = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        long unchanged = 0;
        for (Event e : items) {
            if ("cancelled".equals(e.getStatus())) {
                if (cursor.resync() && !known.containsKey(e.getId())) {
                    unchanged++; // never published, or its delete already was
                    continue;
                }
                records.add(record(calendar, account, cursor, RawRecord.Op.DELETE, e, observedAt));
                deleted.add(e.getId());
                continue;
            }
            String updated = updated(e);
            listed.add(listed(e));
            String[] before = known.get(e.getId());
            boolean same = unchanged(e.getEtag(), updated, before);
            if (same) {
                unchanged++;
            } else {
                records.add(record(calendar, account, cursor, RawRecord.Op.UPSERT, e, observedAt));
            }
        }
        boolean lastPage = page.getNextPageToken() == null;
        if (fullListing && lastPage) {
            // Listed ids of this page count as listed by this run before the vanished ones are looked up.
            Set<String> onThisPage = listed.stream().map(CalendarCursorRepository.ListedEvent::id)
                    .collect(java.util.stream.Collectors.toSet());
            for (String id : cursors.vanished(account.accountId(), cursor.syncRunId(), cursor.horizon())) {
                if (!onThisPage.contains(id) && !deleted.contains(id)) {
                    records.add(record(calendar, account, cursor, RawRecord.Op.DELETE, vanished(id), observedAt));
                    deleted.add(id);
                }
            }
        }
        publisher.publishAndAwait(records);
        metrics.published(Source.GOOGLE_CALENDAR, records.size());
        if (unchanged > 0) {
            metrics.skipped(Source.GOOGLE_CALENDAR, "unchanged", (int) unchanged);
        }
        CalendarCursor next = cursor.afterPage(page.getNextPageToken(), page.getNextSyncToken(), listed.size(),
                records.size(), clock.instant());
        cursors.saveAfterPage(account.accountId(), next, listed, cursor.syncRunId(), deleted);
        metrics.step(Source.GOOGLE_CALENDAR, cursor.phase().wire(), Duration.ofNanos(System.nanoTime() - started));
        status.progress(next.fetched(), next.estimatedTotal(), next.lastSyncedAt());
        return next;
    }

    private static RawRecord record(CalendarGateway calendar, Account account, CalendarCursor cursor, RawRecord.Op op,
                                    Event e, Instant observedAt) {
        return record(calendar, account, cursor.syncRunId(), op, e, observedAt);
    }

    /** A record whose payload is the event exactly as the API returned it. */
    static RawRecord record(CalendarGateway calendar, Account account, String syncRunId, RawRecord.Op op, Event e,
                            Instant observedAt) {
        return new RawRecord(RawRecord.SCHEMA_VERSION, Source.GOOGLE_CALENDAR, op, account.accountId(),
                account.userId(), account.email(), false, e.getId(), observedAt, syncRunId, payload(calendar, e));
    }

    /** The delete of an event that vanished without a cancelled entry: the minimal form Google uses for deletions. */
    static Event vanished(String id) {
        Event gone = new Event().setId(id).setStatus("cancelled");
        gone.set("kind", "calendar#event");
        return gone;
    }

    /** What {@code calendar_published_events} remembers of a live event. */
    static CalendarCursorRepository.ListedEvent listed(Event e) {
        return new CalendarCursorRepository.ListedEvent(e.getId(), e.getEtag(), updated(e), end(e));
    }

    /** Whether a listed version ({@code etag}, else {@code updated}) is the published one ({@code [etag, updated]}). */
    static boolean unchanged(String etag, String updated, String[] published) {
        return published != null && (etag != null ? etag.equals(published[0])
                : updated != null && updated.equals(published[1]));
    }

    static String updated(Event e) {
        return e.getUpdated() == null ? null : e.getUpdated().toStringRfc3339();
    }

    /** When the event ends (an all-day event: its end date at 00:00 UTC); null if it has no end. */
    static Instant end(Event e) {
        if (e.getEnd() == null) {
            return null;
        }
        com.google.api.client.util.DateTime t = e.getEnd().getDateTime() != null ? e.getEnd().getDateTime()
                : e.getEnd().getDate();
        return t == null ? null : Instant.ofEpochMilli(t.getValue());
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

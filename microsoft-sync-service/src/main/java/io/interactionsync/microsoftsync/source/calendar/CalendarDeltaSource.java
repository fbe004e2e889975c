package io.interactionsync.microsoftsync.source.calendar;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.sync.publish.RawRecordPublisher;
import io.interactionsync.microsoftsync.repository.CalendarRepository;
import io.interactionsync.sync.SourceFailedException;
import io.interactionsync.microsoftsync.source.mail.MailDeltaSource;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Outlook calendar via {@code calendarView/delta} (window now − 24 months … now + 12 months, UTC times, no $select),
 * one page per step. Events → {@code upsert} unless an identical payload was already published (a re-anchored
 * round republishes only what changed); {@code isCancelled} → {@code delete}; {@code @removed} → {@code delete} only
 * for events published before (removals outside the window are ignored). The cursor and the published-event
 * hashes are saved together after Kafka's acks.
 */
@ApplicationScoped
public class CalendarDeltaSource {

    private final CalendarRepository repository;
    private final RawRecordPublisher publisher;
    private final SyncMetrics metrics;
    private final MicrosoftSyncConfig config;
    private final Clock clock = Clock.systemUTC();

    public CalendarDeltaSource(CalendarRepository repository, RawRecordPublisher publisher, SyncMetrics metrics,
                               MicrosoftSyncConfig config) {
        this.repository = repository;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
    }

    /** A new initial round anchored now (first sync, mode full, 410, or re-anchoring). Not saved until its first page. */
    public CalendarCursor start(Instant previousLastSyncedAt) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant start = now.atOffset(ZoneOffset.UTC).minusMonths(config.calendar().monthsBack()).toInstant();
        Instant end = now.atOffset(ZoneOffset.UTC).plusMonths(config.calendar().monthsAhead()).toInstant();
        return CalendarCursor.initial(start, end, now, previousLastSyncedAt);
    }

    /** True when the window was anchored long enough ago that its end must be moved forward. */
    public boolean dueForReanchor(CalendarCursor cursor) {
        return cursor.anchoredAt().plus(config.calendar().reanchorAfter()).isBefore(clock.instant());
    }

    public CalendarCursor step(GraphGateway graph, MailDeltaSource.Target target, CalendarCursor cursor)
            throws InterruptedException {
        long started = System.nanoTime();
        JsonNode page = graph.calendarDelta(cursor.windowStart(), cursor.windowEnd(), cursor.link());
        String nextLink = text(page, "@odata.nextLink");
        String deltaLink = text(page, "@odata.deltaLink");
        if (nextLink == null && deltaLink == null) {
            throw new SourceFailedException("Graph calendarView delta answered neither @odata.nextLink nor @odata.deltaLink");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode item : page.path("value")) {
            String id = text(item, "id");
            if (id != null) {
                ids.add(id);
            }
        }
        Map<String, String> known = repository.hashes(target.accountId(), ids);
        Instant observedAt = clock.instant();
        List<RawRecord> records = new ArrayList<>();
        Map<String, CalendarRepository.PublishedEvent> upserted = new HashMap<>();
        List<String> deleted = new ArrayList<>();
        int read = 0;
        for (JsonNode item : page.path("value")) {
            String id = text(item, "id");
            if (id == null) {
                continue;
            }
            RawRecord.Op op;
            if (item.has("@removed")) {
                if (!known.containsKey(id)) {
                    continue; // never published (outside the window): nothing to delete
                }
                op = RawRecord.Op.DELETE;
                deleted.add(id);
            } else {
                String hash = hash(item);
                boolean cancelled = item.path("isCancelled").asBoolean(false);
                if (!cancelled) {
                    read++;
                }
                if (hash.equals(known.get(id))) {
                    continue; // unchanged since it was published (re-anchored or restarted round)
                }
                op = cancelled ? RawRecord.Op.DELETE : RawRecord.Op.UPSERT;
                upserted.put(id, published(item, hash));
            }
            records.add(new RawRecord(RawRecord.SCHEMA_VERSION, Source.OUTLOOK_CALENDAR, op, target.accountId(),
                    target.userId(), target.mailbox(), false, id, observedAt, cursor.syncRunId(), item));
        }
        publisher.publishAndAwait(records);
        metrics.published(Source.OUTLOOK_CALENDAR, false, records.size());
        CalendarCursor next = cursor.afterPage(nextLink, deltaLink, read, records.size(), clock.instant());
        repository.save(target.accountId(), next, upserted, deleted);
        metrics.step(Source.OUTLOOK_CALENDAR, cursor.phase().wire(), Duration.ofNanos(System.nanoTime() - started));
        return next;
    }

    /** What the repository keeps of a published event (its changeKey, cancellation and times for the audit). */
    static CalendarRepository.PublishedEvent published(JsonNode item, String hash) {
        return new CalendarRepository.PublishedEvent(hash, text(item, "changeKey"), item.path("isCancelled").asBoolean(false),
                utc(item.path("start")), utc(item.path("end")));
    }

    /** A Graph dateTimeTimeZone read in UTC ({@code Prefer: outlook.timezone="UTC"}); null when absent or unreadable. */
    static Instant utc(JsonNode time) {
        String at = time.path("dateTime").asText(null);
        if (at == null) {
            return null;
        }
        try {
            java.time.ZoneId zone = java.time.ZoneId.of(time.path("timeZone").asText("UTC"));
            return java.time.LocalDateTime.parse(at).atZone(zone).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String hash(JsonNode item) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(item.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}

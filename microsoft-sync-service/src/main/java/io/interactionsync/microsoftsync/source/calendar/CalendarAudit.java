package io.interactionsync.microsoftsync.source.calendar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.microsoftsync.graph.GraphCallException;
import io.interactionsync.microsoftsync.graph.GraphGateway;
import io.interactionsync.microsoftsync.metrics.SyncMetrics;
import io.interactionsync.microsoftsync.repository.CalendarRepository;
import io.interactionsync.microsoftsync.source.mail.MailDeltaSource;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.audit.AuditTarget;
import io.interactionsync.sync.publish.RawRecordPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The Outlook calendar side of the completeness audit, over the window of the calendar cursor in use:
 * <ul>
 * <li>provider: {@code GET /calendarView?startDateTime&endDateTime&$select=id,changeKey,isCancelled} (calendarView,
 * unlike its delta, supports $select), cancelled events left out (they are published as deletes);</li>
 * <li>published: {@code calendar_events} inside the window; an event whose listed changeKey differs from the one
 * published counts as not published (a change the delta lost), so it is fetched and published again — the
 * changeKey is the cheap change marker, no event is fetched to compare;</li>
 * <li>gone: {@code GET /events/{id}} answers 404 or {@code isCancelled};</li>
 * <li>repair: {@code GET /events/{id}} → {@code upsert} (not eligible: gone, cancelled, outside the window); deletes
 * carry the cancelled event, or Graph's {@code @removed} shape for one that is gone.</li>
 * </ul>
 */
@ApplicationScoped
public class CalendarAudit {

    /** Events fetched between two lease checks. */
    static final int CHUNK = 50;

    private final CalendarRepository repository;
    private final RawRecordPublisher publisher;
    private final SyncMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    public CalendarAudit(CalendarRepository repository, RawRecordPublisher publisher, SyncMetrics metrics) {
        this.repository = repository;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /** @param window the cursor in use (its window); {@code keepGoing} false once the job must stop */
    public AuditTarget target(GraphGateway graph, MailDeltaSource.Target target, CalendarCursor window,
                              BooleanSupplier keepGoing) {
        return new Target(graph, target, window.windowStart(), window.windowEnd(), keepGoing);
    }

    private final class Target implements AuditTarget {

        private final GraphGateway graph;
        private final MailDeltaSource.Target target;
        private final Instant start;
        private final Instant end;
        private final BooleanSupplier keepGoing;
        private final String runId = UUID.randomUUID().toString();
        private final Map<String, String> listedChangeKeys = new HashMap<>();
        /** What confirmGone learned: a cancelled event's resource (its delete carries it), absent for a 404. */
        private final Map<String, JsonNode> cancelled = new HashMap<>();

        Target(GraphGateway graph, MailDeltaSource.Target target, Instant start, Instant end, BooleanSupplier keepGoing) {
            this.graph = graph;
            this.target = target;
            this.start = start;
            this.end = end;
            this.keepGoing = keepGoing;
        }

        @Override
        public Source source() {
            return Source.OUTLOOK_CALENDAR;
        }

        @Override
        public void listProvider(Consumer<String> sink) throws InterruptedException {
            String link = null;
            do {
                check();
                JsonNode page = graph.calendarViewIds(start, end, link);
                for (JsonNode item : page.path("value")) {
                    String id = item.path("id").asText(null);
                    if (id == null || item.path("isCancelled").asBoolean(false)) {
                        continue;
                    }
                    listedChangeKeys.put(id, item.path("changeKey").asText(null));
                    sink.accept(id);
                }
                link = page.path("@odata.nextLink").asText(null);
            } while (link != null);
        }

        @Override
        public Map<String, Boolean> published() {
            Map<String, Boolean> out = new HashMap<>();
            repository.published(target.accountId(), start, end).forEach((id, row) -> {
                String listed = listedChangeKeys.get(id);
                boolean stale = listed != null && row.changeKey() != null && !listed.equals(row.changeKey());
                out.put(id, !row.cancelled() && !stale);
            });
            return out;
        }

        @Override
        public Set<String> confirmGone(Collection<String> ids) throws InterruptedException {
            Set<String> gone = new LinkedHashSet<>();
            int n = 0;
            for (String id : ids) {
                if (n++ % CHUNK == 0) {
                    check();
                }
                JsonNode event;
                try {
                    event = graph.event(id);
                } catch (GraphCallException e) {
                    continue; // no answer: not confirmed, asked again by the next audit
                }
                if (event == null) {
                    gone.add(id);
                } else if (event.path("isCancelled").asBoolean(false)) {
                    gone.add(id);
                    cancelled.put(id, event);
                }
            }
            return gone;
        }

        @Override
        public Repair republish(Collection<String> ids) throws InterruptedException {
            Set<String> published = new LinkedHashSet<>();
            Set<String> notEligible = new LinkedHashSet<>();
            Map<String, String> failed = new LinkedHashMap<>();
            List<RawRecord> records = new ArrayList<>();
            Map<String, CalendarRepository.PublishedEvent> rows = new LinkedHashMap<>();
            int n = 0;
            for (String id : ids) {
                if (n++ % CHUNK == 0) {
                    flush(records, rows, published);
                    check();
                }
                JsonNode event;
                try {
                    event = graph.event(id);
                } catch (GraphCallException e) {
                    failed.put(id, "GET answered " + e.code() + " (HTTP " + e.status() + ")");
                    continue;
                }
                CalendarRepository.PublishedEvent row = event == null ? null
                        : CalendarDeltaSource.published(event, CalendarDeltaSource.hash(event));
                boolean inWindow = row != null && (row.startsAt() == null || row.endsAt() == null
                        || row.endsAt().isAfter(start) && row.startsAt().isBefore(end));
                if (row == null || row.cancelled() || !inWindow) {
                    notEligible.add(id); // gone, cancelled since (the delta publishes that), or outside the window
                    continue;
                }
                records.add(record(RawRecord.Op.UPSERT, id, event));
                rows.put(id, row);
            }
            flush(records, rows, published);
            return new Repair(published, notEligible, failed);
        }

        private void flush(List<RawRecord> records, Map<String, CalendarRepository.PublishedEvent> rows, Set<String> done)
                throws InterruptedException {
            if (records.isEmpty()) {
                return;
            }
            publisher.publishAndAwait(records);
            metrics.published(Source.OUTLOOK_CALENDAR, false, records.size());
            repository.repaired(target.accountId(), rows, List.of());
            done.addAll(rows.keySet());
            records.clear();
            rows.clear();
        }

        @Override
        public Set<String> publishDeletes(Collection<String> ids) throws InterruptedException {
            List<RawRecord> records = new ArrayList<>();
            Map<String, CalendarRepository.PublishedEvent> cancelledRows = new LinkedHashMap<>();
            List<String> removed = new ArrayList<>();
            for (String id : ids) {
                JsonNode event = cancelled.get(id);
                if (event != null) {
                    records.add(record(RawRecord.Op.DELETE, id, event));
                    cancelledRows.put(id, CalendarDeltaSource.published(event, CalendarDeltaSource.hash(event)));
                } else {
                    records.add(record(RawRecord.Op.DELETE, id, removed(id)));
                    removed.add(id);
                }
            }
            check();
            publisher.publishAndAwait(records);
            metrics.published(Source.OUTLOOK_CALENDAR, false, records.size());
            repository.repaired(target.accountId(), cancelledRows, removed);
            return new LinkedHashSet<>(ids);
        }

        private RawRecord record(RawRecord.Op op, String id, JsonNode payload) {
            return new RawRecord(RawRecord.SCHEMA_VERSION, Source.OUTLOOK_CALENDAR, op, target.accountId(), target.userId(),
                    target.mailbox(), false, id, clock.instant(), runId, payload);
        }

        private void check() {
            if (!keepGoing.getAsBoolean()) {
                throw new RetryLaterException("audit interrupted (shutdown or lease lost)", clock.instant());
            }
        }
    }

    /** The delete record's payload for an event Graph no longer has: the delta's {@code @removed} shape. */
    static JsonNode removed(String id) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("@odata.type", "#microsoft.graph.event");
        out.put("id", id);
        out.putObject("@removed").put("reason", "deleted");
        return out;
    }
}

package io.interactionsync.googlesync.source.calendar;

import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.Events;
import io.interactionsync.googlesync.client.calendar.CalendarGateway;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.googlesync.repository.CalendarCursorRepository;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.sync.JobControl;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.audit.AuditTarget;
import io.interactionsync.sync.publish.RawRecordPublisher;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The primary Google Calendar as the completeness audit sees it (one account, one job). The provider side is
 * {@code events.list} from the horizon (singleEvents, without deleted events, 2500 per page, only id, etag, updated
 * and status); the published side is {@code calendar_published_events}. Ids <em>and versions</em> are compared: a
 * listed event whose etag (or, without one, {@code updated}) differs from the published one counts as not published —
 * a change the sync token listing lost — and is published again. Confirmations and repairs use {@code events.get}:
 * 404/410 or {@code cancelled} is gone. {@link #published()} compares with the versions of the last
 * {@link #listProvider} (the auditor lists first).
 */
public final class CalendarAuditTarget implements AuditTarget {

    private final CalendarGateway calendar;
    private final CalendarSource.Account account;
    private final CalendarCursorRepository published;
    private final RawRecordPublisher publisher;
    private final SyncMetrics metrics;
    private final GoogleSyncConfig config;
    private final JobControl control;
    private final Runnable progress;
    private final Clock clock;
    private final Instant horizon;
    private final String runId = "audit-" + UUID.randomUUID();
    /** Listed id → {etag, updated} (a calendar within the horizon holds thousands of events at most). */
    private final Map<String, String[]> listed = new HashMap<>();

    public CalendarAuditTarget(CalendarGateway calendar, CalendarSource.Account account,
                               CalendarCursorRepository published, RawRecordPublisher publisher, SyncMetrics metrics,
                               GoogleSyncConfig config, JobControl control, Runnable progress, Clock clock) {
        this.calendar = calendar;
        this.account = account;
        this.published = published;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
        this.control = control;
        this.progress = progress;
        this.clock = clock;
        this.horizon = clock.instant().atOffset(ZoneOffset.UTC).minusMonths(config.backfillMonths()).toInstant();
    }

    @Override
    public Source source() {
        return Source.GOOGLE_CALENDAR;
    }

    @Override
    public void listProvider(Consumer<String> sink) throws InterruptedException {
        listed.clear();
        String pageToken = null;
        do {
            checkControl();
            Events page = calendar.listLiveIds(horizon, pageToken);
            if (page.getItems() != null) {
                for (Event e : page.getItems()) {
                    if (e.getId() != null && !"cancelled".equals(e.getStatus())) {
                        listed.put(e.getId(), new String[] {e.getEtag(), CalendarSource.updated(e)});
                        sink.accept(e.getId());
                    }
                }
            }
            pageToken = page.getNextPageToken();
            progress.run();
        } while (pageToken != null);
    }

    /**
     * Published events within the horizon: live ({@code true}) unless listed in another version than the published
     * one ({@code false}: the change was never published, so it is repaired like a missing event).
     */
    @Override
    public Map<String, Boolean> published() {
        Map<String, Boolean> out = new HashMap<>();
        published.publishedWithin(account.accountId(), horizon).forEach((id, version) -> {
            String[] now = listed.get(id);
            out.put(id, now == null || CalendarSource.unchanged(now[0], now[1], version));
        });
        return out;
    }

    @Override
    public Set<String> confirmGone(Collection<String> ids) throws InterruptedException {
        Set<String> gone = new HashSet<>();
        for (String id : ids) {
            checkControl();
            try {
                if ("cancelled".equals(calendar.get(id).getStatus())) {
                    gone.add(id);
                }
            } catch (CalendarGateway.EventGoneException e) {
                gone.add(id);
            } catch (RetryLaterException e) {
                rethrowIfProviderWide(e); // otherwise not confirmed: never delete on a failed look
            }
        }
        return gone;
    }

    @Override
    public Repair republish(Collection<String> ids) throws InterruptedException {
        Set<String> done = new LinkedHashSet<>();
        Set<String> notEligible = new LinkedHashSet<>();
        Map<String, String> failed = new LinkedHashMap<>();
        Map<String, String[]> known = published.published(account.accountId(), ids);
        List<RawRecord> records = new ArrayList<>();
        List<CalendarCursorRepository.ListedEvent> upserted = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (String id : ids) {
            checkControl();
            Event e;
            try {
                e = calendar.get(id);
            } catch (CalendarGateway.EventGoneException gone) {
                notEligible.add(id); // deleted since it was listed: the next audit or the sync token deletes it
                continue;
            } catch (RetryLaterException later) {
                rethrowIfProviderWide(later);
                failed.put(id, later.getMessage());
                continue;
            }
            Instant end = CalendarSource.end(e);
            if ("cancelled".equals(e.getStatus())) {
                notEligible.add(id);
                if (known.containsKey(id)) { // cancelled since it was listed: a delete instead
                    records.add(CalendarSource.record(calendar, account, runId, RawRecord.Op.DELETE, e, clock.instant()));
                    deleted.add(id);
                }
            } else if (end != null && !end.isAfter(horizon) && !known.containsKey(id)) {
                notEligible.add(id);
            } else {
                records.add(CalendarSource.record(calendar, account, runId, RawRecord.Op.UPSERT, e, clock.instant()));
                upserted.add(CalendarSource.listed(e));
                done.add(id);
            }
        }
        publisher.publishAndAwait(records);
        metrics.published(Source.GOOGLE_CALENDAR, records.size());
        published.saveRepairs(account.accountId(), upserted, deleted);
        return new Repair(done, notEligible, failed);
    }

    @Override
    public Set<String> publishDeletes(Collection<String> ids) throws InterruptedException {
        checkControl();
        Instant observedAt = clock.instant();
        List<RawRecord> records = ids.stream().map(id -> CalendarSource.record(calendar, account, runId,
                RawRecord.Op.DELETE, CalendarSource.vanished(id), observedAt)).toList();
        publisher.publishAndAwait(records);
        metrics.published(Source.GOOGLE_CALENDAR, records.size());
        published.saveRepairs(account.accountId(), List.of(), ids);
        return new LinkedHashSet<>(ids);
    }

    private static void rethrowIfProviderWide(RetryLaterException e) {
        if (e.getCause() instanceof CircuitBreakerOpenException) {
            throw e;
        }
    }

    private void checkControl() {
        if (control.stopRequested() || !control.renewLease()) {
            throw new RetryLaterException("audit interrupted (shutdown or lease lost)", clock.instant());
        }
    }
}

package io.interactionsync.googlesync.service;

import io.interactionsync.googlesync.client.calendar.CalendarGateway;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.googlesync.repository.CalendarCursorRepository;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.googlesync.source.calendar.CalendarAuditTarget;
import io.interactionsync.googlesync.source.calendar.CalendarSource;
import io.interactionsync.googlesync.source.gmail.GmailAuditTarget;
import io.interactionsync.googlesync.source.gmail.GmailSession;
import io.interactionsync.sync.JobControl;
import io.interactionsync.sync.publish.RawRecordPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/** Builds the provider side of the completeness audit for one account's source during one job. */
@ApplicationScoped
public class AuditTargets {

    private final GmailCursorRepository gmailStates;
    private final CalendarCursorRepository calendarEvents;
    private final RawRecordPublisher publisher;
    private final SyncMetrics metrics;
    private final GoogleSyncConfig config;

    public AuditTargets(GmailCursorRepository gmailStates, CalendarCursorRepository calendarEvents,
                        RawRecordPublisher publisher, SyncMetrics metrics, GoogleSyncConfig config) {
        this.gmailStates = gmailStates;
        this.calendarEvents = calendarEvents;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
    }

    /** @param progress called after each listed page (a syncing status while a long listing is audited) */
    public GmailAuditTarget gmail(GmailSession session, JobControl control, Runnable progress) {
        return new GmailAuditTarget(session, gmailStates, publisher, metrics, config, control, progress,
                Clock.systemUTC());
    }

    public CalendarAuditTarget calendar(CalendarGateway calendar, CalendarSource.Account account, JobControl control,
                                        Runnable progress) {
        return new CalendarAuditTarget(calendar, account, calendarEvents, publisher, metrics, config, control, progress,
                Clock.systemUTC());
    }
}

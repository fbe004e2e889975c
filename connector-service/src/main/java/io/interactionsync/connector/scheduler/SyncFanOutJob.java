package io.interactionsync.connector.scheduler;

import io.interactionsync.connector.service.SyncFanOutService;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.enterprise.context.ApplicationScoped;

/** Fires the daily fan-out ({@code connector.sync-schedule.cron}, UTC; default 06:00). */
@ApplicationScoped
public class SyncFanOutJob {

    private final SyncFanOutService fanOut;

    public SyncFanOutJob(SyncFanOutService fanOut) {
        this.fanOut = fanOut;
    }

    @Scheduled(identity = "sync-fan-out", cron = "${connector.sync-schedule.cron:0 0 6 * * ?}", timeZone = "UTC",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run(ScheduledExecution execution) {
        fanOut.fanOut(execution.getScheduledFireTime());
    }
}

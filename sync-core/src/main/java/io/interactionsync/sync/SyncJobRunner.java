package io.interactionsync.sync;

/** The service's job logic (its coordinator): runs one claimed job on a worker's virtual thread. */
public interface SyncJobRunner {

    /**
     * Syncs the job's sources. Between steps: {@link JobControl#renewLease()} (false → return
     * {@link JobResult.Aborted}) and {@link JobControl#stopRequested()} (true → return {@link JobResult.Stopped}).
     * An unexpected exception counts as {@link JobResult.RetryLater} after the retry delay.
     */
    JobResult run(SyncJob job, JobControl control);
}

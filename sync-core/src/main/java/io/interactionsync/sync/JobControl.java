package io.interactionsync.sync;

/** What a running job checks between steps. */
public interface JobControl {

    /**
     * Whether this replica still holds the job's lease (the pool's heartbeat renews it in the background): false
     * once it was lost to another replica, or could not be renewed in time (database unreachable). The job must then
     * stop: its work is someone else's now. Called between steps; cheap (no database round trip).
     */
    boolean renewLease();

    /** True once this replica is shutting down (finish the step in flight, then stop). */
    boolean stopRequested();

    /** The replica running the job (lease owner of the job, and of anything else the job leases). */
    String owner();
}

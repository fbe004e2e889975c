package io.interactionsync.sync;

/** What a running job checks between steps. */
public interface JobControl {

    /** Renews the lease; false when it was lost to another replica (the job must stop, its work is theirs now). */
    boolean renewLease();

    /** True once this replica is shutting down (finish the step in flight, then stop). */
    boolean stopRequested();

    /** The replica running the job (lease owner of the job, and of anything else the job leases). */
    String owner();
}

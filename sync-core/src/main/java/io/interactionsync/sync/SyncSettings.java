package io.interactionsync.sync;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.time.LocalTime;

/**
 * The settings sync-core reads: worker pool, retries of one provider call, status cadence, sealing of raw records. Not a config mapping
 * itself: each service's {@code @ConfigMapping} extends it, so the keys keep the service's prefix
 * ({@code google-sync.worker.concurrency}, {@code MICROSOFT_SYNC_WORKER_CONCURRENCY}, …) and the service hands
 * its mapping to sync-core through {@link SyncServiceDefinition#settings()}.
 */
public interface SyncSettings {

    Retry retry();

    Worker worker();

    Status status();

    Audit audit();

    RawRecords rawRecords();

    Push push();

    /**
     * Provider push ({@code <prefix>.push.*}): the notification endpoints, and the safety-net poll that keeps a
     * source fresh when notifications are late, lost, or the channel is unhealthy.
     */
    interface Push {
        /** Whether the service creates push channels; off → its sources are polled at {@code safety-net.unhealthy-every}. */
        @WithDefault("true")
        boolean enabled();

        /**
         * The public base URL of this service's notification ingress as the provider reaches it (no trailing slash),
         * e.g. {@code https://push.example.com/google-sync}; the endpoint paths are appended.
         */
        @WithDefault("http://127.0.0.1:8080")
        String publicBaseUrl();

        /** How often the safety net looks for channels to renew and sources whose poll is due. */
        @WithDefault("15s")
        Duration checkEvery();

        /** A source with healthy push is still polled this often (a lost notification is caught by then). */
        @WithDefault("15m")
        Duration pollEvery();

        /** A source whose push is unhealthy (failed, expired, silent, off) is polled this often. */
        @WithDefault("2m")
        Duration unhealthyPollEvery();

        /** No notification for this long while the channel is valid → {@code silent} (polled as unhealthy). */
        @WithDefault("6h")
        Duration silentAfter();
    }

    /** The raw records this service publishes ({@code <prefix>.raw-records.*}). */
    interface RawRecords {
        /**
         * Seal every record (AES-256-GCM of its mailbox and payload with the owner's data key from the connector), so
         * that a purge, which destroys the key, makes all its copies unreadable. Off only for tests and benchmarks.
         */
        @WithDefault("true")
        boolean seal();

        /** How long a data key from the connector is reused before it is asked for again. */
        @WithDefault("10m")
        Duration keyCacheTtl();
    }

    /** Retries of one provider call (rate limits, 5xx, timeouts). */
    interface Retry {
        /** Attempts of one call before the step gives up and the job is rescheduled (no default: each service sets its own). */
        int maxAttempts();

        /** First backoff; doubles per attempt, with jitter. */
        @WithDefault("1s")
        Duration initialBackoff();

        /** Longest single backoff. */
        @WithDefault("32s")
        Duration maxBackoff();

        /** A wait longer than this ends the step and reschedules the job instead of holding a worker. */
        @WithDefault("60s")
        Duration maxInlineWait();
    }

    interface Worker {
        /** Accounts synced concurrently by this replica (each on a virtual thread). */
        @WithDefault("4")
        int concurrency();

        /**
         * How often idle slots look for claimable jobs (due, or a dead replica's with an expired lease): with
         * {@code lease-duration} it bounds the takeover of a dead replica's job (≤ lease + poll).
         */
        @WithDefault("1s")
        Duration pollInterval();

        /**
         * Lease of a claimed job, renewed every {@code heartbeat-interval} by the pool's heartbeat (one statement for
         * every job the replica runs, however long a step takes). A dead replica's jobs are claimable once it expires;
         * a job whose lease could not be renewed for {@code lease-duration - heartbeat-interval} stops at its next step,
         * before anyone else may claim it. At least twice the heartbeat interval.
         */
        @WithDefault("8s")
        Duration leaseDuration();

        /** How often the heartbeat renews the leases of the jobs this replica runs. */
        @WithDefault("2s")
        Duration heartbeatInterval();

        /** Delay before a job that failed transiently (connector or Kafka unavailable, circuit open) is tried again. */
        @WithDefault("30s")
        Duration retryDelay();

        /**
         * A request that arrived during a run (a push notification, mostly) runs again this long after the run ended
         * at the earliest: a burst of notifications for one mailbox gives about one delta run per interval (Gmail
         * itself notifies at most once a second per user).
         */
        @WithDefault("1s")
        Duration rerunDelay();

        /** How long a shutdown waits for the steps in flight. */
        @WithDefault("30s")
        Duration shutdownGrace();
    }

    interface Status {
        /** Publish a syncing status at least every this many fetched records... */
        @WithDefault("200")
        int everyRecords();

        /** ...or at least this often, whichever comes first (also the progress log interval). */
        @WithDefault("5s")
        Duration every();
    }

    /** The completeness audit (id-level reconciliation of provider, published and normalized records). */
    interface Audit {
        /** Whether audits run at all (after each backfill, daily, and on request). */
        @WithDefault("true")
        boolean enabled();

        /**
         * Start (UTC time of day) of the window over which the accounts' daily audits are spread: each account's slot
         * is this plus a stable offset within {@code window} (a hash of its id, {@code audit.AuditSchedule}); a source
         * is audited by its first run after the slot. E.g. {@code 01:00} with {@code 6h} for audits between 01:00 and
         * 07:00 only.
         */
        @WithDefault("00:00")
        LocalTime windowStart();

        /** Length of that window, at most 24 h (the default: audits spread over the whole day). */
        @WithDefault("24h")
        Duration window();

        /**
         * How long the audit waits without progress for the normalizer to process published records before it
         * re-publishes them; while records keep arriving (a backlog after a backfill) it waits on, up to 30 minutes.
         */
        @WithDefault("2m")
        Duration ingestWait();

        /** At most this many gaps are repaired per audit; the rest stay unresolved until the next one. */
        @WithDefault("20000")
        int maxRepairs();
    }
}

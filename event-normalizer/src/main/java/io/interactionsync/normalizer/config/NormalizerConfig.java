package io.interactionsync.normalizer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Set;

/** Typed configuration of the normalizer ({@code normalizer.*}). */
@ConfigMapping(prefix = "normalizer")
public interface NormalizerConfig {

    Outbox outbox();

    Write write();

    Query query();

    Replay replay();

    Startup startup();

    Retention retention();

    Rederive rederive();

    /**
     * Browser origins of the console (served by the connector at {@code /console/}) that may call the query and replay
     * APIs: {@code quarkus.http.cors.origins} is set from this list (application.properties).
     */
    @WithDefault("http://127.0.0.1:8081,http://localhost:8081")
    java.util.List<String> consoleOrigins();

    /** Re-derivation of resources whose evidence changed (issue 18: order-independent rules). */
    interface Rederive {
        /** Whether this replica drains {@code rederive_queue} (every replica may; claims keep them apart). */
        @WithDefault("true")
        boolean enabled();

        /** Resources claimed, fetched from {@code raw-records} and re-processed per round (one transaction). */
        @WithDefault("500")
        int batchSize();

        /** How often an idle worker looks at the queue (it is also woken by this replica's commits that enqueue). */
        @WithDefault("1s")
        Duration pollInterval();

        /**
         * How long a claim holds unless renewed (a working round renews it every third of this); a replica that dies
         * leaves its claims to the others after this, or at once to itself restarted under the same instance id.
         */
        @WithDefault("10s")
        Duration lease();

        /** How long one round may spend fetching its records from Kafka before the rest count as unavailable. */
        @WithDefault("30s")
        Duration fetchTimeout();
    }

    FanOut fanOut();

    /** Bounded fan-out (issue 18 item 5). */
    interface FanOut {
        /**
         * Recipients of one message that become events, at most: a message to more people is a broadcast, not a
         * relationship. The sender and the first this-many recipients (To, then Cc, then Bcc, in header order) are
         * kept, the message is classified bulk and its events say {@code recipientsTruncated}.
         */
        @WithDefault("100")
        int maxRecipients();
    }

    /** The retention window of interaction events (issue 17). */
    interface Retention {
        /**
         * Events that occurred more than this many months ago are deleted (published {@code deleted=true}) by the daily
         * job and not stored at ingest; a team's {@code eventMonths} (from {@code directory_changed}) overrides it for
         * its members. 0: no global window (team windows still apply). 36 keeps the 24-month backfill whole and a
         * year of what follows, and bounds what a breach or a forgotten account exposes.
         */
        @WithDefault("36")
        int eventMonths();

        /** When the deletion job runs (Quartz cron, UTC); {@code off} disables it (ingest still applies the window). */
        @WithDefault("0 30 3 * * ?")
        String cron();

        /** Events deleted per transaction by the job (each batch is also published as deleted). */
        @WithDefault("2000")
        int batchSize();
    }

    Internal internal();

    /** Who may call {@code /internal/v1/**}: client-credentials tokens of allow-listed service clients. */
    interface Internal {
        /** The audience ({@code aud}) a service token must carry. */
        @WithDefault("interaction-sync-internal")
        String audience();

        /**
         * Client ids ({@code client_id} = {@code sub} = {@code azp}) allowed on the internal ingested API: the sync
         * services, whose completeness audits ask it. Any other bearer gets 403.
         */
        @WithDefault("google-sync-service,microsoft-sync-service")
        Set<String> clients();

        /**
         * The provider(s) each client may ask about ({@code google}, {@code microsoft}; comma-separated), as the
         * connector's internal API grants them: a sync service only for its own provider's accounts and sources. A
         * client without an entry may ask about none.
         */
        java.util.Map<String, String> providers();
    }

    DataKeys dataKeys();

    /** The data keys of sealed raw records, read from the connector by kid and cached. */
    interface DataKeys {
        /** How long a key is reused before the connector is asked again (a key destroyed meanwhile then answers 410). */
        @WithDefault("10m")
        Duration cacheTtl();

        /** How long an unknown kid (404) is remembered before it is asked for again. */
        @WithDefault("1m")
        Duration unknownTtl();

        /** Keys held at most (a key per account and shared mailbox in flight). */
        @WithDefault("100000")
        int cacheSize();

        /** Longest wait for the connector's answers of one batch; then the batch fails and is retried. */
        @WithDefault("10s")
        Duration timeout();
    }

    interface Startup {
        /**
         * How long raw-records wait at startup for the account-events already in Kafka to be applied (the directory
         * and owner addresses their rules need); then they go on with a warning (0: do not wait). Below the throttled
         * commit strategy's 60 s limit for an unacknowledged record, which would fail the channel.
         */
        @WithDefault("30s")
        Duration accountEventsWait();
    }

    interface Replay {
        /** The replay's consumer group (separate from the live {@code event-normalizer} group). */
        @WithDefault("event-normalizer-replay")
        String groupId();

        /** Records per replay batch (one transaction each, like the live consumer's). */
        @WithDefault("2000")
        int batchSize();

        /** How often the replica running a replay writes its heartbeat and progress counters. */
        @WithDefault("5s")
        Duration heartbeatInterval();

        /** A running replay without a heartbeat for this long is marked interrupted (its replica is gone). */
        @WithDefault("30s")
        Duration staleAfter();

        /**
         * How often an interrupted replay is taken up again by a live replica without being asked (0: only on request,
         * {@code POST …/{id}/resume}). The bound keeps a replay that kills its replica from looping.
         */
        @WithDefault("10")
        int autoResumes();
    }

    interface Outbox {
        /** Rows published per relay round. */
        @WithDefault("2000")
        int batchSize();

        /** How often the relay looks for unpublished rows (it is also woken after every commit). */
        @WithDefault("1s")
        Duration pollInterval();
    }

    interface Write {
        /** Retries of a batch's transaction before the consumer fails (and the pod restarts from the last commit). */
        @WithDefault("3")
        int maxRetries();

        @WithDefault("1s")
        Duration initialBackoff();

        /**
         * Backoff cap of a batch waiting for the connector's data keys: that wait is not a failure of the batch, so it
         * is retried until the connector answers (the partition waits; nothing is skipped or dead-lettered).
         */
        @WithDefault("30s")
        Duration maxBackoff();
    }

    interface Query {
        @WithDefault("50")
        int defaultLimit();

        @WithDefault("500")
        int maxLimit();
    }
}

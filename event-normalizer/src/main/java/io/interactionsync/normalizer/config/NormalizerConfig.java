package io.interactionsync.normalizer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Typed configuration of the normalizer ({@code normalizer.*}). */
@ConfigMapping(prefix = "normalizer")
public interface NormalizerConfig {

    Outbox outbox();

    Write write();

    Query query();

    Replay replay();

    Startup startup();

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
    }

    interface Query {
        @WithDefault("50")
        int defaultLimit();

        @WithDefault("500")
        int maxLimit();
    }
}

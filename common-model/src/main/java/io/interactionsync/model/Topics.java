package io.interactionsync.model;

import java.util.Map;

/** Kafka topic names (contract, SPEC §3.1). Every producer and consumer uses these constants. */
public final class Topics {
    /** Account lifecycle: connector → sync services, normalizer. Key: accountId. */
    public static final String ACCOUNT_EVENTS = "account-events";
    /** Work orders for the sync services. Key: accountId. */
    public static final String SYNC_REQUESTS = "sync-requests";
    /** Provider resources in a {@link RawRecord} envelope: sync services → normalizer. Key: accountId. */
    public static final String RAW_RECORDS = "raw-records";
    /** Progress of each account × source: sync services → connector. Key: accountId. */
    public static final String SYNC_STATUS = "sync-status";
    /** Normalized output: normalizer → downstream. Key: userId. */
    public static final String INTERACTION_EVENTS = "interaction-events";
    /**
     * The current set of InteractionEvents, compacted: normalizer → downstream (rebuild from offset 0). Key: event id;
     * partitioned by user id (as {@link #INTERACTION_EVENTS}), so one user's events keep their order. A deleted event
     * is published with {@code deleted=true}, then a tombstone (null value) with the same key.
     */
    public static final String INTERACTION_EVENTS_STATE = "interaction-events-state";
    /** Partitions of {@link #INTERACTION_EVENTS_STATE}, as deployed (as {@code interaction-events}). */
    public static final int STATE_TOPIC_PARTITIONS = 12;

    /**
     * Topic configuration of {@link #INTERACTION_EVENTS_STATE}, as deployed (deploy/k8s KafkaTopic, local stack, tests):
     * compacted; erased data compacted away within a day ({@code max.compaction.lag.ms}); a consumer less than a day
     * behind still sees each tombstone ({@code delete.retention.ms}); hourly segments, so that the active segment —
     * never compacted — holds at most an hour; batches kept as the producer compressed them (lz4).
     */
    public static final Map<String, String> STATE_TOPIC_CONFIG = Map.of(
            "cleanup.policy", "compact",
            "min.compaction.lag.ms", "0",
            "max.compaction.lag.ms", "86400000",
            "delete.retention.ms", "86400000",
            "segment.ms", "3600000",
            "compression.type", "producer");

    /** Raw records the normalizer could not process, with the reason. Key: accountId. */
    public static final String RAW_RECORDS_DLQ = "raw-records-dlq";

    private Topics() {
    }
}

package io.interactionsync.model;

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
    /** Raw records the normalizer could not process, with the reason. Key: accountId. */
    public static final String RAW_RECORDS_DLQ = "raw-records-dlq";

    private Topics() {
    }
}

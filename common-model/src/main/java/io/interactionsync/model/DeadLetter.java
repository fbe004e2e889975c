package io.interactionsync.model;

import java.time.Instant;

/**
 * A raw record the normalizer could not process ({@link Topics#RAW_RECORDS_DLQ}): the original bytes,
 * where they came from, and why they were rejected. Nothing is lost; a fixed rule can replay it.
 *
 * @param code           machine-readable reason, e.g. {@code invalid_json}, {@code schema_violation}
 * @param reason         a human-readable explanation
 * @param original       the original value as UTF-8 text, when it was valid UTF-8
 * @param originalBase64 the original value's exact bytes, Base64-encoded
 */
public record DeadLetter(
        int schemaVersion,
        String code,
        String reason,
        String sourceTopic,
        int partition,
        long offset,
        String key,
        String original,
        String originalBase64,
        Instant failedAt) {

    public static final int SCHEMA_VERSION = 1;
}

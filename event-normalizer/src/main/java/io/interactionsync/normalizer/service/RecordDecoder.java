package io.interactionsync.normalizer.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.ContractSchemas.Contract;
import io.interactionsync.model.DeadLetter;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.parse.IsoInstants;
import io.interactionsync.normalizer.parse.Text;
import io.interactionsync.normalizer.service.BatchNormalizer.RecordKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Bytes → {@link RawRecord}, never throwing: anything that is not a schema-valid envelope becomes a
 * {@link DeadLetter} (R-F3) carrying the code, the reason, the source coordinates and the original bytes.
 */
public final class RecordDecoder {

    /** Dead-letter codes (contract for whoever reads the DLQ). */
    public static final String NULL_VALUE = "null_value";
    public static final String INVALID_JSON = "invalid_json";
    public static final String SCHEMA_VIOLATION = "schema_violation";
    public static final String UNSUPPORTED_SOURCE = "unsupported_source";
    public static final String UNPARSEABLE_PAYLOAD = "unparseable_payload";
    public static final String MAPPING_FAILED = "mapping_failed";
    /** The record mapped, but PostgreSQL rejected its rows (a data error, not an outage). */
    public static final String WRITE_FAILED = "write_failed";

    private static final int MAX_REASON = 2000;

    /** Either a record or the dead letter that replaces it. */
    public sealed interface Decoded permits Valid, Rejected {
        IncomingRecord incoming();
    }

    public record Valid(IncomingRecord incoming, RawRecord record) implements Decoded {
    }

    /**
     * {@code key}: the resource the record was about, when its envelope names one readably (account, source and
     * remote id), else null (not JSON, or those fields missing or unusable): the normalizer remembers keyed dead
     * letters for the completeness audit.
     */
    public record Rejected(IncomingRecord incoming, DeadLetter deadLetter, RecordKey key) implements Decoded {
    }

    private final Clock clock;

    public RecordDecoder(Clock clock) {
        this.clock = clock;
    }

    public Decoded decode(IncomingRecord in) {
        if (in.value() == null) {
            return reject(in, NULL_VALUE, "the record has no value (tombstone)");
        }
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(in.value());
        } catch (IOException | RuntimeException e) {
            return reject(in, INVALID_JSON, DeadLetterReasons.invalidJson(e));
        }
        if (tree == null || tree.isMissingNode()) {
            return reject(in, INVALID_JSON, "empty value");
        }
        List<String> errors;
        try {
            errors = ContractSchemas.validate(Contract.RAW_RECORD, tree);
        } catch (RuntimeException e) {
            return reject(in, keyOf(tree), SCHEMA_VIOLATION, "schema validation failed (" + e.getClass().getSimpleName() + ")");
        }
        if (!errors.isEmpty()) {
            return reject(in, keyOf(tree), SCHEMA_VIOLATION, DeadLetterReasons.schemaViolation(errors));
        }
        RawRecord record;
        try {
            record = bind(tree);
        } catch (RuntimeException e) {
            return reject(in, keyOf(tree), SCHEMA_VIOLATION, DeadLetterReasons.doesNotBind(e));
        }
        for (String[] id : new String[][] {{"accountId", record.accountId()}, {"userId", record.userId()},
                {"remoteId", record.remoteId()}, {"mailbox", record.mailbox()}}) {
            if (!Text.isSafeId(id[1])) {
                return reject(in, keyOf(tree), SCHEMA_VIOLATION, id[0] + " is blank, longer than " + Text.MAX_ID
                        + " characters or contains control characters");
            }
        }
        return new Valid(in, record);
    }

    /**
     * The schema-valid envelope as a record. Bound by hand rather than with {@code treeToValue}, which would copy
     * the whole payload tree a second time (the largest part of every record): the payload node is kept as read.
     */
    private static RawRecord bind(JsonNode tree) {
        JsonNode syncRunId = tree.get("syncRunId");
        return new RawRecord(tree.get("schemaVersion").intValue(), Source.fromWireName(tree.get("source").textValue()),
                "delete".equals(tree.get("op").textValue()) ? RawRecord.Op.DELETE : RawRecord.Op.UPSERT,
                tree.get("accountId").textValue(), tree.get("userId").textValue(), tree.get("mailbox").textValue(),
                tree.get("sharedMailbox").booleanValue(), tree.get("remoteId").textValue(),
                IsoInstants.parse(tree.get("observedAt").textValue()),
                syncRunId == null || syncRunId.isNull() ? null : syncRunId.textValue(), tree.get("payload"));
    }

    /**
     * The resource a schema-violating envelope names, if it names one usably: the audit asks by (account, source,
     * remote id), so an envelope wrong elsewhere (a missing {@code observedAt}…) is still answered as dead-lettered.
     */
    private static RecordKey keyOf(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            return null;
        }
        String accountId = tree.path("accountId").textValue();
        String remoteId = tree.path("remoteId").textValue();
        String source = tree.path("source").textValue();
        if (!Text.isSafeId(accountId) || !Text.isSafeId(remoteId) || source == null) {
            return null;
        }
        try {
            return RecordKey.of(accountId, Source.fromWireName(source), remoteId);
        } catch (IllegalArgumentException e) {
            return null; // no source of ours
        }
    }

    /** A dead letter for {@code in} with the given code and reason, about no known resource. */
    public Rejected reject(IncomingRecord in, String code, String reason) {
        return reject(in, null, code, reason);
    }

    /** A dead letter for {@code in}, a record of resource {@code key} (null: unknown), with the given code and reason. */
    public Rejected reject(IncomingRecord in, RecordKey key, String code, String reason) {
        String r = reason == null || reason.isBlank() ? code : reason;
        if (r.length() > MAX_REASON) {
            r = r.substring(0, MAX_REASON) + "…";
        }
        byte[] value = in.value() == null ? new byte[0] : in.value();
        DeadLetter dl = new DeadLetter(DeadLetter.SCHEMA_VERSION, code, r, in.topic(), in.partition(), in.offset(),
                in.key(), utf8OrNull(value), Base64.getEncoder().encodeToString(value), clock.instant());
        return new Rejected(in, dl, key);
    }

    private static String utf8OrNull(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}

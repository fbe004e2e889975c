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
import io.interactionsync.model.RawRecordSeal;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bytes → {@link RawRecord}, never throwing: anything that is not a schema-valid envelope becomes a
 * {@link DeadLetter} (R-F3) carrying the code, the reason, the source coordinates and the original bytes (a sealed
 * record's dead letter stays sealed: the DLQ never holds what the data key protects).
 *
 * <p>Two steps, so that a batch's data keys can be fetched together in between: {@link #read} (JSON and schema) and
 * {@link #finish} (a sealed envelope opened with its key, then bound). A record whose key the connector destroyed
 * (a purge) becomes {@link Erased}: dropped, neither mapped nor dead-lettered.
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
    /** Sealed with a key the connector does not know (404): forged, or from another environment. */
    public static final String UNKNOWN_DATA_KEY = "unknown_data_key";
    /** Sealed, but it does not open with its key in its envelope (tampered, or moved to another envelope). */
    public static final String UNSEAL_FAILED = "unseal_failed";
    /** Sealed with another owner's key than the envelope's account (or shared mailbox). */
    public static final String DATA_KEY_MISMATCH = "data_key_mismatch";
    /** Every code above: each dead letter carries one of them. */
    public static final java.util.List<String> CODES = java.util.List.of(NULL_VALUE, INVALID_JSON, SCHEMA_VIOLATION,
            UNSUPPORTED_SOURCE, UNPARSEABLE_PAYLOAD, MAPPING_FAILED, WRITE_FAILED, UNKNOWN_DATA_KEY, UNSEAL_FAILED,
            DATA_KEY_MISMATCH);

    private static final int MAX_REASON = 2000;

    /** Either a record, the dead letter that replaces it, or nothing at all (its data was erased). */
    public sealed interface Decoded permits Valid, Rejected, Erased {
        IncomingRecord incoming();
    }

    /** The first step's outcome: a schema-valid envelope, or its dead letter. */
    public sealed interface Read permits Envelope, Rejected {
        IncomingRecord incoming();
    }

    /** A schema-valid envelope as JSON, maybe sealed. */
    public record Envelope(IncomingRecord incoming, JsonNode tree) implements Read {
        /** The data key id of a sealed envelope, else null. */
        public String kid() {
            JsonNode sealed = tree.get("sealed");
            return sealed == null ? null : sealed.path("kid").textValue();
        }

        public String accountId() {
            return tree.get("accountId").textValue();
        }
    }

    public record Valid(IncomingRecord incoming, RawRecord record) implements Decoded {
    }

    /** A sealed record whose data key was destroyed: its content is gone for good; it is dropped and counted. */
    public record Erased(IncomingRecord incoming, String accountId, Source source) implements Decoded {
    }

    /**
     * {@code key}: the resource the record was about, when its envelope names one readably (account, source and
     * remote id), else null (not JSON, or those fields missing or unusable): the normalizer remembers keyed dead
     * letters for the completeness audit.
     */
    public record Rejected(IncomingRecord incoming, DeadLetter deadLetter, RecordKey key) implements Decoded, Read {
    }

    private final Clock clock;

    public RecordDecoder(Clock clock) {
        this.clock = clock;
    }

    /** Both steps for one record, with these keys (none: a sealed record's key is unknown). */
    public Decoded decode(IncomingRecord in) {
        return decode(in, Map.of());
    }

    public Decoded decode(IncomingRecord in, Map<String, DataKeys.Lookup> keys) {
        Read read = read(in);
        return read instanceof Envelope e ? finish(e, keys) : (Rejected) read;
    }

    /** First step: bytes → a schema-valid envelope, or its dead letter. */
    public Read read(IncomingRecord in) {
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
        return new Envelope(in, tree);
    }

    /**
     * Second step: the envelope as a record — a sealed one opened with its key from {@code keys} (by kid; a missing
     * entry counts as unknown), checked to be its account's (or its shared mailbox's) key.
     */
    public Decoded finish(Envelope envelope, Map<String, DataKeys.Lookup> keys) {
        IncomingRecord in = envelope.incoming();
        JsonNode tree = envelope.tree();
        JsonNode sealed = tree.get("sealed");
        String mailbox;
        JsonNode payload;
        if (sealed == null) {
            mailbox = tree.get("mailbox").textValue();
            payload = tree.get("payload");
        } else {
            String kid = sealed.get("kid").textValue();
            DataKeys.Lookup key = keys.getOrDefault(kid, new DataKeys.Unknown());
            if (key instanceof DataKeys.Erased) {
                return new Erased(in, tree.get("accountId").textValue(),
                        Source.fromWireName(tree.get("source").textValue()));
            }
            if (!(key instanceof DataKeys.Found found)) {
                return reject(in, keyOf(tree), UNKNOWN_DATA_KEY, "the connector knows no data key " + (kid.length() > 64 ? kid.substring(0, 64) + "…" : kid));
            }
            RawRecordSeal.Opened opened;
            try {
                opened = RawRecordSeal.open(sealed, tree.get("accountId").textValue(), tree.get("source").textValue(),
                        tree.get("remoteId").textValue(), tree.get("op").textValue(), found.key());
            } catch (RawRecordSeal.SealException e) {
                return reject(in, keyOf(tree), UNSEAL_FAILED, e.getMessage());
            }
            String owner = tree.get("sharedMailbox").booleanValue()
                    ? "mailbox:" + opened.mailbox().strip().toLowerCase(Locale.ROOT)
                    : "account:" + tree.get("accountId").textValue();
            if (!owner.equals(found.owner())) {
                return reject(in, keyOf(tree), DATA_KEY_MISMATCH, "sealed with the data key of another "
                        + (found.owner().startsWith("mailbox:") ? "shared mailbox" : "account") + " than the envelope's");
            }
            mailbox = opened.mailbox();
            payload = opened.payload();
        }
        RawRecord record;
        try {
            record = bind(tree, mailbox, payload);
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
    private static RawRecord bind(JsonNode tree, String mailbox, JsonNode payload) {
        JsonNode syncRunId = tree.get("syncRunId");
        return new RawRecord(tree.get("schemaVersion").intValue(), Source.fromWireName(tree.get("source").textValue()),
                "delete".equals(tree.get("op").textValue()) ? RawRecord.Op.DELETE : RawRecord.Op.UPSERT,
                tree.get("accountId").textValue(), tree.get("userId").textValue(), mailbox,
                tree.get("sharedMailbox").booleanValue(), tree.get("remoteId").textValue(),
                IsoInstants.parse(tree.get("observedAt").textValue()),
                syncRunId == null || syncRunId.isNull() ? null : syncRunId.textValue(), payload);
    }

    /** The resource a record names in its clear envelope fields (sealed or not), or null when it names none usably. */
    public RecordKey resourceOf(IncomingRecord in) {
        if (in.value() == null) {
            return null;
        }
        try {
            return keyOf(Json.mapper().readTree(in.value()));
        } catch (IOException | RuntimeException e) {
            return null;
        }
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

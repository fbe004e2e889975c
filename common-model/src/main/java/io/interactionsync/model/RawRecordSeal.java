package io.interactionsync.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sealing of a {@link RawRecord} (crypto-shredding): {@code mailbox} and {@code payload} — the only parts that hold
 * personal data — are encrypted together with a per-owner AES-256 data key handed out by the connector, and replaced
 * by {@link RawRecord.Sealed} {@code {alg, kid, iv, ct}}. When an account is purged the connector destroys its key,
 * and every copy of its records (raw-records has infinite retention and is keyed by account, so compaction cannot
 * remove single records; the DLQ; backups) becomes unreadable at once.
 *
 * <ul>
 *   <li>Cipher: AES-256-GCM (JDK), a fresh random 96-bit IV per record, 128-bit tag.</li>
 *   <li>Plaintext: the JSON object {@code {"mailbox": "…", "payload": {…}}}.</li>
 *   <li>Associated data: {@code raw-record/v1\n<accountId>\n<source>\n<remoteId>\n<op>} (UTF-8): the ciphertext only
 *       opens inside the envelope it was made for, so it cannot be moved to another account, resource or operation.</li>
 *   <li>The envelope keeps schemaVersion, source, op, accountId, userId, sharedMailbox, remoteId, observedAt and
 *       syncRunId in clear: routing, ordering, versions and the completeness audit need them, and none names a person.</li>
 * </ul>
 * Pure JDK + Jackson, no state but a {@link SecureRandom}; thread-safe. Error messages never contain plaintext.
 */
public final class RawRecordSeal {

    /** The {@code alg} of every sealed record: AES-256-GCM. */
    public static final String ALG = "A256GCM";
    /** AES-256: 32-byte data keys. */
    public static final int KEY_BYTES = 32;

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JDK", e);
        }
    });

    private RawRecordSeal() {
    }

    /** The decrypted part of a sealed record. */
    public record Opened(String mailbox, JsonNode payload) {
    }

    /** A record could not be sealed or opened (wrong key, tampered envelope or ciphertext, unknown alg). */
    public static final class SealException extends RuntimeException {
        public SealException(String message) {
            super(message);
        }
    }

    /** An AES key from the connector's 32 raw bytes. */
    public static SecretKey key(byte[] raw) {
        if (raw == null || raw.length != KEY_BYTES) {
            throw new SealException("a data key must be " + KEY_BYTES + " bytes");
        }
        return new SecretKeySpec(raw, "AES");
    }

    /** {@code plain} with {@code mailbox} and {@code payload} sealed under data key {@code kid}. */
    public static RawRecord seal(RawRecord plain, String kid, SecretKey key) {
        if (plain.sealed() != null) {
            throw new SealException("the record is sealed already");
        }
        ObjectNode inner = Json.mapper().createObjectNode();
        inner.put("mailbox", plain.mailbox());
        inner.set("payload", plain.payload());
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        byte[] ct;
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad(plain.accountId(), wire(plain.source()), plain.remoteId(), wire(plain.op())));
            ct = cipher.doFinal(Json.mapper().writeValueAsBytes(inner));
        } catch (GeneralSecurityException | IOException e) {
            throw new SealException("sealing failed (" + e.getClass().getSimpleName() + ")");
        }
        Base64.Encoder b64 = Base64.getEncoder();
        return new RawRecord(plain.schemaVersion(), plain.source(), plain.op(), plain.accountId(), plain.userId(), null,
                plain.sharedMailbox(), plain.remoteId(), plain.observedAt(), plain.syncRunId(), null,
                new RawRecord.Sealed(ALG, kid, b64.encodeToString(iv), b64.encodeToString(ct)));
    }

    /** The plaintext record of a sealed one. */
    public static RawRecord unseal(RawRecord sealed, SecretKey key) {
        if (sealed.sealed() == null) {
            return sealed;
        }
        RawRecord.Sealed s = sealed.sealed();
        Opened o = open(s.alg(), s.iv(), s.ct(), sealed.accountId(), wire(sealed.source()), sealed.remoteId(),
                wire(sealed.op()), key);
        return new RawRecord(sealed.schemaVersion(), sealed.source(), sealed.op(), sealed.accountId(), sealed.userId(),
                o.mailbox(), sealed.sharedMailbox(), sealed.remoteId(), sealed.observedAt(), sealed.syncRunId(),
                o.payload(), null);
    }

    /**
     * Opens a sealed envelope as read from JSON: {@code sealedNode} is its {@code sealed} object, the other arguments
     * its clear fields (wire names for source and op).
     */
    public static Opened open(JsonNode sealedNode, String accountId, String source, String remoteId, String op,
                              SecretKey key) {
        return open(sealedNode.path("alg").asText(null), sealedNode.path("iv").asText(null),
                sealedNode.path("ct").asText(null), accountId, source, remoteId, op, key);
    }

    private static Opened open(String alg, String iv, String ct, String accountId, String source, String remoteId,
                               String op, SecretKey key) {
        if (!ALG.equals(alg)) {
            throw new SealException("unsupported alg " + (alg == null ? "(none)" : "'" + abbreviate(alg) + "'"));
        }
        byte[] ivBytes;
        byte[] ctBytes;
        try {
            ivBytes = Base64.getDecoder().decode(iv);
            ctBytes = Base64.getDecoder().decode(ct);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SealException("iv or ct is not Base64");
        }
        if (ivBytes.length != IV_BYTES) {
            throw new SealException("iv must be " + IV_BYTES + " bytes");
        }
        byte[] plain;
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ivBytes));
            cipher.updateAAD(aad(accountId, source, remoteId, op));
            plain = cipher.doFinal(ctBytes);
        } catch (GeneralSecurityException e) {
            throw new SealException("the sealed part does not open with its key and envelope ("
                    + e.getClass().getSimpleName() + ")");
        }
        JsonNode inner;
        try {
            inner = Json.mapper().readTree(plain);
        } catch (IOException e) {
            throw new SealException("the sealed part is not JSON");
        }
        JsonNode mailbox = inner == null ? null : inner.get("mailbox");
        JsonNode payload = inner == null ? null : inner.get("payload");
        if (mailbox == null || !mailbox.isTextual() || payload == null || !payload.isObject()) {
            throw new SealException("the sealed part must hold a mailbox (string) and a payload (object)");
        }
        return new Opened(mailbox.textValue(), payload);
    }

    /** The associated data binding a ciphertext to its envelope. */
    static byte[] aad(String accountId, String source, String remoteId, String op) {
        return ("raw-record/v1\n" + nullToEmpty(accountId) + "\n" + nullToEmpty(source) + "\n" + nullToEmpty(remoteId)
                + "\n" + nullToEmpty(op)).getBytes(StandardCharsets.UTF_8);
    }

    private static String wire(Source source) {
        return source == null ? "" : source.wireName();
    }

    private static String wire(RawRecord.Op op) {
        return op == null ? "" : op == RawRecord.Op.DELETE ? "delete" : "upsert";
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "…";
    }
}

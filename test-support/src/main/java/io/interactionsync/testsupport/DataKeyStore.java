package io.interactionsync.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.RawRecordSeal;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connector's data keys as the tests see them (crypto-shredding): one random AES-256 key per owner
 * ({@code account:<id>}, {@code mailbox:<address>}), created on first request, erasable. Served inside a sync service's
 * test app by {@link FakeDataKeyResource} and as a process of its own by {@link DataKeyServer}. State is per class
 * loader (static), like {@link FakeConnectorResource}'s accounts.
 */
public final class DataKeyStore {

    /** One key; {@code key} null once erased. */
    public record Entry(String kid, String owner, byte[] key) {
        public boolean erased() {
            return key == null;
        }

        public String keyBase64() {
            return Base64.getEncoder().encodeToString(key);
        }

        @Override
        public String toString() {
            return "Entry[" + kid + ", " + owner + (erased() ? ", erased" : "") + "]";
        }
    }

    private static final Map<String, String> LIVE = new ConcurrentHashMap<>(); // owner → kid
    private static final Map<String, Entry> BY_KID = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private DataKeyStore() {
    }

    /** The owner's key, created on first use; null when the owner's key was erased (the connector's 410). */
    public static synchronized Entry issue(String owner) {
        String kid = LIVE.get(owner);
        if (kid != null) {
            return BY_KID.get(kid);
        }
        if (BY_KID.values().stream().anyMatch(e -> e.owner().equals(owner) && e.erased())) {
            return null;
        }
        byte[] key = new byte[RawRecordSeal.KEY_BYTES];
        RANDOM.nextBytes(key);
        Entry e = new Entry("test-" + UUID.randomUUID(), owner, key);
        BY_KID.put(e.kid(), e);
        LIVE.put(owner, e.kid());
        return e;
    }

    /** The key with this id (erased or not), or null if it never existed. */
    public static Entry read(String kid) {
        return kid == null ? null : BY_KID.get(kid);
    }

    /** Destroys the owner's key, as a purge does at the connector. */
    public static synchronized void erase(String owner) {
        String kid = LIVE.remove(owner);
        if (kid != null) {
            BY_KID.put(kid, new Entry(kid, owner, null));
        } else {
            String tombstone = "test-erased-" + UUID.randomUUID();
            BY_KID.put(tombstone, new Entry(tombstone, owner, null));
        }
    }

    /**
     * A raw record as its consumer sees it: a sealed envelope opened with the key of its {@code kid} ({@code sealed}
     * replaced by {@code mailbox} and {@code payload}), a plaintext one as it is. The key must be in this store.
     */
    public static JsonNode unseal(JsonNode envelope) {
        JsonNode sealed = envelope.get("sealed");
        if (sealed == null) {
            return envelope;
        }
        Entry e = read(sealed.path("kid").asText());
        if (e == null || e.erased()) {
            throw new AssertionError("no usable test data key for kid " + sealed.path("kid").asText());
        }
        RawRecordSeal.Opened opened = RawRecordSeal.open(sealed, envelope.path("accountId").asText(),
                envelope.path("source").asText(), envelope.path("remoteId").asText(), envelope.path("op").asText(),
                RawRecordSeal.key(e.key()));
        ObjectNode plain = envelope.deepCopy();
        plain.remove("sealed");
        plain.put("mailbox", opened.mailbox());
        plain.set("payload", opened.payload());
        return plain;
    }
}

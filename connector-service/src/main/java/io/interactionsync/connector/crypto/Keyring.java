package io.interactionsync.connector.crypto;

import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The token encryption keys parsed from {@code kid:base64key[,kid:base64key…]}. The first key is active
 * for new writes; every key decrypts rows carrying its id. Error messages name key ids, never key bytes.
 */
public final class Keyring {

    public static final String PROPERTY = "connector.token-encryption.keyring";
    private static final int KEY_BYTES = 32;

    private final String activeKeyId;
    private final Map<String, SecretKey> keys;

    private Keyring(String activeKeyId, Map<String, SecretKey> keys) {
        this.activeKeyId = activeKeyId;
        this.keys = Collections.unmodifiableMap(keys);
    }

    public static Keyring parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalStateException(PROPERTY + " is not set. Set it to 'kid:base64key' with a 32-byte "
                    + "AES-256 key (e.g. key id 'k1' and a key from: openssl rand -base64 32); in Kubernetes take it "
                    + "from a Secret (env CONNECTOR_TOKEN_ENCRYPTION_KEYRING).");
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        String active = null;
        for (String entry : spec.split(",")) {
            String trimmed = entry.trim();
            int colon = trimmed.indexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new IllegalStateException(PROPERTY + ": each entry must be 'kid:base64key' (entry "
                        + (keys.size() + 1) + " is not)");
            }
            String kid = trimmed.substring(0, colon);
            if (!kid.matches("[A-Za-z0-9._-]{1,32}")) {
                throw new IllegalStateException(PROPERTY + ": key id of entry " + (keys.size() + 1)
                        + " must be 1-32 characters of [A-Za-z0-9._-]");
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(trimmed.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(PROPERTY + ": key '" + kid + "' is not valid Base64");
            }
            if (raw.length != KEY_BYTES) {
                throw new IllegalStateException(PROPERTY + ": key '" + kid + "' is " + raw.length
                        + " bytes; AES-256 needs exactly 32 (generate one with: openssl rand -base64 32)");
            }
            if (keys.put(kid, new SecretKeySpec(raw, "AES")) != null) {
                throw new IllegalStateException(PROPERTY + ": key id '" + kid + "' appears twice");
            }
            if (active == null) {
                active = kid;
            }
        }
        return new Keyring(active, keys);
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    SecretKey activeKey() {
        return keys.get(activeKeyId);
    }

    SecretKey key(String kid) {
        SecretKey key = keys.get(kid);
        if (key == null) {
            throw new IllegalStateException("token encryption key '" + kid + "' is not in " + PROPERTY
                    + " (a retired key was removed before its rows were re-encrypted)");
        }
        return key;
    }
}

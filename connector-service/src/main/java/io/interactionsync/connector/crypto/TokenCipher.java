package io.interactionsync.connector.crypto;

import io.interactionsync.connector.config.ConnectorConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Token custody: AES-256-GCM with a fresh random 96-bit nonce per value. A sealed value is
 * {@code nonce(12) ‖ ciphertext ‖ tag(16)}; the key id is stored next to it (per row) and the caller's
 * associated data (e.g. {@code accountId/access}) binds a ciphertext to its row and column, so a value
 * copied into another row does not decrypt. Plaintexts never appear in exceptions or logs.
 */
@Startup
@ApplicationScoped
public class TokenCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Keyring keyring;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public TokenCipher(ConnectorConfig config) {
        this(Keyring.parse(config.tokenEncryption().keyring().orElse(null)));
    }

    public TokenCipher(Keyring keyring) {
        this.keyring = keyring;
    }

    /** The key id new values are sealed with; store it with the row. */
    public String activeKeyId() {
        return keyring.activeKeyId();
    }

    /** Encrypts {@code plaintext} with the active key; {@code null} stays {@code null}. */
    public byte[] seal(String plaintext, String associatedData) {
        if (plaintext == null) {
            return null;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keyring.activeKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] ct = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE_BYTES + ct.length).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("token encryption failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Decrypts a value sealed under {@code keyId}; {@code null} stays {@code null}. */
    public String open(byte[] sealed, String keyId, String associatedData) {
        if (sealed == null) {
            return null;
        }
        if (sealed.length <= NONCE_BYTES) {
            throw new IllegalStateException("sealed token value is truncated");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, keyring.key(keyId), new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] pt = cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
            return new String(pt, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("token decryption failed for key '" + keyId + "' ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}

package io.interactionsync.connector;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * The data key of one owner's raw records ({@code account:<id>} or {@code mailbox:<address>}): 32 random bytes, stored
 * only wrapped with the token keyring ({@link io.interactionsync.connector.crypto.TokenCipher}); a destroyed key keeps
 * its row without key material. {@link #toString()} never prints the key.
 */
@Entity
@Table(name = "data_keys")
public class DataKey extends PanacheEntityBase {

    public static final String ACCOUNT = "account:";
    public static final String MAILBOX = "mailbox:";

    @Id
    public String kid;

    @Column(nullable = false)
    public String owner;

    @Column(name = "token_key_id")
    public String tokenKeyId;

    @Column(name = "key_enc")
    public byte[] keyEnc;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "destroyed_at")
    public Instant destroyedAt;

    public boolean destroyed() {
        return destroyedAt != null;
    }

    /** Associated data of the wrapped key: it opens only in its own row, for its own owner. */
    public String keyAad() {
        return "data-key/" + kid + "/" + owner;
    }

    @Override
    public String toString() {
        return "DataKey[" + kid + ", " + owner + (destroyed() ? ", destroyed " + destroyedAt : "") + "]";
    }
}

package io.interactionsync.connector.service;

import io.interactionsync.connector.Account;
import io.interactionsync.model.Provider;
import io.interactionsync.connector.DataKey;
import io.interactionsync.connector.crypto.TokenCipher;
import io.interactionsync.connector.repository.AccountRepository;
import io.interactionsync.connector.repository.DataKeyRepository;
import io.interactionsync.connector.repository.SharedMailboxRepository;
import io.interactionsync.connector.rest.problem.ApiException;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The data keys that seal raw records (crypto-shredding). One AES-256 key per owner: {@code account:<accountId>} for an
 * account's own mail and calendar, {@code mailbox:<shared address>} for a shared mailbox (read once for all its
 * subscribers, so one subscriber's purge must not make it unreadable for the others). Keys are created on first use,
 * stored wrapped with the token keyring, and destroyed — key material erased, the row kept so that its id answers
 * {@code 410 erased} — in the same transaction as an account's purge, or as a shared mailbox's last unsubscription.
 * An account's key, once destroyed, is never re-created (a purged account's id is never reused); a shared mailbox
 * subscribed again later gets a fresh key.
 */
@ApplicationScoped
public class DataKeyService {

    static final int REWRAP_BATCH = 100;
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,200}");

    private final DataKeyRepository keys;
    private final AccountRepository accounts;
    private final SharedMailboxRepository mailboxes;
    private final TokenCipher cipher;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public DataKeyService(DataKeyRepository keys, AccountRepository accounts, SharedMailboxRepository mailboxes,
                          TokenCipher cipher, Clock clock) {
        this.keys = keys;
        this.accounts = accounts;
        this.mailboxes = mailboxes;
        this.cipher = cipher;
        this.clock = clock;
    }

    /** A data key in clear, for the internal API only. {@link #toString()} never shows the key. */
    public record IssuedKey(String kid, String owner, byte[] key) {
        @Override
        public String toString() {
            return "IssuedKey[" + kid + ", " + owner + "]";
        }
    }

    /**
     * The owner's live key, created on first use. 410 {@code erased} when the owner's key was destroyed (a purged
     * account; a shared mailbox nobody subscribes to any more); 404 when the account or shared mailbox is unknown.
     */
    public IssuedKey issue(String rawOwner, java.util.function.Consumer<Provider> requireProvider) {
        String owner = normaliseOwner(rawOwner);
        return QuarkusTransaction.requiringNew().call(() -> {
            boolean account = owner.startsWith(DataKey.ACCOUNT);
            Account holder = account ? accounts.findById(UUID.fromString(owner.substring(DataKey.ACCOUNT.length()))) : null;
            // a sync service gets keys only for its own provider's accounts; shared mailboxes are Exchange's
            if (holder != null) {
                requireProvider.accept(holder.provider);
            } else if (!account) {
                requireProvider.accept(Provider.MICROSOFT);
            }
            keys.lockOwner(owner);
            DataKey live = keys.live(owner).orElse(null);
            if (live != null) {
                return open(live);
            }
            boolean exists = account
                    ? !keys.anyDestroyed(owner) && holder != null
                    : mailboxes.count("key.address", owner.substring(DataKey.MAILBOX.length())) > 0;
            if (!exists) {
                if (keys.anyDestroyed(owner)) {
                    throw erased();
                }
                throw account ? ApiException.notFound("account_not_found", "No such account.")
                        : ApiException.notFound("shared_mailbox_not_found", "No account subscribes to this shared mailbox.");
            }
            return create(owner);
        });
    }

    /** The key with this id, for whoever opens records sealed with it; 410 once destroyed, 404 if unknown. */
    public IssuedKey read(String kid) {
        if (kid == null || !KID.matcher(kid).matches()) {
            throw ApiException.notFound("data_key_not_found", "No such data key.");
        }
        DataKey key = QuarkusTransaction.requiringNew().call(() -> keys.findById(kid));
        if (key == null) {
            throw ApiException.notFound("data_key_not_found", "No such data key.");
        }
        if (key.destroyed()) {
            throw erased();
        }
        return open(key);
    }

    /**
     * In a purge's transaction, after the account's row was deleted: destroys the account's key, and the key of each
     * of its shared mailboxes that no other account subscribes to any more.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void destroyAccountKeys(UUID accountId, Collection<String> sharedAddresses) {
        keys.getEntityManager().flush(); // the account's delete (and its shared_mailboxes, by cascade) first
        String owner = DataKey.ACCOUNT + accountId;
        keys.lockOwner(owner);
        int destroyed = keys.destroy(owner, clock.instant());
        for (String address : sharedAddresses) {
            destroyMailboxKeyIfUnsubscribed(address);
        }
        Log.infof("data key of account %s %s", accountId, destroyed > 0 ? "destroyed" : "did not exist");
    }

    /** In the transaction that removed a subscription: destroys the shared mailbox's key if nobody subscribes now. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void destroyMailboxKeyIfUnsubscribed(String address) {
        keys.getEntityManager().flush();
        String owner = DataKey.MAILBOX + address;
        keys.lockOwner(owner);
        if (mailboxes.count("key.address", address) == 0 && keys.destroy(owner, clock.instant()) > 0) {
            Log.infof("data key of a shared mailbox destroyed: its last subscriber left (owner hash %08x)",
                    owner.hashCode());
        }
    }

    /** Key rotation: re-wraps, in small locked batches, the live keys wrapped with a non-active keyring key. */
    public int rewrapAll() {
        int total = 0;
        int done;
        do {
            done = QuarkusTransaction.requiringNew().call(this::rewrapBatch);
            total += done;
        } while (done == REWRAP_BATCH);
        return total;
    }

    private int rewrapBatch() {
        List<DataKey> stale = keys.lockBatchWrappedWithOtherKey(cipher.activeKeyId(), REWRAP_BATCH);
        for (DataKey k : stale) {
            String key = cipher.open(k.keyEnc, k.tokenKeyId, k.keyAad());
            k.tokenKeyId = cipher.activeKeyId();
            k.keyEnc = cipher.seal(key, k.keyAad());
        }
        return stale.size();
    }

    private IssuedKey create(String owner) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        byte[] material = new byte[32];
        random.nextBytes(material);
        DataKey k = new DataKey();
        k.kid = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        k.owner = owner;
        k.tokenKeyId = cipher.activeKeyId();
        k.keyEnc = cipher.seal(Base64.getEncoder().encodeToString(material), k.keyAad());
        k.createdAt = clock.instant();
        keys.persist(k);
        return new IssuedKey(k.kid, owner, material);
    }

    private IssuedKey open(DataKey k) {
        return new IssuedKey(k.kid, k.owner, Base64.getDecoder().decode(cipher.open(k.keyEnc, k.tokenKeyId, k.keyAad())));
    }

    /** {@code account:<uuid>} or {@code mailbox:<address>}, normalised (canonical uuid, lower-case address). */
    static String normaliseOwner(String raw) {
        if (raw != null && raw.startsWith(DataKey.ACCOUNT)) {
            String id = raw.substring(DataKey.ACCOUNT.length());
            try {
                UUID uuid = UUID.fromString(id);
                if (uuid.toString().equalsIgnoreCase(id)) {
                    return DataKey.ACCOUNT + uuid;
                }
            } catch (IllegalArgumentException e) {
                // below
            }
        } else if (raw != null && raw.startsWith(DataKey.MAILBOX)) {
            String address = Addresses.normaliseEmail(raw.substring(DataKey.MAILBOX.length()));
            if (address != null) {
                return DataKey.MAILBOX + address;
            }
        }
        throw ApiException.badRequest("invalid_owner",
                "owner must be account:<account id> or mailbox:<shared mailbox address>.");
    }

    private static ApiException erased() {
        return new ApiException(410, "erased", "This data was erased: its key was destroyed.");
    }
}

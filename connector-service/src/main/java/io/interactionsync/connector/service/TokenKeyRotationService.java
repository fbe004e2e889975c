package io.interactionsync.connector.service;

import io.interactionsync.connector.Account;
import io.interactionsync.connector.crypto.TokenCipher;
import io.interactionsync.connector.repository.AccountRepository;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;

/**
 * Key rotation, second half: after a new key is put first in the keyring (new writes use it at once), this
 * re-seals the tokens of rows still carrying an older key id, in small locked batches (rows being refreshed
 * right now are skipped and picked up next time). Once no row uses a retired key it can leave the keyring.
 */
@ApplicationScoped
public class TokenKeyRotationService {

    static final int BATCH = 100;

    private final AccountRepository accounts;
    private final TokenCipher cipher;
    private final DataKeyService dataKeys;
    private final Clock clock;

    public TokenKeyRotationService(AccountRepository accounts, TokenCipher cipher, DataKeyService dataKeys, Clock clock) {
        this.accounts = accounts;
        this.cipher = cipher;
        this.dataKeys = dataKeys;
        this.clock = clock;
    }

    /** Re-seals every row (accounts, then data keys) written under a non-active key; returns how many were re-sealed. */
    public int reencryptAll() {
        int total = 0;
        int done;
        do {
            done = QuarkusTransaction.requiringNew().call(this::reencryptBatch);
            total += done;
        } while (done == BATCH);
        if (total > 0) {
            Log.infof("re-sealed the tokens of %d accounts with key '%s'", total, cipher.activeKeyId());
        }
        int keys = dataKeys.rewrapAll(); // the raw records' data keys are wrapped with the same keyring
        if (keys > 0) {
            Log.infof("re-wrapped %d data keys with key '%s'", keys, cipher.activeKeyId());
        }
        return total + keys;
    }

    private int reencryptBatch() {
        List<Account> stale = accounts.lockBatchSealedWithOtherKey(cipher.activeKeyId(), BATCH);
        for (Account a : stale) {
            String access = cipher.open(a.accessTokenEnc, a.tokenKeyId, a.accessTokenAad());
            String refresh = cipher.open(a.refreshTokenEnc, a.tokenKeyId, a.refreshTokenAad());
            a.tokenKeyId = cipher.activeKeyId();
            a.accessTokenEnc = cipher.seal(access, a.accessTokenAad());
            a.refreshTokenEnc = cipher.seal(refresh, a.refreshTokenAad());
            a.updatedAt = clock.instant();
        }
        return stale.size();
    }
}

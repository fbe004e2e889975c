package io.interactionsync.normalizer.service;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * The data keys of sealed raw records (crypto-shredding), by key id: the connector's view of each — a usable key and
 * its owner, destroyed ({@link Erased}: the account was purged or the shared mailbox lost its last subscriber), or
 * unknown. {@link #resolve} may do I/O and block (a worker thread); it throws {@link UnavailableException} when the
 * connector cannot answer, and the batch is then retried, never lost.
 */
@FunctionalInterface
public interface DataKeys {

    /** What the connector says about a key id. */
    sealed interface Lookup permits Found, Erased, Unknown {
    }

    /** @param owner {@code account:<accountId>} or {@code mailbox:<shared address>} */
    record Found(String owner, SecretKey key) implements Lookup {
        @Override
        public String toString() {
            return "Found[" + owner + "]";
        }
    }

    /** 410 {@code erased}: the records sealed with it stay unreadable for ever; they are dropped. */
    record Erased() implements Lookup {
    }

    /** 404: no such key at the connector (a forged or foreign record): dead-lettered, still sealed. */
    record Unknown() implements Lookup {
    }

    /** The keys with these ids; every id of {@code kids} is in the answer. */
    Map<String, Lookup> resolve(Set<String> kids);

    /** The connector could not answer (down, timeout, 5xx): the batch fails and is retried. */
    class UnavailableException extends RuntimeException {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** No keys at all (plaintext-only callers and tests): every id is unknown. */
    DataKeys NONE = kids -> {
        Map<String, Lookup> out = new HashMap<>();
        kids.forEach(k -> out.put(k, new Unknown()));
        return out;
    };
}

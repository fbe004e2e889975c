package io.interactionsync.sync;

/**
 * The source cannot be synced until something changes (token rejected twice, access forbidden): its
 * status becomes {@code error} with this human message (never a token) and the job ends.
 */
public class SourceFailedException extends RuntimeException {
    public SourceFailedException(String message) {
        super(message);
    }
}

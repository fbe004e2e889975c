package io.interactionsync.sync.jobs;

/** A database failure; transient from the job's point of view (the job is retried later). */
public class RepositoryException extends RuntimeException {
    public RepositoryException(String message, Throwable cause) {
        super(message, cause);
    }
}

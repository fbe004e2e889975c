package io.interactionsync.microsoftsync.graph;

import io.interactionsync.sync.SourceFailedException;

/**
 * A Graph answer retrying cannot fix for this mailbox. {@link #code()} is the {@code lastError} code put in
 * sync-status: {@code access_denied}, {@code mailbox_not_found}, {@code mailbox_not_enabled_for_rest},
 * {@code mailbox_not_licensed}, {@code token_rejected}, {@code bad_request}, {@code graph_link_refused}.
 */
public class GraphCallException extends SourceFailedException {

    private final String code;
    private final int status;

    public GraphCallException(String code, int status, String message) {
        super(code + ": " + message);
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** 410 / syncStateNotFound / resyncRequired: the delta link is no longer valid; restart the round once. */
    public static class DeltaExpired extends RuntimeException {
        public DeltaExpired(String message) {
            super(message);
        }
    }

    /**
     * 404 {@code ErrorItemNotFound} for a folder's message delta: the folder is gone, and the folder delta lost its
     * removal (else it would have been retired). The folder is retired; the rest of the mailbox goes on.
     */
    public static class FolderGone extends RuntimeException {
        private final String folder;

        public FolderGone(String folder) {
            super("mail folder no longer exists (404)");
            this.folder = folder;
        }

        public String folder() {
            return folder;
        }
    }
}

package io.interactionsync.normalizer.rules;

/** What the user has sent before: the negative points of R-C6 and the "two-way history" of R-C7. */
public interface History {

    /** No history at all (a new user, or a unit test). */
    History NONE = new History() {
        @Override
        public boolean userHasEmailed(String contactEmail) {
            return false;
        }

        @Override
        public boolean userSentMessage(String internetMessageId) {
            return false;
        }
    };

    /** The user sent at least one message to this address (as stored in {@code contact_email}). */
    boolean userHasEmailed(String contactEmail);

    /** The user sent the message with this (trimmed) Message-ID. */
    boolean userSentMessage(String internetMessageId);
}

package io.interactionsync.googlesync.source.gmail;

import com.google.api.services.gmail.model.Message;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What this service publishes of a mailbox: all mail (archived, filed under user labels, in the inbox or sent), except
 * drafts and chats (R-C1: never published) and spam and trash (a message moved there is a deletion, SPEC §4).
 * Archiving and relabelling never change whether a message is published.
 */
final class GmailScope {

    /** Labels that make a message a deletion: moved to the bin or to spam. */
    static final Set<String> DELETING = Set.of("TRASH", "SPAM");
    /** Labels of messages that are never interactions (R-C1). */
    static final Set<String> NEVER_PUBLISHED = Set.of("DRAFT", "CHAT");

    private GmailScope() {
    }

    static boolean inScope(Message message) {
        return inScope(labels(message));
    }

    static boolean inScope(Collection<String> labels) {
        return labels.stream().noneMatch(l -> DELETING.contains(l) || NEVER_PUBLISHED.contains(l));
    }

    /** In TRASH or SPAM. */
    static boolean deleting(Collection<String> labels) {
        return labels.stream().anyMatch(DELETING::contains);
    }

    /** A draft or a chat (and not in TRASH/SPAM): known, never published. */
    static boolean excluded(Collection<String> labels) {
        return !deleting(labels) && labels.stream().anyMatch(NEVER_PUBLISHED::contains);
    }

    /** Whether a label change can change what is published: TRASH/SPAM added, or TRASH/SPAM/DRAFT/CHAT removed. */
    static boolean touchesScope(Collection<String> changed) {
        return changed.stream().anyMatch(l -> DELETING.contains(l) || NEVER_PUBLISHED.contains(l));
    }

    static List<String> labels(Message message) {
        return message.getLabelIds() == null ? List.of() : message.getLabelIds();
    }

    /** Whether the message's internalDate is known and not older than the horizon. */
    static boolean withinHorizon(Message message, long horizonMillis) {
        return message.getInternalDate() != null && message.getInternalDate() >= horizonMillis;
    }
}

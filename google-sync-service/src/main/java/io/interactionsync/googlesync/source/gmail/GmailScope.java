package io.interactionsync.googlesync.source.gmail;

import com.google.api.services.gmail.model.Message;
import java.util.List;
import java.util.Set;

/** What this service syncs of a mailbox: messages in INBOX or SENT, unless they are in TRASH or SPAM. */
final class GmailScope {

    static final Set<String> IN_SCOPE = Set.of("INBOX", "SENT");
    private static final Set<String> OUT_OF_SCOPE = Set.of("TRASH", "SPAM");

    private GmailScope() {
    }

    static boolean inScope(Message message) {
        List<String> labels = message.getLabelIds() == null ? List.of() : message.getLabelIds();
        return labels.stream().anyMatch(IN_SCOPE::contains) && labels.stream().noneMatch(OUT_OF_SCOPE::contains);
    }

    /** Whether the message's internalDate is known and not older than the horizon. */
    static boolean withinHorizon(Message message, long horizonMillis) {
        return message.getInternalDate() != null && message.getInternalDate() >= horizonMillis;
    }
}

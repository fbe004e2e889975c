package io.interactionsync.emulator.store;

import java.util.List;

/** One change of a Gmail mailbox, as history.list reports it. */
public record HistoryRecord(long id, Type type, String messageId, String threadId, List<String> messageLabels,
        List<String> changedLabels) {

    public enum Type { MESSAGE_ADDED, MESSAGE_DELETED, LABEL_ADDED, LABEL_REMOVED }

    public HistoryRecord {
        messageLabels = List.copyOf(messageLabels);
        changedLabels = List.copyOf(changedLabels);
    }
}

package io.interactionsync.emulator.store;

/**
 * Told of every change of the provider data (the emulator's provider push listens). Calls come from inside the
 * changed mailbox's or calendar's monitor, on whatever thread made the change: implementations must only record and
 * schedule, never block nor call back into the store.
 */
public interface StoreListener {

    /** Nobody listens. */
    StoreListener NONE = new StoreListener() {
    };

    /** A new history record in a Gmail mailbox. */
    default void gmailHistory(String email, HistoryRecord record) {
    }

    /** A Google Calendar event was added, changed or deleted. */
    default void googleEvent(String email, String eventId) {
    }

    /** A message of an Exchange mailbox (a user's or a shared one) changed. */
    default void graphMessage(String mailboxAddress, GraphMailbox.Change change) {
    }

    /** An Outlook calendar event changed. */
    default void graphEvent(String upn, GraphCalendar.Change change) {
    }
}

package io.interactionsync.googlesync.client.gmail;

import com.google.api.services.gmail.model.ListHistoryResponse;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.Profile;

/**
 * What the Gmail sources need from Gmail (one account). {@link GmailGateway} implements it with the SDK;
 * unit tests use an in-memory mailbox.
 */
public interface GmailPort {

    /** users.getProfile (1 unit). */
    Profile profile() throws InterruptedException;

    /**
     * users.messages.list without labelIds (5 units): all mail, newest first, SPAM and TRASH excluded (Gmail's default
     * {@code includeSpamTrash=false}); drafts and chats included.
     */
    ListMessagesResponse listAllMail(String pageToken) throws InterruptedException;

    /** users.messages.get with format=metadata and the configured headers (5 units); 404 → NotFoundException. */
    Message getMessageMetadata(String id) throws InterruptedException;

    /** users.threads.get with format=metadata and the configured headers (10 units); 404 → NotFoundException. */
    com.google.api.services.gmail.model.Thread getThreadMetadata(String threadId) throws InterruptedException;

    /**
     * users.history.list from {@code startHistoryId} (2 units), types messageAdded, messageDeleted, labelAdded,
     * labelRemoved; a start id older than the kept history → NotFoundException (404).
     */
    ListHistoryResponse listHistory(String startHistoryId, String pageToken) throws InterruptedException;

    /** The resource as JSON exactly as the API returned it (the SDK's own JSON factory). */
    String serialize(Object resource);
}

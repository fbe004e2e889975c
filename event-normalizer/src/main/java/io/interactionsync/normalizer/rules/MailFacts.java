package io.interactionsync.normalizer.rules;

import io.interactionsync.normalizer.parse.ParsedAddress;
import java.util.List;
import java.util.Set;

/**
 * A provider-neutral view of one mail message, as the rules need it. Gmail builds it from a
 * {@code format=metadata} message; Outlook will build it from a Graph message.
 *
 * @param folders      lower-case labels/folders: {@code spam, trash, draft, sent, inbox, category_promotions…}
 * @param ownCopy      the mailbox owner's own sent copy (Gmail SENT label, Outlook Sent Items): BCC is real (R-B4)
 * @param mimeType     top-level MIME type, lower case, or null
 */
public record MailFacts(
        Set<String> folders,
        boolean ownCopy,
        String mimeType,
        Headers headers,
        ParsedAddress from,
        List<ParsedAddress> to,
        List<ParsedAddress> cc,
        List<ParsedAddress> bcc,
        int droppedAddresses) {

    public int recipientCount() {
        return to.size() + cc.size() + bcc.size();
    }
}

package io.interactionsync.deploy.capture;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.Json;
import java.util.ArrayList;
import java.util.List;

/** Small raw-records dumps in memory: envelopes around minimal Gmail, Graph and Calendar payloads. */
final class RawRecordsBuilder {

    private final List<String> values = new ArrayList<>();

    List<String> values() {
        return List.copyOf(values);
    }

    /** A Gmail message in {@code mailbox}; the labels decide sent (SENT), inbox (INBOX) or archived (neither). */
    RawRecordsBuilder gmail(String mailbox, String remoteId, String messageId, String from, String to, String... labels) {
        ObjectNode payload = Json.mapper().createObjectNode().put("id", remoteId);
        ArrayNode labelIds = payload.putArray("labelIds");
        List.of(labels).forEach(labelIds::add);
        ArrayNode headers = payload.putObject("payload").putArray("headers");
        headers.addObject().put("name", "From").put("value", from);
        headers.addObject().put("name", "To").put("value", to);
        if (messageId != null) {
            headers.addObject().put("name", "Message-ID").put("value", messageId);
        }
        values.add(envelope("gmail", "upsert", mailbox, false, remoteId, payload).toString());
        return this;
    }

    /** A Graph message in {@code mailbox}'s folder {@code folder} (null: no parentFolderId). */
    RawRecordsBuilder outlook(String mailbox, String remoteId, String messageId, String from, String to, String folder) {
        return outlook(mailbox, false, remoteId, messageId, from, to, folder);
    }

    RawRecordsBuilder outlook(String mailbox, boolean shared, String remoteId, String messageId, String from, String to,
                              String folder) {
        ObjectNode payload = Json.mapper().createObjectNode().put("id", remoteId).put("isDraft", false);
        if (messageId != null) {
            payload.put("internetMessageId", messageId);
        }
        if (folder != null) {
            payload.put("parentFolderId", folder);
        }
        payload.putObject("from").putObject("emailAddress").put("address", from);
        payload.putArray("toRecipients").addObject().putObject("emailAddress").put("address", to);
        payload.putArray("ccRecipients");
        payload.putArray("bccRecipients");
        ArrayNode headers = payload.putArray("internetMessageHeaders");
        if (messageId != null) {
            headers.addObject().put("name", "Message-ID").put("value", messageId);
        }
        values.add(envelope("outlook_mail", "upsert", mailbox, shared, remoteId, payload).toString());
        return this;
    }

    /** Graph's {@code @removed} for a message: the payload names neither folder nor participants. */
    RawRecordsBuilder outlookDelete(String mailbox, String remoteId) {
        ObjectNode payload = Json.mapper().createObjectNode().put("id", remoteId);
        payload.putObject("@removed").put("reason", "deleted");
        values.add(envelope("outlook_mail", "delete", mailbox, false, remoteId, payload).toString());
        return this;
    }

    /** A Google Calendar event of {@code mailbox} with {@code attendees} (the mailbox itself marked self). */
    RawRecordsBuilder googleEvent(String mailbox, String remoteId, String status, String... attendees) {
        ObjectNode payload = Json.mapper().createObjectNode().put("id", remoteId).put("status", status)
                .put("eventType", "default");
        payload.putObject("organizer").put("email", mailbox);
        payload.putObject("start").put("dateTime", "2026-01-05T10:00:00Z");
        ArrayNode list = payload.putArray("attendees");
        for (String a : attendees) {
            ObjectNode attendee = list.addObject().put("email", a).put("responseStatus", "accepted");
            if (a.equals(mailbox)) {
                attendee.put("self", true);
            }
        }
        values.add(envelope("google_calendar", "upsert", mailbox, false, remoteId, payload).toString());
        return this;
    }

    /** A value exactly as given (e.g. not JSON). */
    RawRecordsBuilder raw(String value) {
        values.add(value);
        return this;
    }

    private static ObjectNode envelope(String source, String op, String mailbox, boolean shared, String remoteId,
                                       ObjectNode payload) {
        ObjectNode r = Json.mapper().createObjectNode().put("schemaVersion", 1).put("source", source).put("op", op)
                .put("accountId", "acc-" + mailbox).put("userId", "user-" + mailbox).put("mailbox", mailbox)
                .put("sharedMailbox", shared).put("remoteId", remoteId).put("observedAt", "2026-01-01T00:00:00Z")
                .put("syncRunId", "run-1");
        r.set("payload", payload);
        return r;
    }
}

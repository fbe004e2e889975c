package io.interactionsync.emulator.generate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.store.GmailMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;

/** Turns a generated mailbox copy into the Graph message resource Exchange would hold for it. */
final class GraphMessages {

    private GraphMessages() {
    }

    /** Custom folders received mail is filed into, whole conversations at a time: display path → percent. */
    static final Map<String, Integer> CUSTOM_FOLDERS = Map.of("Clients", 12, "Inbox/Deals", 8);

    /**
     * The folder the copy lives in: the well-known one its labels say (no INBOX → archive), except that received
     * mail of some conversations is filed into custom folders ("Clients", and "Deals" under the inbox), chosen by a
     * hash of mailbox and thread: deterministic per seed.
     */
    static String folder(GmailMessage m, String owner) {
        if (m.hasLabel("DRAFT")) {
            return "drafts";
        }
        if (m.hasLabel("SPAM")) {
            return "junkemail";
        }
        if (m.hasLabel("TRASH")) {
            return "deleteditems";
        }
        if (m.hasLabel("SENT")) {
            return "sentitems";
        }
        int bucket = Math.floorMod(hash(owner + "|filed|" + m.threadId(), 12).hashCode(), 100);
        if (bucket < CUSTOM_FOLDERS.get("Clients")) {
            return "Clients";
        }
        if (bucket < CUSTOM_FOLDERS.get("Clients") + CUSTOM_FOLDERS.get("Inbox/Deals")) {
            return "Inbox/Deals";
        }
        return m.hasLabel("INBOX") ? "inbox" : "archive";
    }

    static ObjectNode from(GmailMessage m, String owner) {
        ObjectNode out = Json.object();
        String received = Instant.ofEpochMilli(m.internalDate()).toString();
        out.put("id", "AAMkAD" + hash(owner + "|" + m.id(), 96) + "=");
        out.put("createdDateTime", received);
        out.put("lastModifiedDateTime", received);
        out.putArray("categories");
        out.put("receivedDateTime", received);
        String date = m.header("Date");
        String sent = received;
        if (date != null) {
            try {
                sent = ZonedDateTime.parse(date.replaceAll("\\s*\\([^)]*\\)$", ""), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant().toString();
            } catch (RuntimeException e) {
                // keep receivedDateTime
            }
        }
        out.put("sentDateTime", sent);
        out.put("hasAttachments", false);
        if (m.header("Message-ID") != null) {
            out.put("internetMessageId", m.header("Message-ID"));
        }
        out.put("subject", m.header("Subject") == null ? "" : AddressParser.decode(m.header("Subject")));
        out.put("bodyPreview", m.snippet());
        out.put("importance", m.hasLabel("IMPORTANT") ? "high" : "normal");
        out.put("conversationId", "AAQkAD" + hash(owner + "|" + m.threadId(), 60) + "=");
        out.put("isDeliveryReceiptRequested", false);
        out.put("isReadReceiptRequested", false);
        out.put("isRead", !m.hasLabel("UNREAD"));
        out.put("isDraft", m.hasLabel("DRAFT"));
        out.put("inferenceClassification", m.hasLabel("CATEGORY_PERSONAL") || m.hasLabel("SENT") ? "focused" : "other");
        out.putObject("body").put("contentType", "html").put("content", "<html><body><p>" + m.snippet() + "</p></body></html>");
        AddressParser.parse(m.header("From")).stream().findFirst().ifPresent(from -> {
            out.set("sender", address(from));
            out.set("from", address(from));
        });
        out.set("toRecipients", list(m.header("To")));
        out.set("ccRecipients", list(m.header("Cc")));
        out.set("bccRecipients", list(m.header("Bcc")));
        out.set("replyTo", list(m.header("Reply-To")));
        out.putObject("flag").put("flagStatus", m.hasLabel("STARRED") ? "flagged" : "notFlagged");
        ArrayNode headers = out.putArray("internetMessageHeaders");
        m.headers().stream().filter(h -> !h.name().equalsIgnoreCase("Bcc"))
                .forEach(h -> headers.addObject().put("name", h.name()).put("value", h.value()));
        return out;
    }

    private static ArrayNode list(String header) {
        ArrayNode array = Json.array();
        AddressParser.parse(header).forEach(a -> array.add(address(a)));
        return array;
    }

    private static ObjectNode address(AddressParser.Mailbox mailbox) {
        ObjectNode out = Json.object();
        out.putObject("emailAddress").put("name", mailbox.name()).put("address", mailbox.address());
        return out;
    }

    private static String hash(String value, int length) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(value.getBytes(StandardCharsets.UTF_8));
            String text = Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
            return text.substring(0, Math.min(length, text.length()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
